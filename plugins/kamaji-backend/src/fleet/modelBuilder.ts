import {
  AddonAttachment,
  AddonSet,
  ClusterId,
  ConnectionState,
  HealthCounts,
  FleetCondition,
  FLEET_KINDS,
  FleetProblem,
  Health,
  HealthStatus,
  IslandNode,
  KAMAJI_LABELS,
  ManagementClusterNode,
  ReplicaCounts,
  Staleness,
  TenantControlPlaneInfo,
  TenantNode,
  WorkerPool,
  clusterId,
  countHealth,
  externalTenantControlPlaneName,
  hasVersionSkew,
  normalizeKubernetesVersion,
  ownerEntityRef,
  unmanagedTenantId,
} from '@kamaji-backstage/plugin-kamaji-common';
import {
  Delivery,
  deliveryFindings,
  healthFrom,
  islandHealth,
  managementHealth,
  managementStaleReason,
  staleHealth,
  staleReason,
  tenantHealth,
  worstHealth,
  TenantHealthInput,
} from './health';
import type { IslandRef } from './islands';
import type {
  AddonDelivery,
  SlimAddonSet,
  SlimCluster,
  SlimClusterSummary,
  SlimCrsBinding,
  SlimDataStore,
  SlimHelmReleaseProxy,
  SlimKcp,
  SlimMachine,
  SlimMachineDeployment,
  SlimSecret,
  SlimTcp,
} from './objects';
import { matchesSelector } from './selectors';
import { Memo, NO_MEMO, NodeMemo } from './nodeMemo';

/** Read access to what one cluster's watchers hold. */
export interface SourceView {
  connection: ConnectionState;
  staleness: Staleness;
  /** Whether the kind was listed at least once (its items mean something, even if stale). */
  readable(kind: string): boolean;
  /** Why a kind cannot be read, when it cannot. */
  unreadableReason(kind: string): string | undefined;
  items<T>(kind: string): ReadonlyMap<string, T>;
  /** Changes whenever the kind's items change (lets builds reuse what they derived from them). */
  revision(kind: string): number;
}

export interface IslandView {
  ref: IslandRef;
  /** Absent when no connection could be set up (Secret missing, kubeconfig refused). */
  source?: SourceView;
  connection: ConnectionState;
  staleness: Staleness;
}

export interface ManagementView {
  name: string;
  title?: string;
  /** Owner of the management cluster, and of its clusters without an owner label. */
  owner?: string;
  source: SourceView;
  islands: ReadonlyMap<string, IslandView>;
  /** `secretNamespace/secretName` → island key. */
  islandsBySecret: ReadonlyMap<string, string>;
  /** Problems found outside objects (e.g. an island's kubeconfig Secret missing). */
  problems?: FleetProblem[];
}

export interface BuiltFleet {
  managementClusters: ManagementClusterNode[];
  islands: IslandNode[];
  tenants: TenantNode[];
  addonSets: AddonSet[];
  problems: FleetProblem[];
}

const KCP_GROUP = FLEET_KINDS.KamajiControlPlane.group;
const NONE: SlimMachineDeployment[] = [];
const NO_ADDONS: AddonAttachment[] = [];
const NO_PHASES: Record<string, Record<string, number>> = {};
const K = {
  Cluster: 'Cluster',
  KCP: 'KamajiControlPlane',
  MD: 'MachineDeployment',
  Machine: 'Machine',
  TCP: 'TenantControlPlane',
  DataStore: 'DataStore',
  ClusterProfile: 'ClusterProfile',
  ClusterSummary: 'ClusterSummary',
  CRS: 'ClusterResourceSet',
  CRSBinding: 'ClusterResourceSetBinding',
  HCP: 'HelmChartProxy',
  HRP: 'HelmReleaseProxy',
  Secret: 'Secret',
} as const;

function isSorted(list: Array<{ id: string }>): boolean {
  for (let i = 1; i < list.length; i++)
    if (list[i - 1].id > list[i].id) return false;
  return true;
}

