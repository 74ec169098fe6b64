import type { FleetProblem } from '@kamaji-backstage/plugin-kamaji-common';
import { reportProblems, type ManagementBuild } from './managementBuild';
import type { SlimMachine, SlimMachineDeployment } from './objects';

/** pool → machine phase → count, for one Cluster. */
export type PoolPhases = Record<string, Record<string, number>>;

export interface WorkerPoolIndex {
  /** namespace/cluster → its MachineDeployments by name. */
  byCluster: Map<string, SlimMachineDeployment[]>;
  problems: FleetProblem[];
}

/** The same elements in the same order. */
function sameItems<T>(a: readonly T[] | undefined, b: readonly T[]): a is T[] {
  return !!a && a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Shallow-equal flat records (machine phase counts). */
function sameRecord(
  a: Record<string, unknown> | undefined,
  b: Record<string, unknown>,
): boolean {
  if (!a) return false;
  const keys = Object.keys(a);
  return (
    keys.length === Object.keys(b).length && keys.every(k => a[k] === b[k])
  );
}

function indexPools(
  build: ManagementBuild,
  previous: WorkerPoolIndex | undefined,
): WorkerPoolIndex {
  const byCluster = new Map<string, SlimMachineDeployment[]>();
  const problems: FleetProblem[] = [];
  const pools = build.source.items<SlimMachineDeployment>('MachineDeployment');
  for (const [key, md] of pools) {
    reportProblems(
      problems,
      build.name,
      `MachineDeployment ${key}`,
      md.problems,
    );
    if (!md.clusterName) continue;
    const clusterKey = `${md.namespace}/${md.clusterName}`;
    const list = byCluster.get(clusterKey);
    if (list) list.push(md);
    else byCluster.set(clusterKey, [md]);
  }
  for (const [clusterKey, list] of byCluster) {
    list.sort((a, b) => (a.name < b.name ? -1 : 1));
    const prev = previous?.byCluster.get(clusterKey);
    if (sameItems(prev, list)) byCluster.set(clusterKey, prev);
  }
  return { byCluster, problems };
}

/**
 * Worker pools per Cluster, derived again only when MachineDeployments change; an unchanged
 * Cluster's list keeps its identity, so its tenant node is reused.
 */
export function workerPoolIndex(build: ManagementBuild): WorkerPoolIndex {
  const revision = build.source.revision('MachineDeployment');
  return build.derive<WorkerPoolIndex>(
    `${build.name}/pools`,
    `${revision}`,
    previous => indexPools(build, previous),
  );
}

function countPhases(build: ManagementBuild): Map<string, PoolPhases> {
  const byCluster = new Map<string, PoolPhases>();
  for (const m of build.source.items<SlimMachine>('Machine').values()) {
    if (!m.clusterName) continue;
    const clusterKey = `${m.namespace}/${m.clusterName}`;
    let perPool = byCluster.get(clusterKey);
    if (!perPool) byCluster.set(clusterKey, (perPool = {}));
    const counts = (perPool[m.pool ?? ''] ??= {});
    counts[m.phase] = (counts[m.phase] ?? 0) + 1;
  }
  return byCluster;
}

/** `current` with the records equal to `previous`'s replaced by them (keeping their identity). */
function reusing(current: PoolPhases, previous: PoolPhases): PoolPhases {
  for (const pool of Object.keys(current)) {
    if (sameRecord(previous[pool], current[pool]))
      current[pool] = previous[pool];
  }
  const pools = Object.keys(current);
  const unchanged =
    pools.length === Object.keys(previous).length &&
    pools.every(pool => previous[pool] === current[pool]);
  return unchanged ? previous : current;
}

/**
 * Machine phases per Cluster and pool (namespace/cluster → pool → phase → count), derived again
 * only when Machines change; unchanged counts keep their identity.
 */
export function machinePhaseIndex(
  build: ManagementBuild,
): Map<string, PoolPhases> {
  const revision = build.source.revision('Machine');
  return build.derive<Map<string, PoolPhases>>(
    `${build.name}/machines`,
    `${revision}`,
    previous => {
      const byCluster = countPhases(build);
      for (const [clusterKey, phases] of byCluster) {
        const prev = previous?.get(clusterKey);
        if (prev) byCluster.set(clusterKey, reusing(phases, prev));
      }
      return byCluster;
    },
  );
}
