import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  FLEET_KINDS,
  apiVersionOf,
} from '@kamaji-backstage/plugin-kamaji-common';
import { z as zod } from 'zod';
import { Zod } from '../render/schemas';
import {
  Problems,
  checkDnsLabel,
  checkRange,
  zodProblems,
} from '../render/validation';
import { StoredObject } from '../kube/ObjectClient';
import { KamajiApplyError, explainApiError } from '../kube/ApplyPlan';
import {
  KamajiActionDeps,
  scaffolderSchema,
  authorizeCreate,
  fleetSnapshot,
  managementClusterOf,
} from './common';

/** @public */
export function makeClusterWaitInputSchema(z: Zod) {
  return z
    .object({
      name: z.string().describe('Name of the CAPI Cluster (tenant or island).'),
      namespace: z
        .string()
        .optional()
        .describe(
          'Its namespace in the management cluster (default fleet-tenants).',
        ),
      managementCluster: z
        .string()
        .optional()
        .describe('Management cluster (default: the only one configured).'),
      timeoutMinutes: z
        .number()
        .optional()
        .describe('How long to wait, 1 to 240 minutes (default 30).'),
      pollIntervalSeconds: z
        .number()
        .optional()
        .describe('How often to look, 1 to 300 seconds (default 15).'),
      failOnTimeout: z
        .boolean()
        .optional()
        .describe(
          'Fail the step when the timeout passes (default true); otherwise output available=false.',
        ),
    })
    .strict();
}

/** @public */
export const clusterWaitInputSchema = makeClusterWaitInputSchema(zod);

const WATCHED_CONDITIONS = [
  'InfrastructureReady',
  'ControlPlaneInitialized',
  'ControlPlaneAvailable',
  'WorkersAvailable',
  'RemoteConnectionProbe',
];

/** One progress line: phase, the conditions that matter, worker counts. */
export function describeClusterProgress(cluster: StoredObject): string {
  const status: any = (cluster as any).status ?? {};
  const conditions: any[] = Array.isArray(status.conditions)
    ? status.conditions
    : [];
  const byType = new Map(conditions.map(c => [c.type, c]));
  const parts = [`phase ${status.phase ?? 'not reported yet'}`];
  for (const type of ['Available', ...WATCHED_CONDITIONS]) {
    const c = byType.get(type);
    if (!c) continue;
    parts.push(
      `${type} ${c.status}${
        c.status !== 'True' && c.reason
          ? ` (${c.reason}${
              c.message ? `: ${String(c.message).slice(0, 120)}` : ''
            })`
          : ''
      }`,
    );
  }
  if (status.workers) {
    const w = status.workers;
    parts.push(
      `workers ${w.availableReplicas ?? 0}/${w.desiredReplicas ?? 0} available`,
    );
  }
  return parts.join(', ');
}

function isAvailable(cluster: StoredObject): boolean {
  const conditions: any[] = (cluster as any).status?.conditions ?? [];
  return conditions.some(c => c.type === 'Available' && c.status === 'True');
}

const defaultSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((done, fail) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      fail(new Error('The task was cancelled while waiting'));
    });
  });

/**
 * `kamaji:cluster:wait`: waits until a Cluster's `Available` condition is True.
 *
 * @public
 */