function byId<T extends { id: string }>(a: T, b: T): number {
  if (a.id === b.id) return 0;
  return a.id < b.id ? -1 : 1;
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

function withDataProblems(health: Health, problems: string[]): Health {
  if (!problems.length) return health;
  return {
    status: worstHealth(health.status, 'unknown'),
    reasons: [...health.reasons, ...problems.map(p => `data problem: ${p}`)],
  };
}

/** An island's staleness and its reason, while it is stale. */
function islandStaleness(
  island: IslandView | undefined,
): { staleness: Staleness; reason: string } | undefined {
  if (!island?.staleness.stale) return undefined;
  return {
    staleness: island.staleness,
    reason: staleReason(`island ${island.ref.name}`, island.connection),
  };
}

/**
 * Remembers nodes and derived indexes between builds: a node whose inputs did not change gets
 * its previous object back ({@link NodeMemo}), so a rebuild after one change costs little more
 * than the lookups, and the model can skip serialising unchanged nodes.
 */
export class BuildCache {
  /** @internal */
  readonly nodes = new NodeMemo();

  private readonly derived = new Map<string, { key: string; value: any }>();

  /** A value derived from items: recomputed only when `key` (revisions) changes. @internal */
  derive<T>(
    name: string,
    key: string,
    compute: (previous: T | undefined) => T,
  ): T {
    const prev = this.derived.get(name);
    if (prev && prev.key === key) return prev.value as T;
    const value = compute(prev?.value as T | undefined);
    this.derived.set(name, { key, value });
    return value;
  }
}

type Derive = <T>(
  name: string,
  key: string,
  compute: (previous: T | undefined) => T,
) => T;

const noDerive: Derive = (_name, _key, compute) => compute(undefined);

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
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every(k => a[k] === b[k]);
}

function sameAttachments(
  a: AddonAttachment[] | undefined,
  b: AddonAttachment[],
): boolean {
  return (
    !!a &&
    a.length === b.length &&
    a.every(
      (x, i) =>
        x.addonSetId === b[i].addonSetId &&
        x.status === b[i].status &&
        x.message === b[i].message &&
        x.name === b[i].name,
    )
  );
}

/**
 * Builds the fleet model from what the watchers hold. Pure: the same views give the same nodes
 * (apart from nothing: no clocks are read here), so unchanged nodes serialise identically.
 */
export function buildFleet(
  views: ManagementView[],
  cache?: BuildCache,
): BuiltFleet {
  const out: BuiltFleet = {
    managementClusters: [],
    islands: [],
    tenants: [],
    addonSets: [],
    problems: [],
  };
  cache?.nodes.begin();
  const derive: Derive | undefined = cache
    ? (name, key, compute) => cache.derive(name, key, compute)
    : undefined;
  for (const view of views)
    buildManagement(view, out, cache?.nodes ?? NO_MEMO, derive);
  cache?.nodes.end();
  out.managementClusters.sort(byId);
  out.islands.sort(byId);
  if (!isSorted(out.tenants)) out.tenants.sort(byId);
  out.addonSets.sort(byId);
  return out;
}

