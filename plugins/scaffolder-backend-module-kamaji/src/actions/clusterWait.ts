import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ActionContext,
  createTemplateAction,
} from '@backstage/plugin-scaffolder-node';
import {
  FLEET_KINDS,
  apiVersionOf,
} from '@kamaji-backstage/plugin-kamaji-common';
import { z as zod } from 'zod';
import { Zod } from '../render/schemas';
import { Problems, checkDnsLabel, checkRange } from '../render/validation';
import { parseShape } from '../render/shape';
import { KubeObject } from '../render/objects';
import { ObjectClient, StoredObject } from '../kube/ObjectClient';
import { KamajiApplyError, explainApiError } from '../kube/ApplyPlan';
import {
  KamajiActionDeps,
  scaffolderSchema,
  authorizeCreate,
  targetManagementCluster,
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

/** The wait input, checked, with its defaults. */
interface WaitRequest {
  name: string;
  namespace: string;
  managementCluster?: string;
  timeoutMinutes: number;
  pollIntervalSeconds: number;
  failOnTimeout: boolean;
}

function parseWaitInput(raw: unknown, deps: KamajiActionDeps): WaitRequest {
  const problems = new Problems();
  const input = parseShape(clusterWaitInputSchema, raw, problems, 'wait input');
  const request: WaitRequest = {
    name: input.name,
    namespace: input.namespace ?? deps.settings.namespaces.tenants,
    managementCluster: input.managementCluster,
    timeoutMinutes: input.timeoutMinutes ?? 30,
    pollIntervalSeconds: input.pollIntervalSeconds ?? 15,
    failOnTimeout: input.failOnTimeout ?? true,
  };
  checkDnsLabel(problems, 'name', request.name);
  checkDnsLabel(problems, 'namespace', request.namespace);
  checkRange(problems, 'timeoutMinutes', request.timeoutMinutes, 1, 240);
  checkRange(
    problems,
    'pollIntervalSeconds',
    request.pollIntervalSeconds,
    1,
    300,
  );
  problems.throwIfAny('wait input');
  return request;
}

/** How the wait ended: Available, or the time ran out. */
interface WaitOutcome {
  available: boolean;
  /** The Cluster as last read, if it was read at all. */
  cluster?: StoredObject;
  waitedSeconds: number;
  /** The last progress line logged, '' for none. */
  lastState: string;
}

/** Logs a progress line when the Cluster's state changes, and at least every five minutes. */
class ProgressLog {
  lastState = '';
  private lastLogged: number;

  constructor(
    private readonly logger: LoggerService,
    private readonly namespacedName: string,
    private readonly started: number,
    private readonly now: () => number,
  ) {
    this.lastLogged = started;
  }

  /** Logs the Cluster's state if it is new or five minutes passed; returns the seconds waited. */
  observe(cluster: StoredObject): number {
    const line = describeClusterProgress(cluster);
    const elapsed = Math.round((this.now() - this.started) / 1000);
    if (line !== this.lastState || this.now() - this.lastLogged > 5 * 60_000) {
      this.logger.info(`[${elapsed}s] ${this.namespacedName}: ${line}`);
      this.lastState = line;
      this.lastLogged = this.now();
    }
    return elapsed;
  }
}

/** Reads the Cluster; a failed read is logged and retried at the next poll. */
async function readCluster(
  client: ObjectClient,
  ref: KubeObject,
  logger: LoggerService,
): Promise<StoredObject | undefined> {
  try {
    return await client.get(ref);
  } catch (e) {
    logger.warn(
      `Could not read the cluster (will retry): ${explainApiError(ref, e)}`,
    );
    return undefined;
  }
}

/** Polls the Cluster until it is Available or the timeout passes. */
async function pollUntilAvailable(
  ctx: ActionContext<any, any>,
  deps: KamajiActionDeps,
  request: WaitRequest,
  managementCluster: { name: string; client: ObjectClient },
): Promise<WaitOutcome> {
  const { name, namespace } = request;
  const ref = {
    apiVersion: apiVersionOf(FLEET_KINDS.Cluster),
    kind: 'Cluster',
    metadata: { name, namespace },
  };
  const sleep = deps.sleep ?? defaultSleep;
  const now = deps.now ?? Date.now;
  const started = now();
  const deadline = started + request.timeoutMinutes * 60_000;
  const progress = new ProgressLog(
    ctx.logger,
    `${namespace}/${name}`,
    started,
    now,
  );
  let seen = false;
  let cluster: StoredObject | undefined;
  for (;;) {
    cluster = await readCluster(managementCluster.client, ref, ctx.logger);
    if (!cluster && !seen) {
      throw new KamajiApplyError(
        `There is no Cluster ${namespace}/${name} in ${managementCluster.name}: did the create step run (and not in GitOps mode)?`,
      );
    }
    if (cluster) {
      seen = true;
      const elapsed = progress.observe(cluster);
      if (isAvailable(cluster)) {
        const lastState = progress.lastState;
        return { available: true, cluster, waitedSeconds: elapsed, lastState };
      }
    }
    if (now() >= deadline) break;
    await sleep(
      Math.min(
        request.pollIntervalSeconds * 1000,
        Math.max(0, deadline - now()),
      ),
      ctx.signal,
    );
  }
  const waitedSeconds = Math.round((now() - started) / 1000);
  const lastState = progress.lastState;
  return { available: false, cluster, waitedSeconds, lastState };
}

/** Sets the outputs; fails the step on a timeout unless the input says not to. */
function reportOutcome(
  ctx: ActionContext<any, any>,
  request: WaitRequest,
  outcome: WaitOutcome,
) {
  const namespacedName = `${request.namespace}/${request.name}`;
  if (outcome.available) {
    ctx.logger.info(
      `${namespacedName} is Available after ${outcome.waitedSeconds}s`,
    );
  } else {
    const message = `${namespacedName} did not become Available within ${
      request.timeoutMinutes
    } minutes; last state: ${outcome.lastState || 'unknown'}`;
    if (request.failOnTimeout) throw new KamajiApplyError(message);
    ctx.logger.warn(message);
  }
  ctx.output('available', outcome.available);
  ctx.output('phase', (outcome.cluster as any)?.status?.phase ?? '');
  ctx.output('waitedSeconds', outcome.waitedSeconds);
}

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
      const request = parseWaitInput(ctx.input, deps);
      const { managementCluster } = await targetManagementCluster(
        request.managementCluster,
        'wait input',
        deps,
      );
      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would wait up to ${request.timeoutMinutes} minutes for ${request.namespace}/${request.name} to be Available`,
        );
        ctx.output('available', false);
        ctx.output('waitedSeconds', 0);
        return;
      }
      const outcome = await pollUntilAvailable(
        ctx,
        deps,
        request,
        managementCluster,
      );
      reportOutcome(ctx, request, outcome);
    },
  });
}