export function createClusterWaitAction(deps: KamajiActionDeps) {
  return createTemplateAction({
    id: 'kamaji:cluster:wait',
    description:
      'Waits until a CAPI Cluster is Available (its Available condition is True), or a timeout. Reads the Cluster from the management cluster and logs a progress line whenever its phase or conditions change.',
    examples: [
      {
        description: 'Wait for the tenant created by an earlier step',
        example: `steps:
  - id: wait
    action: kamaji:cluster:wait
    input:
      name: \${{ steps.tenant.output.name }}
      namespace: \${{ steps.tenant.output.namespace }}
      timeoutMinutes: 45`,
      },
    ],
    supportsDryRun: true,
    schema: {
      input: scaffolderSchema(makeClusterWaitInputSchema),
      output: scaffolderSchema(z =>
        z.object({
          available: z.boolean(),
          phase: z.string().optional(),
          waitedSeconds: z.number(),
        }),
      ),
    },
    async handler(ctx) {
      await authorizeCreate(ctx, deps, 'wait for clusters');
      const problems = new Problems();
      const parsed = clusterWaitInputSchema.safeParse(ctx.input);
      if (!parsed.success) zodProblems(parsed.error, ctx.input, problems);
      problems.throwIfAny('wait input');
      const input = parsed.data!;
      const namespace = input.namespace ?? deps.settings.namespaces.tenants;
      const timeoutMinutes = input.timeoutMinutes ?? 30;
      const interval = input.pollIntervalSeconds ?? 15;
      checkDnsLabel(problems, 'name', input.name);
      checkDnsLabel(problems, 'namespace', namespace);
      checkRange(problems, 'timeoutMinutes', timeoutMinutes, 1, 240);
      checkRange(problems, 'pollIntervalSeconds', interval, 1, 300);
      problems.throwIfAny('wait input');
      const snapshot = await fleetSnapshot(deps);
      const mc = managementClusterOf(
        input.managementCluster,
        snapshot,
        deps,
        problems,
      );
      problems.throwIfAny('wait input');

      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would wait up to ${timeoutMinutes} minutes for ${namespace}/${input.name} to be Available`,
        );
        ctx.output('available', false);
        ctx.output('waitedSeconds', 0);
        return;
      }
      const ref = {
        apiVersion: apiVersionOf(FLEET_KINDS.Cluster),
        kind: 'Cluster',
        metadata: { name: input.name, namespace },
      };
      const sleep = deps.sleep ?? defaultSleep;
      const now = deps.now ?? Date.now;
      const started = now();
      const deadline = started + timeoutMinutes * 60_000;
      let last = '';
      let lastLogged = started;
      let seen = false;
      let cluster: StoredObject | undefined;
      for (;;) {
        try {
          cluster = await mc!.client.get(ref);
        } catch (e) {
          ctx.logger.warn(
            `Could not read the cluster (will retry): ${explainApiError(
              ref,
              e,
            )}`,
          );
          cluster = undefined;
        }
        if (!cluster && !seen) {
          throw new KamajiApplyError(
            `There is no Cluster ${namespace}/${input.name} in ${
              mc!.name
            }: did the create step run (and not in GitOps mode)?`,
          );
        }
        if (cluster) {
          seen = true;
          const line = describeClusterProgress(cluster);
          const elapsed = Math.round((now() - started) / 1000);
          if (line !== last || now() - lastLogged > 5 * 60_000) {
            ctx.logger.info(
              `[${elapsed}s] ${namespace}/${input.name}: ${line}`,
            );
            last = line;
            lastLogged = now();
          }
          if (isAvailable(cluster)) {
            ctx.logger.info(
              `${namespace}/${input.name} is Available after ${elapsed}s`,
            );
            ctx.output('available', true);
            ctx.output('phase', (cluster as any).status?.phase ?? '');
            ctx.output('waitedSeconds', elapsed);
            return;
          }
        }
        if (now() >= deadline) break;
        await sleep(
          Math.min(interval * 1000, Math.max(0, deadline - now())),
          ctx.signal,
        );
      }
      const waited = Math.round((now() - started) / 1000);
      const message = `${namespace}/${
        input.name
      } did not become Available within ${timeoutMinutes} minutes; last state: ${
        last || 'unknown'
      }`;
      if (input.failOnTimeout ?? true) throw new KamajiApplyError(message);
      ctx.logger.warn(message);
      ctx.output('available', false);
      ctx.output('phase', (cluster as any)?.status?.phase ?? '');
      ctx.output('waitedSeconds', waited);
    },
  });
}