function buildManagement(
  view: ManagementView,
  out: BuiltFleet,
  memo: Memo,
  derive: Derive = noDerive,
): void {
  const M = view.name;
  const src = view.source;
  /** A cluster's owner: its owner label, else the management cluster's. */
  const ownerOf = (labels: Record<string, string>) =>
    ownerEntityRef(labels[KAMAJI_LABELS.owner]) ?? view.owner;
  const problem = (cluster: string, object: string, message: string) =>
    out.problems.push({ cluster, object, message });
  out.problems.push(...(view.problems ?? []));

  const clusters = src.items<SlimCluster>(K.Cluster) as Map<
    string,
    SlimCluster
  >;
  const kcps = src.items<SlimKcp>(K.KCP);
  const localTcps = src.items<SlimTcp>(K.TCP);
  const mds = src.items<SlimMachineDeployment>(K.MD);
  const machines = src.items<SlimMachine>(K.Machine);
  const secrets = src.items<SlimSecret>(K.Secret);

  // Management staleness covers everything declared there.
  const mgmtStale = src.staleness.stale;
  const mgmtStaleReason = managementStaleReason(M, src.connection);
  const mgmtStaleness = mgmtStale
    ? { staleness: src.staleness, reason: mgmtStaleReason }
    : undefined;

  // Worker pools and machines per Cluster, derived again only when those kinds change; unchanged
  // entries keep their identity so that tenant nodes can be reused.
  const poolIndex = derive<{
    byCluster: Map<string, SlimMachineDeployment[]>;
    problems: FleetProblem[];
  }>(`${M}/pools`, `${src.revision(K.MD)}`, previous => {
    const byCluster = new Map<string, SlimMachineDeployment[]>();
    const found: FleetProblem[] = [];
    for (const [key, md] of mds) {
      if (md.problems)
        for (const p of md.problems)
          found.push({
            cluster: M,
            object: `MachineDeployment ${key}`,
            message: p,
          });
      if (!md.clusterName) continue;
      const k = `${md.namespace}/${md.clusterName}`;
      const list = byCluster.get(k);
      if (list) list.push(md);
      else byCluster.set(k, [md]);
    }
    for (const [k, list] of byCluster) {
      list.sort((a, b) => (a.name < b.name ? -1 : 1));
      const prev = previous?.byCluster.get(k);
      if (sameItems(prev, list)) byCluster.set(k, prev);
    }
    return { byCluster, problems: found };
  });
  out.problems.push(...poolIndex.problems);
  const mdsByCluster = poolIndex.byCluster;
  // ns/cluster -> pool -> phase -> count
  const machinePhases = derive<
    Map<string, Record<string, Record<string, number>>>
  >(`${M}/machines`, `${src.revision(K.Machine)}`, previous => {
    const byCluster = new Map<string, Record<string, Record<string, number>>>();
    for (const m of machines.values()) {
      if (!m.clusterName) continue;
      const k = `${m.namespace}/${m.clusterName}`;
      let perPool = byCluster.get(k);
      if (!perPool) byCluster.set(k, (perPool = {}));
      const counts = (perPool[m.pool ?? ''] ??= {});
      counts[m.phase] = (counts[m.phase] ?? 0) + 1;
    }
    for (const [k, perPool] of byCluster) {
      const prev = previous?.get(k);
      if (!prev) continue;
      for (const pool of Object.keys(perPool)) {
        if (sameRecord(prev[pool], perPool[pool])) perPool[pool] = prev[pool];
      }
      const keys = Object.keys(perPool);
      if (
        keys.length === Object.keys(prev).length &&
        keys.every(p => prev[p] === perPool[p])
      ) {
        byCluster.set(k, prev);
      }
    }
    return byCluster;
  });

  // Islands.
  const islandIdByKey = new Map<string, ClusterId>();
  for (const key of view.islands.keys()) {
    const [namespace, name] = key.split('/');
    islandIdByKey.set(
      key,
      clusterId({ managementCluster: M, namespace, name }),
    );
  }
  // island key -> TenantControlPlane key (namespace/name) -> the tenant it is the control plane of
  const tenantByTcp = new Map<string, Map<string, ClusterId>>();

  // Addon sets, and what each cluster gets from them.
  const addonKinds = [
    K.Cluster,
    K.ClusterProfile,
    K.ClusterSummary,
    K.CRS,
    K.CRSBinding,
    K.HCP,
    K.HRP,
  ];
  const addons = derive<ReturnType<typeof buildAddonSets>>(
    `${M}/addons`,
    [
      ...addonKinds.map(k => `${src.revision(k)}:${src.readable(k)}`),
      src.staleness.stale,
      src.connection.since,
      [...view.islands.keys()].join(','),
    ].join('|'),
    previous => {
      const result = buildAddonSets(
        view,
        clusters,
        islandIdByKey,
        mgmtStaleness?.reason,
      );
      for (const [id, list] of result.attachments) {
        const prev = previous?.attachments.get(id);
        if (prev && sameAttachments(prev, list))
          result.attachments.set(id, prev);
      }
      return result;
    },
  );
  const { sets: addonSets, attachments } = addons;
  out.problems.push(...addons.problems);

  const tenants: TenantNode[] = [];
  const tenantHealthByIsland = new Map<string, HealthStatus[]>();
  const localTenantIds: ClusterId[] = [];

  for (const [key, cluster] of clusters) {
    if (cluster.problems)
      for (const p of cluster.problems) problem(M, `Cluster ${key}`, p);
    if (view.islands.has(key)) continue;
    const id = clusterId({
      managementCluster: M,
      namespace: cluster.namespace,
      name: cluster.name,
    });
    // Health inputs are made inside the build (below) only when the tenant must be rebuilt.
    const dataProblems = cluster.problems ? [...cluster.problems] : [];
    const ref = cluster.controlPlaneRef;
    const isKamaji =
      !!ref && ref.kind === 'KamajiControlPlane' && ref.group === KCP_GROUP;

    let kcp: SlimKcp | undefined;
    let kcpInput: TenantInputs['kcpInput'];
    let tcpInput: TenantHealthInput['tcp'];
    let tcp: SlimTcp | undefined;
    let islandKey: string | undefined;
    let hostedIn: string | undefined;

    if (isKamaji) {
      const kcpKey = `${cluster.namespace}/${ref!.name}`;
      kcp = kcps.get(kcpKey);
      if (kcp?.problems) {
        for (const p of kcp.problems)
          problem(M, `KamajiControlPlane ${kcpKey}`, p);
        dataProblems.push(...kcp.problems);
      }
      if (!kcp) kcpInput = src.readable(K.KCP) ? 'missing' : 'unreadable';
      if (kcp?.external) {
        const ext = kcp.external;
        const secretRef = `${ext.secretNamespace}/${ext.secretName ?? ''}`;
        islandKey = ext.secretName
          ? view.islandsBySecret.get(secretRef)
          : undefined;
        if (!islandKey) {
          let msg: string;
          if (!ext.secretName) {
            msg = 'externalClusterReference names no kubeconfig Secret';
          } else if (!secrets.has(secretRef) && src.readable(K.Secret)) {
            msg = `externalClusterReference points at Secret ${secretRef}, which does not exist`;
          } else {
            msg = `externalClusterReference Secret ${secretRef} is not the kubeconfig of an island Cluster of ${M}`;
          }
          problem(M, `KamajiControlPlane ${kcpKey}`, msg);
          tcpInput = { unknown: `control plane location unknown: ${msg}` };
        } else if (!view.islands.has(islandKey)) {
          // The island's connection is being set up (the Secret index moves first).
          tcpInput = { unknown: `island ${islandKey} is being connected` };
        } else {
          const island = view.islands.get(islandKey)!;
          hostedIn = islandIdByKey.get(islandKey);
          const tcpKey = `${
            ext.deploymentNamespace ?? ''
          }/${externalTenantControlPlaneName(kcp.uid ?? '')}`;
          const islandTcps = island.source?.items<SlimTcp>(K.TCP);
          tcp = islandTcps?.get(tcpKey);
          if (tcp) {
            let tenantOf = tenantByTcp.get(islandKey);
            if (!tenantOf) tenantByTcp.set(islandKey, (tenantOf = new Map()));
            tenantOf.set(tcpKey, id);
          }
          if (!tcp) {
            const reason =
              island.source?.unreadableReason(K.TCP) ??
              island.connection.lastError;
            tcpInput = island.source?.readable(K.TCP)
              ? {
                  missing: `TenantControlPlane ${tcpKey} not found on island ${island.ref.name}`,
                }
              : {
                  unknown: `TenantControlPlanes on island ${
                    island.ref.name
                  } cannot be read${reason ? `: ${reason}` : ''}`,
                };
          }
        }
      } else if (kcp) {
        hostedIn = M;
        const tcpKey = `${kcp.namespace}/${kcp.name}`;
        tcp = localTcps.get(tcpKey);
        if (!tcp) {
          tcpInput = src.readable(K.TCP)
            ? { missing: `TenantControlPlane ${tcpKey} not found in ${M}` }
            : { unknown: `TenantControlPlanes in ${M} cannot be read` };
        }
      }
      if (tcp) {
        if (tcp.problems) {
          const where = islandKey ? islandIdByKey.get(islandKey)! : M;
          for (const p of tcp.problems)
            problem(
              where,
              `TenantControlPlane ${tcp.namespace}/${tcp.name}`,
              p,
            );
          dataProblems.push(...tcp.problems);
        }
      }
    }

    const island = islandKey ? view.islands.get(islandKey) : undefined;
    const mdList = mdsByCluster.get(key) ?? NONE;
    const phases = machinePhases.get(key) ?? NO_PHASES;
    const tenantAddons = attachments.get(id) ?? NO_ADDONS;
    const stale = mgmtStaleness ?? islandStaleness(island);
    const tenant = memo.node(id, buildTenant, {
      id,
      managementCluster: M,
      owner: ownerOf(cluster.labels),
      cluster,
      kcp,
      kcpInput,
      tcp,
      tcpInput,
      hostedIn,
      islandId: islandKey ? islandIdByKey.get(islandKey) : undefined,
      staleness: stale?.staleness,
      staleReason: stale?.reason,
      pools: mdList,
      phases,
      addons: tenantAddons,
    });
    tenants.push(tenant);
    if (islandKey) {
      const list = tenantHealthByIsland.get(islandKey) ?? [];
      list.push(tenant.health.status);
      tenantHealthByIsland.set(islandKey, list);
    } else {
      localTenantIds.push(id);
    }
  }

  // Unmanaged tenants: TenantControlPlanes on an island that no KamajiControlPlane claims.
  const islandTenantIds = new Map<string, ClusterId[]>();
  for (const [islandKey, island] of view.islands) {
    const islandId = islandIdByKey.get(islandKey)!;
    const tcps = island.source?.items<SlimTcp>(K.TCP);
    if (!tcps) continue;
    const tenantOf = tenantByTcp.get(islandKey) ?? new Map<string, ClusterId>();
    tenantByTcp.set(islandKey, tenantOf);
    for (const [tcpKey, tcp] of tcps) {
      if (tenantOf.has(tcpKey)) continue;
      if (tcp.problems)
        for (const p of tcp.problems)
          problem(islandId, `TenantControlPlane ${tcpKey}`, p);
      const id = unmanagedTenantId(islandId, {
        namespace: tcp.namespace,
        name: tcp.name,
      });
      const stale = islandStaleness(island) ?? mgmtStaleness;
      const node = memo.node(id, buildUnmanagedTenant, {
        id,
        managementCluster: M,
        owner: ownerOf(tcp.labels),
        islandId,
        tcp,
        staleness: stale?.staleness,
        staleReason: stale?.reason,
      });
      tenants.push(node);
      tenantOf.set(tcpKey, id);
      const list = tenantHealthByIsland.get(islandKey) ?? [];
      list.push(node.health.status);
      tenantHealthByIsland.set(islandKey, list);
    }
  }
  const islandKeyById = new Map([...islandIdByKey].map(([k, v]) => [v, k]));
  for (const t of tenants) {
    const key = t.islandId ? islandKeyById.get(t.islandId) : undefined;
    if (key) {
      const list = islandTenantIds.get(key) ?? [];
      list.push(t.id);
      islandTenantIds.set(key, list);
    }
  }

  // Island nodes.
  const islandNodes: IslandNode[] = [];
  for (const [key, island] of view.islands) {
    const cluster = clusters.get(key);
    if (!cluster) continue;
    const id = islandIdByKey.get(key)!;
    const tenantOf = tenantByTcp.get(key);
    const dataStores = [
      ...(island.source?.items<SlimDataStore>(K.DataStore).values() ?? []),
    ]
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .map(d => ({
        name: d.name,
        driver: d.driver,
        ready: d.ready,
        usedBy: d.usedBy.flatMap(tcpKey => tenantOf?.get(tcpKey) ?? []),
      }));
    islandNodes.push(
      buildIsland({
        id,
        managementCluster: M,
        owner: ownerOf(cluster.labels),
        cluster,
        island,
        dataStores,
        tenantIds: (islandTenantIds.get(key) ?? []).sort(),
        tenantHealth: countHealth(tenantHealthByIsland.get(key) ?? []),
        managementStaleness: mgmtStaleness,
      }),
    );
  }

  const mNode = buildManagementNode({
    view,
    islands: islandNodes,
    tenants,
    localTenantIds: localTenantIds.sort(),
    staleReason: mgmtStale ? mgmtStaleReason : undefined,
  });
  out.managementClusters.push(mNode);
  out.islands.push(...islandNodes);
  out.tenants.push(...tenants);
  out.addonSets.push(...addonSets);
}

