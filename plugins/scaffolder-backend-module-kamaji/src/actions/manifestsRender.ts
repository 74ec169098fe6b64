import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import {
  BackstageCredentials,
  resolveSafeChildPath,
} from '@backstage/backend-plugin-api';
import {
  ActionContext,
  createTemplateAction,
} from '@backstage/plugin-scaffolder-node';
import { z as zod } from 'zod';
import { Zod } from '../render/schemas';
import { RENDER_KINDS, RenderKind } from '../render/renderKind';
import { KamajiInputError, Problems, shown } from '../render/validation';
import { describeObject, toYaml } from '../render/objects';
import { ApplyPlan } from '../kube/ApplyPlan';
import {
  KamajiActionDeps,
  PreparedObjects,
  authorizeCreate,
  scaffolderSchema,
} from './common';
import { prepareTenant } from './tenantCreate';
import { prepareIsland } from './islandCreate';
import { prepareAddonSet } from './addonSetCreate';

/** @public */
export function makeManifestsRenderInputSchema(z: Zod) {
  return z
    .object({
      kind: z
        .enum(RENDER_KINDS)
        .describe("What to render: 'tenant', 'island' or 'addonset'."),
      values: z
        .record(z.unknown())
        .describe(
          'The same input as kamaji:tenant:create, kamaji:island:create or kamaji:addonset:create.',
        ),
      path: z
        .string()
        .optional()
        .describe(
          "File to write in the workspace, relative, ending in .yaml (default 'manifests/<kind>/<name>.yaml').",
        ),
      serverDryRun: z
        .boolean()
        .optional()
        .describe(
          'Also dry-run the objects on the management cluster (server-side, nothing is written). Default false: a GitOps controller applies them later, possibly as another field manager.',
        ),
    })
    .strict();
}

/** @public */
export const manifestsRenderInputSchema = makeManifestsRenderInputSchema(zod);

function checkPath(workspace: string, path: string): string {
  const problems = new Problems();
  if (!/\.ya?ml$/.test(path) || path.includes('\0') || path.startsWith('/')) {
    problems.add(
      'path',
      `must be a relative file path ending in .yaml inside the workspace; got ${shown(
        path,
      )}`,
    );
    problems.throwIfAny('render input');
  }
  try {
    return resolveSafeChildPath(workspace, path);
  } catch {
    problems.add(
      'path',
      `must stay inside the workspace (no '..'); got ${shown(path)}`,
    );
    problems.throwIfAny('render input');
    throw new Error('unreachable');
  }
}

/** The render input, or a KamajiInputError naming each field of the wrong shape. */
function parseRenderInput(raw: unknown) {
  const input = manifestsRenderInputSchema.safeParse(raw);
  if (!input.success) {
    throw new KamajiInputError(
      input.error.issues.map(issue => ({
        path: issue.path.join('.') || '(input)',
        message:
          issue.code === 'invalid_enum_value'
            ? `must be one of ${RENDER_KINDS.join(', ')}`
            : issue.message,
      })),
      'render input',
    );
  }
  return input.data;
}

/** Checks and renders the values like the create action of the kind does. */
async function prepareValues(
  ctx: ActionContext<any, any>,
  deps: KamajiActionDeps,
  kind: RenderKind,
  values: Record<string, unknown>,
  credentials: BackstageCredentials,
): Promise<PreparedObjects> {
  const prepare: Record<RenderKind, typeof prepareTenant> = {
    tenant: prepareTenant,
    island: prepareIsland,
    addonset: prepareAddonSet,
  };
  try {
    return await prepare[kind](ctx, deps, values, credentials);
  } catch (e) {
    if (e instanceof KamajiInputError) {
      // Name the fields as the template writes them: values.<field>.
      throw new KamajiInputError(
        e.errors.map(error => ({ ...error, path: `values.${error.path}` })),
        `${kind} values`,
      );
    }
    throw e;
  }
}

/** Logs what a server-side dry run of the objects on the management cluster would do. */
async function logServerDryRun(
  ctx: ActionContext<any, any>,
  prepared: PreparedObjects,
) {
  const plan = await ApplyPlan.prepare(prepared.client, prepared.objects);
  const results = await plan.dryRun();
  for (const result of results)
    ctx.logger.info(`dry run: would be ${result.outcome}: ${result.object}`);
}

const EXAMPLES = [
  {
    description:
      'Render a tenant cluster into the workspace and open a pull request',
    example: `steps:
  - id: render
    action: kamaji:manifests:render
    input:
      kind: tenant
      path: clusters/central/fleet-tenants/berlin-scales.yaml
      values:
        name: berlin-scales
        island: island-b
        kubernetesVersion: v1.34.2
        workerPools: [{ name: edge, replicas: 2 }]
        owner: team-retail
  - id: pr
    action: publish:github:pull-request
    input:
      repoUrl: github.com?owner=acme&repo=fleet-gitops
      branchName: tenant-berlin-scales
      title: 'Tenant cluster berlin-scales'
      description: Rendered by Backstage`,
  },
];

/**
 * `kamaji:manifests:render`: GitOps mode. Writes what the create actions would apply as one
 * multi-document YAML file into the workspace, for `publish:*` steps to open a pull request.
 *
 * @public
 */
export function createManifestsRenderAction(deps: KamajiActionDeps) {
  return createTemplateAction({
    id: 'kamaji:manifests:render',
    description:
      'GitOps mode: validates a tenant cluster, island or addon set exactly like the create actions (fleet, catalog, permissions) and writes its objects as multi-document YAML into the workspace instead of applying them, so a publish:* step can open a pull request.',
    examples: EXAMPLES,
    supportsDryRun: true,
    schema: {
      input: scaffolderSchema(makeManifestsRenderInputSchema),
      output: scaffolderSchema(z =>
        z.object({
          path: z
            .string()
            .describe('The file written, relative to the workspace'),
          managementCluster: z.string(),
          objects: z.array(z.string()),
          manifest: z.string(),
        }),
      ),
    },
    async handler(ctx) {
      const input = parseRenderInput(ctx.input);
      const { kind, values } = input;
      const credentials = await authorizeCreate(
        ctx,
        deps,
        `render ${kind} manifests`,
      );
      const prepared = await prepareValues(
        ctx,
        deps,
        kind,
        values,
        credentials,
      );
      const file = input.path ?? `manifests/${kind}/${prepared.name}.yaml`;
      const target = checkPath(ctx.workspacePath, file);
      const objects = prepared.objects;
      if (input.serverDryRun) await logServerDryRun(ctx, prepared);
      const yaml = toYaml(objects);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, yaml, 'utf8');
      const rel = relative(ctx.workspacePath, target);
      ctx.logger.info(`Wrote ${objects.length} objects to ${rel}`);
      ctx.output('path', rel);
      ctx.output('managementCluster', prepared.managementCluster);
      ctx.output('objects', objects.map(describeObject));
      ctx.output('manifest', yaml);
    },
  });
}
