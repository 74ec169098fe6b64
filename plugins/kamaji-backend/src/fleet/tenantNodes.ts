import {
  AddonAttachment,
  ClusterId,
  Health,
  ReplicaCounts,
  Staleness,
  TenantControlPlaneInfo,
  TenantNode,
  WorkerPool,
  hasVersionSkew,
  normalizeKubernetesVersion,
} from '@kamaji-backstage/plugin-kamaji-common';
import { tenantHealth, TenantHealthInput } from './health';
import type {
  SlimCluster,
  SlimKcp,
  SlimMachineDeployment,
  SlimTcp,
} from './objects';
import { objectFields, withDataProblems, withStaleness } from './nodeParts';
import type { PoolPhases } from './workloadIndexes';

/** What a declared tenant's node is built from: the memo key (see {@link NodeMemo}). */
export interface TenantInputs {
  id: ClusterId;
  managementCluster: string;
  /** From the owner label, else the management cluster's owner. */
  owner?: string;
  cluster: SlimCluster;
  kcp?: SlimKcp;
  /** Why there is no KamajiControlPlane, when there is none. */
  kcpInput?: 'missing' | 'unreadable';
  tcp?: SlimTcp;
  /** Why there is no TenantControlPlane, when there is none. */
  tcpInput?: TenantHealthInput['tcp'];
  /** Where the TenantControlPlane runs: an island id or the management cluster's name. */
  hostedIn?: string;
  islandId?: ClusterId;
  /** Set while the data is stale, with the reason. */
  staleness?: Staleness;
  staleReason?: string;
  pools: SlimMachineDeployment[];
  phases: PoolPhases;
  addons: AddonAttachment[];
}

/** What an unmanaged tenant's node is built from: the memo key (see {@link NodeMemo}). */
export interface UnmanagedTenantInputs {
  id: ClusterId;
  managementCluster: string;
  owner?: string;
  islandId: ClusterId;
  tcp: SlimTcp;
  staleness?: Staleness;
  staleReason?: string;
}

function sumReplicas(list: ReplicaCounts[]): ReplicaCounts {
  const total: ReplicaCounts = {
    desired: 0,
    current: 0,
    ready: 0,
    available: 0,
    upToDate: 0,
  };
  for (const r of list) {
    total.desired += r.desired;
    total.current += r.current;
    total.ready += r.ready;
    total.available += r.available;
    total.upToDate += r.upToDate;
  }
  return total;
}

/** What the model shows of a TenantControlPlane, hosted in `hostedIn`, running `version`. */
function tenantControlPlaneInfo(
  tcp: SlimTcp,
  hostedIn: ClusterId,
  version: string | undefined,
): NonNullable<TenantControlPlaneInfo['tenantControlPlane']> {
  return {
    name: tcp.name,
    namespace: tcp.namespace,
    hostedIn,
    status: tcp.status,
    version,
    endpoint: tcp.endpoint,
    dataStore: tcp.dataStore,
    replicas: tcp.replicas,
    readyReplicas: tcp.readyReplicas,
  };
}

function workerPoolsOf(inputs: TenantInputs): WorkerPool[] {
  return inputs.pools.map(md => ({
    name: md.name,
    namespace: md.namespace,
    replicas: md.replicas,
    version: normalizeKubernetesVersion(md.version),
    phase: md.phase,
    machinePhases: inputs.phases[md.name] ?? {},
    conditions: md.conditions,
  }));
}

/** Machine phase → count over all pools. */
function machinePhaseTotals(pools: WorkerPool[]): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const pool of pools) {
    for (const [phase, n] of Object.entries(pool.machinePhases))
      totals[phase] = (totals[phase] ?? 0) + n;
  }
  return totals;
}

function declaredTenantHealth(
  inputs: TenantInputs,
  pools: WorkerPool[],
  workers: ReplicaCounts,
  running: string | undefined,
): Health {
  const { cluster, kcp, tcp } = inputs;
  const health = tenantHealth({
    cluster: {
      phase: cluster.phase,
      available: cluster.available,
      controlPlaneInitialized: cluster.controlPlaneInitialized,
      deleting: cluster.deleting,
      conditions: cluster.conditions,
      missingControlPlaneRef: !cluster.controlPlaneRef,
    },
    kcp: kcp
      ? {
          ready: kcp.ready,
          initialized: kcp.initialized,
          available: kcp.available,
          conditions: kcp.conditions,
          deleting: kcp.deleting,
        }
      : inputs.kcpInput,
    tcp: tcp
      ? {
          status: tcp.status,
          version: running,
          declaredVersion: normalizeKubernetesVersion(
            kcp?.version ?? tcp.declaredVersion,
          ),
          replicas: tcp.replicas,
          readyReplicas: tcp.readyReplicas,
          deleting: tcp.deleting,
        }
      : inputs.tcpInput,
    workers: pools.length ? workers : undefined,
    machinePhases: machinePhaseTotals(pools),
    rollingOut: pools
      .filter(p =>
        p.conditions.some(c => c.type === 'RollingOut' && c.status === 'True'),
      )
      .map(p => p.name),
  });
  return withDataProblems(health, [
    ...(cluster.problems ?? []),
    ...(kcp?.problems ?? []),
    ...(tcp?.problems ?? []),
  ]);
}