/** A management cluster: its connection, and the health of its islands and tenants. */
function buildManagementNode(inputs: {
  view: ManagementView;
  islands: IslandNode[];
  tenants: TenantNode[];
  localTenantIds: ClusterId[];
  /** Set while the management cluster is stale. */
  staleReason?: string;
}): ManagementClusterNode {
  const { view, islands } = inputs;
  const src = view.source;
  let health = managementHealth({
    connection: src.connection,
    islands: islands.map(i => ({ name: i.name, health: i.health })),
  });
  if (inputs.staleReason) health = staleHealth(health, inputs.staleReason);
  return {
    id: view.name,
    role: 'management',
    name: view.name,
    managementCluster: view.name,
    title: view.title,
    owner: view.owner,
    labels: {},
    health,
    staleness: src.staleness,
    connection: src.connection,
    islandIds: islands.map(i => i.id).sort(),
    tenantIds: inputs.localTenantIds,
    tenantHealth: countHealth(inputs.tenants.map(t => t.health.status)),
  };
}

/** The fields a node takes from the object it stands for (a Cluster, or an unmanaged TCP). */
function objectFields(
  node: { id: ClusterId; managementCluster: string; owner?: string },
  object: {
    name: string;
    namespace: string;
    labels: Record<string, string>;
    createdAt?: string;
  },
) {
  return {
    id: node.id,
    name: object.name,
    namespace: object.namespace,
    managementCluster: node.managementCluster,
    owner: node.owner,
    site: object.labels[KAMAJI_LABELS.site],
    labels: object.labels,
    createdAt: object.createdAt,
  };
}

