import {
  AddonAttachment,
  AddonSet,
  ClusterId,
  ConnectionState,
  FleetProblem,
  IslandNode,
  ManagementClusterNode,
  Staleness,
  TenantNode,
  clusterId,
  countHealth,
  unmanagedTenantId,
} from '@kamaji-backstage/plugin-kamaji-common';
import { managementHealth, managementStaleReason, staleHealth } from './health';
import type { IslandRef } from './islands';
import type { WatchedKind } from './kinds';
import type { SlimCluster, SlimMachineDeployment, SlimTcp } from './objects';
import { Memo, NO_MEMO, NodeMemo } from './nodeMemo';
import { islandStaleness } from './nodeParts';
import {
  Derive,
  ManagementBuild,
  ownerOf,
  reportProblems,
} from './managementBuild';
import { AddonBuild, addonsOf } from './addonSets';
import { findControlPlane } from './controlPlanes';
import { buildIsland, islandDataStores } from './islandNodes';
import { buildTenant, buildUnmanagedTenant } from './tenantNodes';
import {
  machinePhaseIndex,
  PoolPhases,
  workerPoolIndex,
  WorkerPoolIndex,
} from './workloadIndexes';

/** Read access to what one cluster's watchers hold. */
export interface SourceView {
  connection: ConnectionState;
  staleness: Staleness;
  /** Whether the kind was listed at least once (its items mean something, even if stale). */
  readable(kind: WatchedKind): boolean;
  /** Why a kind cannot be read, when it cannot. */
  unreadableReason(kind: WatchedKind): string | undefined;
  items<T>(kind: WatchedKind): ReadonlyMap<string, T>;
  /** Changes whenever the kind's items change (lets builds reuse what they derived from them). */
  revision(kind: WatchedKind): number;
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

const NO_POOLS: SlimMachineDeployment[] = [];
const NO_ADDONS: AddonAttachment[] = [];
const NO_PHASES: PoolPhases = {};

function isSorted(list: Array<{ id: string }>): boolean {
  for (let i = 1; i < list.length; i++)
    if (list[i - 1].id > list[i].id) return false;
  return true;
}

function byId<T extends { id: string }>(a: T, b: T): number {
  if (a.id === b.id) return 0;
  return a.id < b.id ? -1 : 1;
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

const noDerive: Derive = (_name, _key, compute) => compute(undefined);

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

/** What a declared tenant's node reads besides its own objects, per Cluster. */
interface ClusterParts {
  pools: WorkerPoolIndex;
  phases: Map<string, PoolPhases>;
  addons: AddonBuild;
}

/** Island key → TenantControlPlane key (namespace/name) → the tenant it is the control plane of. */
type TenantsByControlPlane = Map<string, Map<string, ClusterId>>;

function controlPlanesOf(
  byControlPlane: TenantsByControlPlane,
  islandKey: string,
): Map<string, ClusterId> {
  let tenants = byControlPlane.get(islandKey);
  if (!tenants) byControlPlane.set(islandKey, (tenants = new Map()));
  return tenants;
}

function islandIdsOf(view: ManagementView): Map<string, ClusterId> {
  const ids = new Map<string, ClusterId>();
  for (const key of view.islands.keys()) {
    const [namespace, name] = key.split('/');
    ids.set(key, clusterId({ managementCluster: view.name, namespace, name }));
  }
  return ids;
}

function managementBuildOf(
  view: ManagementView,
  problems: FleetProblem[],
  derive: Derive,
): ManagementBuild {
  const source = view.source;
  const reason = managementStaleReason(view.name, source.connection);
  return {
    view,
    name: view.name,
    source,
    islandIds: islandIdsOf(view),
    // Management staleness covers everything declared there.
    stale: source.staleness.stale
      ? { staleness: source.staleness, reason }
      : undefined,
    problems,
    derive,
  };
}

/** A tenant declared by a Cluster, and the key of the island its control plane runs on. */
function declaredTenant(
  build: ManagementBuild,
  memo: Memo,
  parts: ClusterParts,
  byControlPlane: TenantsByControlPlane,
  [key, cluster]: [string, SlimCluster],
): { tenant: TenantNode; islandKey?: string } {
  const id = clusterId({
    managementCluster: build.name,
    namespace: cluster.namespace,
    name: cluster.name,
  });
  const found = findControlPlane(build, cluster);
  const { islandKey } = found;
  if (islandKey && found.tcpKey)
    controlPlanesOf(byControlPlane, islandKey).set(found.tcpKey, id);
  const island = islandKey ? build.view.islands.get(islandKey) : undefined;
  const stale = build.stale ?? islandStaleness(island);
  const tenant = memo.node(id, buildTenant, {
    id,
    managementCluster: build.name,
    owner: ownerOf(build, cluster.labels),
    cluster,
    kcp: found.kcp,
    kcpInput: found.kcpInput,
    tcp: found.tcp,
    tcpInput: found.tcpInput,
    hostedIn: found.hostedIn,
    islandId: islandKey ? build.islandIds.get(islandKey) : undefined,
    staleness: stale?.staleness,
    staleReason: stale?.reason,
    pools: parts.pools.byCluster.get(key) ?? NO_POOLS,
    phases: parts.phases.get(key) ?? NO_PHASES,
    addons: parts.addons.attachments.get(id) ?? NO_ADDONS,
  });
  return { tenant, islandKey };
}

/**
 * The tenants the management cluster's Clusters declare (every Cluster but the islands), and
 * the ids of those whose control plane runs on no island.
 */
function declaredTenants(
  build: ManagementBuild,
  memo: Memo,
  parts: ClusterParts,
  byControlPlane: TenantsByControlPlane,
): { tenants: TenantNode[]; localTenantIds: ClusterId[] } {
  const tenants: TenantNode[] = [];
  const localTenantIds: ClusterId[] = [];
  for (const entry of build.source.items<SlimCluster>('Cluster')) {
    const [key, cluster] = entry;
    reportProblems(
      build.problems,
      build.name,
      `Cluster ${key}`,
      cluster.problems,
    );
    if (build.view.islands.has(key)) continue;
    const declared = declaredTenant(build, memo, parts, byControlPlane, entry);
    tenants.push(declared.tenant);
    if (!declared.islandKey) localTenantIds.push(declared.tenant.id);
  }
  return { tenants, localTenantIds: localTenantIds.sort() };
}

/** TenantControlPlanes on the islands that no KamajiControlPlane claims. */
function unmanagedTenants(
  build: ManagementBuild,
  memo: Memo,
  byControlPlane: TenantsByControlPlane,
): TenantNode[] {
  const tenants: TenantNode[] = [];
  for (const [islandKey, island] of build.view.islands) {
    const tcps = island.source?.items<SlimTcp>('TenantControlPlane');
    if (!tcps) continue;
    const islandId = build.islandIds.get(islandKey)!;
    const claimed = controlPlanesOf(byControlPlane, islandKey);
    const stale = islandStaleness(island) ?? build.stale;
    for (const [tcpKey, tcp] of tcps) {
      if (claimed.has(tcpKey)) continue;
      const object = `TenantControlPlane ${tcpKey}`;
      reportProblems(build.problems, islandId, object, tcp.problems);
      const id = unmanagedTenantId(islandId, tcp);
      const tenant = memo.node(id, buildUnmanagedTenant, {
        id,
        managementCluster: build.name,
        owner: ownerOf(build, tcp.labels),
        islandId,
        tcp,
        staleness: stale?.staleness,
        staleReason: stale?.reason,
      });
      tenants.push(tenant);
      claimed.set(tcpKey, id);
    }
  }
  return tenants;
}

function tenantsByIsland(tenants: TenantNode[]): Map<ClusterId, TenantNode[]> {
  const byIsland = new Map<ClusterId, TenantNode[]>();
  for (const tenant of tenants) {
    if (!tenant.islandId) continue;
    const list = byIsland.get(tenant.islandId);
    if (list) list.push(tenant);
    else byIsland.set(tenant.islandId, [tenant]);
  }
  return byIsland;
}

function islandNodes(
  build: ManagementBuild,
  tenants: TenantNode[],
  byControlPlane: TenantsByControlPlane,
): IslandNode[] {
  const hostedBy = tenantsByIsland(tenants);
  const clusters = build.source.items<SlimCluster>('Cluster');
  const nodes: IslandNode[] = [];
  for (const [key, island] of build.view.islands) {
    const cluster = clusters.get(key);
    if (!cluster) continue;
    const id = build.islandIds.get(key)!;
    const hosted = hostedBy.get(id) ?? [];
    nodes.push(
      buildIsland({
        id,
        managementCluster: build.name,
        owner: ownerOf(build, cluster.labels),
        cluster,
        island,
        dataStores: islandDataStores(island, byControlPlane.get(key)),
        tenantIds: hosted.map(t => t.id).sort(),
        tenantHealth: countHealth(hosted.map(t => t.health.status)),
        managementStaleness: build.stale,
      }),
    );
  }
  return nodes;
}

/** One management cluster's nodes: itself, its islands, its tenants and its addon sets. */
function buildManagement(
  view: ManagementView,
  out: BuiltFleet,
  memo: Memo,
  derive: Derive = noDerive,
): void {
  const build = managementBuildOf(view, out.problems, derive);
  out.problems.push(...(view.problems ?? []));
  const pools = workerPoolIndex(build);
  out.problems.push(...pools.problems);
  const phases = machinePhaseIndex(build);
  const addons = addonsOf(build);
  out.problems.push(...addons.problems);
  const byControlPlane: TenantsByControlPlane = new Map();
  const parts = { pools, phases, addons };
  const declared = declaredTenants(build, memo, parts, byControlPlane);
  const tenants = [
    ...declared.tenants,
    ...unmanagedTenants(build, memo, byControlPlane),
  ];
  const islands = islandNodes(build, tenants, byControlPlane);
  out.managementClusters.push(
    buildManagementNode({
      view,
      islands,
      tenants,
      localTenantIds: declared.localTenantIds,
      staleReason: build.stale?.reason,
    }),
  );
  out.islands.push(...islands);
  out.tenants.push(...tenants);
  out.addonSets.push(...addons.sets);
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
