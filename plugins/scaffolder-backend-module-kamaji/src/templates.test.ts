import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { templateEntityV1beta3Validator } from '@backstage/plugin-scaffolder-common';
import { createKamajiActions } from './actions';
import { manifestsRenderInputSchema } from './actions/manifestsRender';
import { clusterWaitInputSchema } from './actions/clusterWait';
import { planRequestOf } from './actions/upgradePlanCreate';
import { parseAddonSet, parseIsland, parseTenantCluster } from './render';

// The software templates (examples/templates) are wired to the actions correctly: every
// parameter they use is declared, every step output they read exists, and the inputs they build
// from the form's defaults (plus sample answers) pass the actions' own validation.
const DIR = resolve(__dirname, '..', '..', '..', 'examples', 'templates');
const files = readdirSync(DIR).filter(f => f.endsWith('.yaml'));
const templates = files.map(
  f => [f, parse(readFileSync(join(DIR, f), 'utf8'))] as const,
);

const actions = Object.fromEntries(
  createKamajiActions({} as any).map(a => [a.id, a]),
);

/** Sample answers for required fields without defaults. */
const SAMPLES: Record<string, unknown> = {
  name: 'shop-42',
  island: 'island-a',
  site: 'shop-hamburg',
  repoUrl: 'github.com?owner=acme&repo=fleet-gitops',
  chartRepositoryURL: 'https://kubernetes-sigs.github.io/metrics-server/',
  chartName: 'metrics-server',
  chartVersion: '3.12.2',
  version: 'v1.35.1',
  manifests: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: monitoring\n',
};

function properties(template: any): Record<string, any> {
  const out: Record<string, any> = {};
  const collect = (schema: any) => {
    Object.assign(out, schema?.properties ?? {});
    for (const dep of Object.values(schema?.dependencies ?? {}) as any[])
      for (const branch of dep.oneOf ?? []) collect(branch);
  };
  for (const page of template.spec.parameters) collect(page);
  return out;
}

function lookup(ctx: any, path: string): unknown {
  return path
    .split('.')
    .reduce((o, k) => (o === undefined || o === null ? undefined : o[k]), ctx);
}

/** What the scaffolder's templating does for plain references; undefined drops the key. */
function evaluate(value: unknown, ctx: any): unknown {
  if (typeof value === 'string') {
    const sole = /^\$\{\{\s*([\w.]+)\s*\}\}$/.exec(value);
    if (sole) return lookup(ctx, sole[1]);
    return value.replace(/\$\{\{\s*([\w.]+)\s*\}\}/g, (_, p) =>
      String(lookup(ctx, p) ?? ''),
    );
  }
  if (Array.isArray(value)) return value.map(v => evaluate(v, ctx));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const e = evaluate(v, ctx);
      if (e !== undefined) out[k] = e;
    }
    return out;
  }
  return value;
}

function ok(condition: boolean, message: string) {
  if (!condition) throw new Error(message);
}

/** Validates a step input the way the action will. */
const CHECKS: Record<string, (input: any) => void> = {
  'kamaji:tenant:create': input => parseTenantCluster(input),
  'kamaji:island:create': input => parseIsland(input),
  'kamaji:addonset:create': input => parseAddonSet(input),
  'kamaji:manifests:render': input => {
    ok(
      manifestsRenderInputSchema.safeParse(input).success,
      'invalid render input',
    );
    parseTenantCluster(input.values);
  },
  'kamaji:cluster:wait': input =>
    ok(clusterWaitInputSchema.safeParse(input).success, 'invalid wait input'),
  'kamaji:upgradeplan:create': input => planRequestOf(input),
};

/** Other actions may only be publish steps behind a condition (they need an integration token). */
function checkBuiltIn(step: any) {
  ok(/^publish:/.test(step.action), `unexpected action ${step.action}`);
  ok(step.if !== undefined, `${step.action} must be optional (if:)`);
}

describe('examples/templates', () => {
  it('has the five templates', () => {
    expect(templates.map(([, t]) => t.metadata.title).sort()).toEqual([
      'Addon set',
      'Edge tenant cluster',
      'Edge tenant cluster (GitOps pull request)',
      'Fleet upgrade plan',
      'Island',
    ]);
  });

  describe.each(templates)('%s', (_file, template) => {
    const props = properties(template);
    const text = JSON.stringify(template.spec);

    it('is a valid v1beta3 Template entity', async () => {
      expect(await templateEntityV1beta3Validator.check(template)).toBe(true);
    });

    it('only uses declared parameters', () => {
      const used = [...text.matchAll(/parameters\.(\w+)/g)].map(m => m[1]);
      expect(used.filter(p => !(p in props))).toEqual([]);
    });

    it('only reads outputs that earlier steps have', () => {
      const steps: any[] = template.spec.steps;
      for (const m of text.matchAll(/steps\.(\w+)\.output\.(\w+)/g)) {
        const step = steps.find(s => s.id === m[1]);
        expect(step).toBeDefined();
        const action = actions[step.action];
        if (!action) continue; // publish:* and other built-in actions
        expect(
          Object.keys((action.schema!.output as any).properties),
        ).toContain(m[2]);
      }
    });

    it('builds inputs the actions accept from the form defaults', () => {
      const parameters: Record<string, unknown> = {};
      for (const [k, p] of Object.entries(props)) {
        if (p.default !== undefined) parameters[k] = p.default;
        else if (k in SAMPLES) parameters[k] = SAMPLES[k];
      }
      parameters.owner = 'group:default/platform-team';
      const ctx = {
        parameters,
        user: { ref: 'user:default/alice' },
        context: { task: { id: 't' } },
        steps: Object.fromEntries(
          template.spec.steps.map((s: any) => [
            s.id,
            {
              output: {
                name: 'shop-42',
                namespace: 'fleet-tenants',
                managementCluster: 'central',
              },
            },
          ]),
        ),
      };
      const problems = template.spec.steps.map((step: any) => {
        const input = evaluate(step.input, ctx) as any;
        try {
          (CHECKS[step.action] ?? (() => checkBuiltIn(step)))(input);
          return `${step.id}: ok`;
        } catch (e: any) {
          return `${step.id}: ${e.message}`;
        }
      });
      expect(problems).toEqual(
        template.spec.steps.map((s: any) => `${s.id}: ok`),
      );
    });
  });
});