/** What a declared tenant's node is built from: the memo key (see {@link NodeMemo}). */
interface TenantInputs {
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
  /** pool → machine phase → count. */
  phases: Record<string, Record<string, number>>;
  addons: AddonAttachment[];
}

/** A declared tenant: Cluster ↔ KamajiControlPlane ↔ TenantControlPlane, pools, addons, health. */
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

function buildTenant(inputs: TenantInputs): TenantNode {
  const { cluster, kcp, kcpInput, tcp, tcpInput, hostedIn } = inputs;
  // Worker pools.
  const pools: WorkerPool[] = inputs.pools.map(md => ({
    name: md.name,
    namespace: md.namespace,
    replicas: md.replicas,
    version: normalizeKubernetesVersion(md.version),
    phase: md.phase,
    machinePhases: inputs.phases[md.name] ?? {},
    conditions: md.conditions,
  }));
  const workers = sumReplicas(pools.map(p => p.replicas));
  const allPhases: Record<string, number> = {};
  for (const p of pools) {
    for (const [ph, n] of Object.entries(p.machinePhases))
      allPhases[ph] = (allPhases[ph] ?? 0) + n;
  }

  const declared = normalizeKubernetesVersion(kcp?.version);
  const running = normalizeKubernetesVersion(tcp?.version);
  const workerVersions = [
    ...new Set(pools.map(p => p.version).filter((v): v is string => !!v)),
  ].sort();

  let health = tenantHealth({
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
      : kcpInput,
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
      : tcpInput,
    workers: pools.length ? workers : undefined,
    machinePhases: allPhases,
    rollingOut: pools
      .filter(p =>
        p.conditions.some(c => c.type === 'RollingOut' && c.status === 'True'),
      )
      .map(p => p.name),
  });
  health = withDataProblems(health, [
    ...(cluster.problems ?? []),
    ...(kcp?.problems ?? []),
    ...(tcp?.problems ?? []),
  ]);

  let staleness: Staleness = { stale: false };
  if (inputs.staleness && inputs.staleReason) {
    staleness = inputs.staleness;
    health = staleHealth(health, inputs.staleReason);
  }

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
  const conditions: FleetCondition[] = [
    ...cluster.conditions,
    ...(kcp?.conditions ?? []),
  ];

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
    controlPlane,
    workerPools: pools,
    workers,
    addons: inputs.addons,
    conditions,
    endpoint: tcp?.endpoint ?? cluster.endpoint ?? kcp?.endpoint,
  };
}

