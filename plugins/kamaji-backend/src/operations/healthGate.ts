import {
  FleetCondition,
  normalizeKubernetesVersion,
  TenantNode,
  WorkerPool,
} from '@kamaji-backstage/plugin-kamaji-common';

export type GateResult =
  | { kind: 'passed' }
  | { kind: 'waiting'; reason: string }
  | { kind: 'failed'; reason: string };

const conditionKey = (c: FleetCondition) => `${c.source ?? ''}/${c.type}`;

/**
 * Conditions that report an upgrade's own progress: real CAPI sets the Cluster's
 * `WorkerMachinesUpToDate` False while machines still run the old version, and
 * `WorkerMachinesReady` False while the old Machine is being deleted (likewise for control plane
 * machines). They are expected to turn False during the rollout the gate waits for; a rollout
 * that never ends is the gate's timeout.
 */
const ROLLOUT_PROGRESS = /(UpToDate|MachinesReady)$/;

/**
 * The conditions not met before a patch (the baseline the gate compares with). The fleet model
 * keeps only conditions that are not in their good state, so a condition that was True before
 * the patch is one missing from this list; if it turns False, the gate sees it appear.
 */
export function conditionsNotMet(tenant: TenantNode): string[] {
  return tenant.conditions.map(conditionKey);
}

/**
 * Why a worker pool has not finished its rollout, or undefined when it has. Real CAPI surges a
 * new Machine that counts as up to date as soon as it exists while the old one keeps the pool
 * available, so available and up-to-date counts alone pass mid-rollout: the pool must also have
 * no surplus Machines (status.replicas), every Machine ready, and no `RollingOut` True condition.
 */
function poolNotRolledOut(pool: WorkerPool): string | undefined {
  const { desired, current, ready, available, upToDate } = pool.replicas;
  const rollingOut = pool.conditions.some(
    c => c.type === 'RollingOut' && c.status === 'True',
  );
  if (
    rollingOut ||
    current !== desired ||
    Math.min(ready, available, upToDate) < desired
  ) {
    return `worker pool ${pool.name} rolling out: ${current} machines for ${desired}, ${ready} ready, ${available} available, ${upToDate} up to date`;
  }
  return undefined;
}

/**
 * The health gate of one cluster after its patch: the control plane runs the target, the
 * Cluster is Available, the worker pools (when upgraded) have the target and have rolled out
 * (see {@link poolNotRolledOut}), and no condition that was met before the patch (not in
 * `baseline`, see {@link conditionsNotMet}) is False now.
 */
export function checkGate(
  tenant: TenantNode | undefined,
  options: { version: string; workers: boolean; baseline: string[] },
): GateResult {
  if (!tenant)
    return { kind: 'failed', reason: 'the cluster is gone from the fleet' };
  const turnedFalse = tenant.conditions.find(
    c =>
      c.status === 'False' &&
      !ROLLOUT_PROGRESS.test(c.type) &&
      !options.baseline.includes(conditionKey(c)),
  );
  if (turnedFalse) {
    return {
      kind: 'failed',
      reason: `condition ${turnedFalse.type}${
        turnedFalse.source ? ` of the ${turnedFalse.source}` : ''
      } turned False${turnedFalse.message ? `: ${turnedFalse.message}` : ''}`,
    };
  }
  if (tenant.staleness?.stale) {
    return {
      kind: 'waiting',
      reason: 'waiting for the uplink (the cluster state is stale)',
    };
  }
  const target = normalizeKubernetesVersion(options.version);
  const running = normalizeKubernetesVersion(tenant.versions?.running);
  if (running !== target) {
    return {
      kind: 'waiting',
      reason: `control plane runs ${
        running ?? 'an unknown version'
      }, not ${target} yet`,
    };
  }
  if (tenant.available !== 'True') {
    return { kind: 'waiting', reason: 'the Cluster is not Available yet' };
  }
  if (options.workers) {
    for (const pool of tenant.workerPools) {
      if (normalizeKubernetesVersion(pool.version) !== target) {
        return {
          kind: 'waiting',
          reason: `worker pool ${pool.name} has ${
            pool.version ?? 'no version'
          }, not ${target} yet`,
        };
      }
      const waiting = poolNotRolledOut(pool);
      if (waiting) return { kind: 'waiting', reason: waiting };
    }
  }
  return { kind: 'passed' };
}
