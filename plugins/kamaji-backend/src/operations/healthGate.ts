import {
  normalizeKubernetesVersion,
  TenantNode,
} from '@kamaji-backstage/plugin-kamaji-common';

export type GateResult =
  | { kind: 'passed' }
  | { kind: 'waiting'; reason: string }
  | { kind: 'failed'; reason: string };

/** Condition types that are True now (the baseline recorded before a patch). */
export function trueConditions(tenant: TenantNode): string[] {
  return tenant.conditions
    .filter(c => c.status === 'True')
    .map(c => `${c.source ?? ''}/${c.type}`);
}

/**
 * The health gate of one cluster after its patch: the control plane runs the target, the
 * Cluster is Available, the worker pools (when upgraded) have the target and are available, and
 * no condition that was True before the patch is False now.
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
      options.baseline.includes(`${c.source ?? ''}/${c.type}`),
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
      if (
        pool.replicas.available < pool.replicas.desired ||
        pool.replicas.upToDate < pool.replicas.desired
      ) {
        return {
          kind: 'waiting',
          reason: `worker pool ${pool.name}: ${pool.replicas.available}/${pool.replicas.desired} available`,
        };
      }
    }
  }
  return { kind: 'passed' };
}