/** What an unmanaged tenant's node is built from: the memo key (see {@link NodeMemo}). */
interface UnmanagedTenantInputs {
  id: ClusterId;
  managementCluster: string;
  owner?: string;
  islandId: ClusterId;
  tcp: SlimTcp;
  staleness?: Staleness;
  staleReason?: string;
}

/** A TenantControlPlane on an island that no KamajiControlPlane claims. */
function buildUnmanagedTenant(inputs: UnmanagedTenantInputs): TenantNode {
  const { tcp } = inputs;
  const running = normalizeKubernetesVersion(tcp.version);
  const declared = normalizeKubernetesVersion(tcp.declaredVersion);
  let health = tenantHealth({
    tcp: {
      status: tcp.status,
      version: running,
      declaredVersion: declared,
      replicas: tcp.replicas,
      readyReplicas: tcp.readyReplicas,
      deleting: tcp.deleting,
    },
  });
  if (tcp.deleting)
    health = { status: 'progressing', reasons: ['being deleted'] };
  health = withDataProblems(health, tcp.problems ?? []);
  let staleness: Staleness = { stale: false };
  if (inputs.staleness && inputs.staleReason) {
    staleness = inputs.staleness;
    health = staleHealth(health, inputs.staleReason);
  }
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
    workers: {
      desired: 0,
      current: 0,
      ready: 0,
      available: 0,
      upToDate: 0,
    },
    addons: [],
    conditions: [],
    endpoint: tcp.endpoint,
  } as TenantNode;
}