function declaredControlPlane(
  inputs: TenantInputs,
  declared: string | undefined,
  running: string | undefined,
): TenantControlPlaneInfo {
  const { kcp, tcp, hostedIn } = inputs;
  const controlPlane: TenantControlPlaneInfo = {};
  if (kcp) {
    controlPlane.kamajiControlPlane = {
      name: kcp.name,
      namespace: kcp.namespace,
      uid: kcp.uid,
      ready: kcp.ready,
      initialized: kcp.initialized,
      version: declared,
      replicas: kcp.replicas,
      readyReplicas: kcp.readyReplicas,
      dataStoreName: kcp.dataStoreName,
    };
  }
  if (tcp && hostedIn) {
    controlPlane.tenantControlPlane = tenantControlPlaneInfo(
      tcp,
      hostedIn,
      running,
    );
  }
  return controlPlane;
}

/** A declared tenant: Cluster ↔ KamajiControlPlane ↔ TenantControlPlane, pools, addons, health. */
export function buildTenant(inputs: TenantInputs): TenantNode {
  const { cluster, kcp, tcp } = inputs;
  const pools = workerPoolsOf(inputs);
  const workers = sumReplicas(pools.map(p => p.replicas));
  const declared = normalizeKubernetesVersion(kcp?.version);
  const running = normalizeKubernetesVersion(tcp?.version);
  const workerVersions = [
    ...new Set(pools.map(p => p.version).filter((v): v is string => !!v)),
  ].sort();
  const { health, staleness } = withStaleness(
    declaredTenantHealth(inputs, pools, workers, running),
    inputs,
  );
  return {
    ...objectFields(inputs, cluster),
    role: 'tenant',
    health,
    staleness,
    managed: true,
    islandId: inputs.islandId,
    phase: cluster.phase,
    available: cluster.available,
    versions: {
      declared,
      running,
      workers: workerVersions,
      skew: hasVersionSkew([declared, running, ...workerVersions]),
    },
    controlPlane: declaredControlPlane(inputs, declared, running),
    workerPools: pools,
    workers,
    addons: inputs.addons,
    conditions: [...cluster.conditions, ...(kcp?.conditions ?? [])],
    endpoint: tcp?.endpoint ?? cluster.endpoint ?? kcp?.endpoint,
  };
}

function unmanagedTenantHealth(
  tcp: SlimTcp,
  running: string | undefined,
  declared: string | undefined,
): Health {
  const health: Health = tcp.deleting
    ? { status: 'progressing', reasons: ['being deleted'] }
    : tenantHealth({
        tcp: {
          status: tcp.status,
          version: running,
          declaredVersion: declared,
          replicas: tcp.replicas,
          readyReplicas: tcp.readyReplicas,
          deleting: tcp.deleting,
        },
      });
  return withDataProblems(health, tcp.problems ?? []);
}

/** A TenantControlPlane on an island that no KamajiControlPlane claims. */
export function buildUnmanagedTenant(
  inputs: UnmanagedTenantInputs,
): TenantNode {
  const { tcp } = inputs;
  const running = normalizeKubernetesVersion(tcp.version);
  const declared = normalizeKubernetesVersion(tcp.declaredVersion);
  const { health, staleness } = withStaleness(
    unmanagedTenantHealth(tcp, running, declared),
    inputs,
  );
  return {
    ...objectFields(inputs, tcp),
    role: 'tenant',
    health,
    staleness,
    managed: false,
    islandId: inputs.islandId,
    versions: {
      declared,
      running,
      workers: [],
      skew: hasVersionSkew([declared, running]),
    },
    controlPlane: {
      tenantControlPlane: tenantControlPlaneInfo(tcp, inputs.islandId, running),
    },
    workerPools: [],
    workers: sumReplicas([]),
    addons: [],
    conditions: [],
    endpoint: tcp.endpoint,
  } as TenantNode;
}