/** What an island's node is built from. */
interface IslandInputs {
  id: ClusterId;
  managementCluster: string;
  owner?: string;
  cluster: SlimCluster;
  island: IslandView;
  dataStores: IslandNode['dataStores'];
  tenantIds: ClusterId[];
  tenantHealth: HealthCounts;
  /** Set while the management cluster is stale. */
  managementStaleness?: { staleness: Staleness; reason: string };
}

/** An island: its Cluster, its connection, its data stores and the health of its tenants. */
function buildIsland(inputs: IslandInputs): IslandNode {
  const { cluster, island, dataStores } = inputs;
  let health = islandHealth({
    cluster: {
      phase: cluster.phase,
      available: cluster.available,
      deleting: cluster.deleting,
      conditions: cluster.conditions,
    },
    // While stale with data, health is computed as last known (without the disconnection), then
    // marked unknown below; an island never reached gets the disconnection itself as its reason.
    connection:
      island.staleness.stale && island.staleness.lastSeenAt
        ? { ...island.connection, status: 'connected' }
        : island.connection,
    dataStores,
    tenantHealth: inputs.tenantHealth,
  });
  health = withDataProblems(health, cluster.problems ?? []);
  let staleness: Staleness = { stale: false };
  const managementStale = inputs.managementStaleness;
  if (managementStale) {
    staleness = managementStale.staleness;
    health = staleHealth(health, managementStale.reason);
  } else if (island.staleness.stale) {
    staleness = island.staleness;
    if (island.staleness.lastSeenAt) {
      const reason = staleReason(
        `island ${island.ref.name}`,
        island.connection,
      );
      health = staleHealth(
        health,
        island.connection.lastError
          ? `${reason} (${island.connection.lastError})`
          : reason,
      );
    }
  }
  return {
    ...objectFields(inputs, cluster),
    role: 'island',
    health,
    staleness,
    connection: island.connection,
    phase: cluster.phase,
    kubernetesVersion: normalizeKubernetesVersion(cluster.version),
    tenantIds: inputs.tenantIds,
    tenantHealth: inputs.tenantHealth,
    dataStores,
    conditions: cluster.conditions,
    endpoint: cluster.endpoint,
  };
}

function buildAddonSets(
  view: ManagementView,
  clusters: Map<string, SlimCluster>,
  islandIdByKey: Map<string, ClusterId>,
  /** Set while the management cluster is stale. */
  managementStale: string | undefined,
): {
  sets: AddonSet[];
  attachments: Map<ClusterId, AddonAttachment[]>;
  problems: FleetProblem[];
} {
  const M = view.name;
  const problems: FleetProblem[] = [];
  const problem = (cluster: string, object: string, message: string) =>
    problems.push({ cluster, object, message });
  const src = view.source;
  const attachments = new Map<ClusterId, AddonAttachment[]>();
  const summaries = new Map<string, SlimClusterSummary>(); // ns/profile/cluster
  for (const s of src.items<SlimClusterSummary>(K.ClusterSummary).values()) {
    if (s.clusterType && s.clusterType !== 'Capi') continue;
    summaries.set(`${s.namespace}/${s.profileName}/${s.clusterName}`, s);
  }
  const bindings = new Map<string, SlimCrsBinding>(); // ns/cluster
  for (const b of src.items<SlimCrsBinding>(K.CRSBinding).values()) {
    bindings.set(`${b.namespace}/${b.clusterName}`, b);
  }
  const releases = new Map<string, SlimHelmReleaseProxy>(); // ns/proxy/cluster
  for (const r of src.items<SlimHelmReleaseProxy>(K.HRP).values()) {
    releases.set(`${r.namespace}/${r.proxyName}/${r.clusterName}`, r);
  }

  const clustersByNamespace = new Map<string, Array<[string, SlimCluster]>>();
  for (const entry of clusters) {
    const list = clustersByNamespace.get(entry[1].namespace);
    if (list) list.push(entry);
    else clustersByNamespace.set(entry[1].namespace, [entry]);
  }
  const sets: Array<[SlimAddonSet, string]> = [];
  for (const [k, s] of src.items<SlimAddonSet>(K.ClusterProfile))
    sets.push([s, k]);
  for (const [k, s] of src.items<SlimAddonSet>(K.CRS)) sets.push([s, k]);
  for (const [k, s] of src.items<SlimAddonSet>(K.HCP)) sets.push([s, k]);

  const result: AddonSet[] = [];
  for (const [set, key] of sets) {
    if (set.problems)
      for (const p of set.problems) problem(M, `${set.kind} ${key}`, p);
    const id = `${M}/${set.kind}/${set.namespace || '_'}/${set.name}`;
    const matching: string[] = [];
    const deliveries: Delivery[] = [];
    // ClusterProfiles select across namespaces; the others only in their own.
    const candidates =
      set.kind === 'ClusterProfile'
        ? clusters
        : clustersByNamespace.get(set.namespace) ?? [];
    for (const [ckey, c] of candidates) {
      const selected =
        matchesSelector(
          c.labels,
          set.selector,
          set.kind === 'HelmChartProxy',
        ) || set.clusterRefs.includes(ckey);
      if (!selected) continue;
      const cid =
        islandIdByKey.get(ckey) ??
        clusterId({
          managementCluster: M,
          namespace: c.namespace,
          name: c.name,
        });
      matching.push(cid);
      const { state, message } = delivery(set, c, ckey);
      deliveries.push({ state, cluster: c.name });
      const attachment: AddonAttachment = {
        addonSetId: id,
        name: set.name,
        kind: set.kind,
        status: state,
      };
      if (message) attachment.message = message;
      const list = attachments.get(cid);
      if (list) list.push(attachment);
      else attachments.set(cid, [attachment]);
    }
    const reasons = deliveryFindings(deliveries);
    const settled = !deliveries.some(
      d => d.state === 'failed' || d.state === 'progressing',
    );
    if (set.condition && set.condition.status !== 'True' && settled) {
      reasons.push([
        'degraded',
        `${set.condition.type} ${set.condition.status}${
          set.condition.message
            ? `: ${set.condition.message.split('\n')[0]}`
            : ''
        }`,
      ]);
    }
    for (const p of set.problems ?? [])
      reasons.push(['unknown', `data problem: ${p}`]);
    const lastKnown = healthFrom(reasons);
    const health = managementStale
      ? staleHealth(lastKnown, managementStale)
      : lastKnown;
    result.push({
      id,
      kind: set.kind,
      name: set.name,
      ...(set.namespace ? { namespace: set.namespace } : {}),
      managementCluster: M,
      selector: set.selector ?? {},
      contents: set.contents,
      matchingClusterIds: matching.sort(),
      health,
    });
  }
  for (const list of attachments.values())
    list.sort((a, b) => (a.addonSetId < b.addonSetId ? -1 : 1));
  return { sets: result, attachments, problems };

  function delivery(
    set: SlimAddonSet,
    c: SlimCluster,
    ckey: string,
  ): { state: AddonDelivery; message?: string } {
    const notReady = !c.controlPlaneInitialized;
    if (set.kind === 'ClusterProfile') {
      const failure = set.failedClusters[ckey];
      if (failure !== undefined)
        return { state: 'failed', message: failure || undefined };
      if (!src.readable(K.ClusterSummary)) return { state: 'unknown' };
      const s = summaries.get(`${c.namespace}/${set.name}/${c.name}`);
      if (!s)
        return notReady
          ? { state: 'progressing', message: 'waiting for the control plane' }
          : { state: 'unknown' };
      return { state: s.state, message: s.message };
    }
    if (set.kind === 'ClusterResourceSet') {
      if (!src.readable(K.CRSBinding)) return { state: 'unknown' };
      const b = bindings.get(`${c.namespace}/${c.name}`);
      const applied = b?.sets[set.name];
      if (applied === true) return { state: 'applied' };
      if (applied === false)
        return {
          state: 'progressing',
          message: 'some resources not applied yet',
        };
      return {
        state: 'progressing',
        message: notReady ? 'waiting for the control plane' : 'not applied yet',
      };
    }
    if (!src.readable(K.HRP)) return { state: 'unknown' };
    const r = releases.get(`${c.namespace}/${set.name}/${c.name}`);
    if (!r)
      return {
        state: 'progressing',
        message: notReady
          ? 'waiting for the control plane'
          : 'no HelmReleaseProxy yet',
      };
    return { state: r.state, message: r.message };
  }
}
