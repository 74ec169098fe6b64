import {
  AddonSet,
  AddonSetId,
  ClusterId,
  emptyHealthCounts,
  FleetCluster,
  FleetDelta,
  FleetSnapshot,
  Health,
  HealthCounts,
  IslandNode,
  ManagementClusterNode,
  TenantNode,
} from '@kamaji-backstage/plugin-kamaji-common';
import { KamajiClusterScope } from '@kamaji-backstage/plugin-kamaji-node';
import {
  Delivery,
  deliveryFindings,
  healthFrom,
  managementStaleReason,
  staleHealth,
  unhealthyIslandsReason,
  unhealthyTenantsReason,
} from '../fleet/health';

/**
 * What a caller may read of the fleet, from the `kamaji.cluster.read` decision:
 * everything, nothing, or the clusters a predicate accepts.
 */
export type ReadScope = KamajiClusterScope;

/**
 * Read access to a whole model: a snapshot, or the plugin's mirror of the live model.
 */
export interface FleetSource {
  readonly version: number;
  readonly generatedAt: string;
  get(id: ClusterId): FleetCluster | undefined;
  managementClusters(): Iterable<ManagementClusterNode>;
  islands(): Iterable<IslandNode>;
  tenants(): Iterable<TenantNode>;
  addonSets(): Iterable<AddonSet>;
  getAddonSet(id: AddonSetId): AddonSet | undefined;
}

/** A {@link FleetSource} over one snapshot, with a lookup table built once. */
export class SnapshotSource implements FleetSource {
  private static readonly cache = new WeakMap<FleetSnapshot, SnapshotSource>();

  /** One index per snapshot object: repeated reads of the same model version reuse it. */
  static of(snapshot: FleetSnapshot): SnapshotSource {
    let source = SnapshotSource.cache.get(snapshot);
    if (!source) {
      source = new SnapshotSource(snapshot);
      SnapshotSource.cache.set(snapshot, source);
    }
    return source;
  }

  private readonly byId = new Map<ClusterId, FleetCluster>();
  private readonly addonSetById = new Map<AddonSetId, AddonSet>();

  private constructor(readonly snapshot: FleetSnapshot) {
    for (const list of [
      snapshot.managementClusters,
      snapshot.islands,
      snapshot.tenants,
    ] as FleetCluster[][]) {
      for (const c of list) this.byId.set(c.id, c);
    }
    for (const a of snapshot.addonSets) this.addonSetById.set(a.id, a);
  }

  get version() {
    return this.snapshot.version;
  }
  get generatedAt() {
    return this.snapshot.generatedAt;
  }
  get(id: ClusterId) {
    return this.byId.get(id);
  }
  managementClusters() {
    return this.snapshot.managementClusters;
  }
  islands() {
    return this.snapshot.islands;
  }
  tenants() {
    return this.snapshot.tenants;
  }
  addonSets() {
    return this.snapshot.addonSets;
  }
  getAddonSet(id: AddonSetId) {
    return this.addonSetById.get(id);
  }
}

/** `health` with the reason `before` replaced by `after`, or left out when there is no `after`. */
function withReasonReplaced(
  health: Health,
  before: string | undefined,
  after: string | undefined,
): Health {
  if (!before || before === after) return health;
  return {
    ...health,
    reasons: health.reasons.flatMap(r => {
      if (r !== before) return [r];
      return after ? [after] : [];
    }),
  };
}

/** The islands among `ids`. */
function islandsAmong(ids: ClusterId[], source: FleetSource): IslandNode[] {
  return ids
    .map(id => source.get(id))
    .filter((c): c is IslandNode => c?.role === 'island');
}

/** The deliveries of an addon set to the tenants among `ids`, as their attachments report them. */
function deliveriesTo(
  set: AddonSet,
  ids: ClusterId[],
  source: FleetSource,
): Delivery[] {
  return ids.flatMap(id => {
    const cluster = source.get(id);
    if (cluster?.role !== 'tenant') return [];
    const attached = cluster.addons.find(a => a.addonSetId === set.id);
    return attached?.status
      ? [{ cluster: cluster.name, state: attached.status }]
      : [];
  });
}

/**
 * An addon set's health over the clusters `ids` only: what its deliveries to them say, unknown
 * while its management cluster is stale. The set's own condition is left out, as its message
 * may speak of any cluster the set selects.
 */
function addonSetHealthOver(
  set: AddonSet,
  ids: ClusterId[],
  source: FleetSource,
): Health {
  const health = healthFrom(deliveryFindings(deliveriesTo(set, ids, source)));
  const management = source.get(set.managementCluster);
  return management?.role === 'management' && management.staleness.stale
    ? staleHealth(
        health,
        managementStaleReason(set.managementCluster, management.connection),
      )
    : health;
}

/** What a delta changes of one caller's view, collected while it is applied. */
interface VisibleChanges {
  upserted: Map<ClusterId, FleetCluster>;
  removed: Set<ClusterId>;
  islandsToCheck: Set<ClusterId>;
  managementToCheck: Set<string>;
  /** A cluster became visible or stopped being so. */
  visibilityChanged: boolean;
}

/**
 * What one caller with a CONDITIONAL read decision sees of the fleet, kept up to date delta by
 * delta for a live-update stream (and computed once for a snapshot read).
 *
 * Visibility (the project's documented choice):
 * - a tenant is visible when the decision accepts it (for app teams: they own it);
 * - an island is visible when the decision accepts it, or when it hosts a visible tenant;
 * - a management cluster is visible when the decision accepts it, or when a visible island or
 *   tenant is declared in it;
 * - an addon set is visible when it selects a visible cluster.
 * Visible islands, management clusters and addon sets are shown with their tenant lists, counts,
 * DataStore users and the health reasons that roll up over clusters (unhealthy tenants of an
 * island, unhealthy islands of a management cluster, an addon set's deliveries) restricted to
 * visible clusters, so nobody learns the names or the number of other teams' clusters.
 */
export class ConditionalView {
  private readonly tenantIsland = new Map<ClusterId, string>();
  private readonly tenantMgmt = new Map<ClusterId, string>();
  private readonly visibleTenantsByIsland = new Map<
    ClusterId,
    Set<ClusterId>
  >();
  private readonly visibleTenantsByMgmt = new Map<string, Set<ClusterId>>();
  private readonly visibleIslands = new Set<ClusterId>();
  private readonly visibleIslandsByMgmt = new Map<string, Set<ClusterId>>();
  private readonly visibleMgmt = new Set<ClusterId>();
  /** Addon set id → the signature of its projection last sent ({@link signatureOf}). */
  private readonly sentAddonSets = new Map<AddonSetId, string>();

  constructor(private readonly predicate: (c: FleetCluster) => boolean) {}

  /** Computes visibility over a whole model. */
  load(source: FleetSource): this {
    for (const t of source.tenants()) {
      if (this.predicate(t)) this.addTenant(t);
    }
    for (const i of source.islands()) {
      if (this.islandVisible(i)) this.addIsland(i);
    }
    for (const m of source.managementClusters()) {
      if (this.mgmtVisible(m)) this.visibleMgmt.add(m.id);
    }
    return this;
  }

  /**
   * {@link load}, and remembers the addon sets as the caller holds them now, so that
   * {@link visibleDelta} sends only those whose projection changes: for live-update streams.
   */
  loadForDeltas(source: FleetSource): this {
    this.load(source);
    for (const a of source.addonSets()) {
      const projected = this.projectAddonSet(a, source);
      if (projected) this.sentAddonSets.set(a.id, signatureOf(projected));
    }
    return this;
  }

  isVisible(id: ClusterId): boolean {
    return (
      this.tenantIsland.has(id) ||
      this.visibleIslands.has(id) ||
      this.visibleMgmt.has(id)
    );
  }

  /** The visible part of a whole model, nodes projected. Call after {@link load} on the same source. */
  snapshot(
    source: FleetSource,
  ): Omit<FleetSnapshot, 'version' | 'generatedAt'> {
    const managementClusters: ManagementClusterNode[] = [];
    for (const m of source.managementClusters()) {
      if (this.visibleMgmt.has(m.id)) {
        managementClusters.push(this.projectMgmt(m, source));
      }
    }
    const islands: IslandNode[] = [];
    for (const i of source.islands()) {
      if (this.visibleIslands.has(i.id)) {
        islands.push(this.projectIsland(i, source));
      }
    }
    const tenants: TenantNode[] = [];
    for (const t of source.tenants()) {
      if (this.tenantIsland.has(t.id)) tenants.push(t);
    }
    const addonSets: AddonSet[] = [];
    for (const a of source.addonSets()) {
      const projected = this.projectAddonSet(a, source);
      if (projected) addonSets.push(projected);
    }
    return { managementClusters, islands, tenants, addonSets };
  }

  /** One visible cluster, projected; undefined when the caller may not see it. */
  cluster(id: ClusterId, source: FleetSource): FleetCluster | undefined {
    const c = source.get(id);
    if (!c || !this.isVisible(id)) return undefined;
    return this.project(c, source);
  }

  /**
   * Applies one model delta (the source must already be at `delta.version`) and returns the
   * delta this caller should see: changes to visible clusters, clusters that became visible,
   * and removals of clusters that stopped being visible.
   */
  visibleDelta(delta: FleetDelta, source: FleetSource): FleetDelta {
    const changes: VisibleChanges = {
      upserted: new Map(),
      removed: new Set(),
      islandsToCheck: new Set(),
      managementToCheck: new Set(),
      visibilityChanged: false,
    };
    for (const c of delta.upserted) this.noteUpserted(c, changes);
    for (const id of delta.removed) this.noteRemoved(id, changes);
    // Islands first: an island that appears or goes may change its management cluster's view.
    this.recheckIslands(changes, source);
    this.recheckManagementClusters(changes, source);
    return {
      fromVersion: delta.fromVersion,
      version: delta.version,
      generatedAt: delta.generatedAt,
      upserted: [...changes.upserted.values()],
      removed: [...changes.removed],
      ...this.addonSetChanges(delta, source, changes.visibilityChanged),
    };
  }

  private dropTenant(id: ClusterId, changes: VisibleChanges) {
    const island = this.tenantIsland.get(id);
    const mgmt = this.tenantMgmt.get(id);
    this.removeTenantIndex(id);
    if (island) changes.islandsToCheck.add(island);
    if (mgmt) changes.managementToCheck.add(mgmt);
    this.settle(changes, id, true, undefined);
  }

  private noteUpserted(c: FleetCluster, changes: VisibleChanges) {
    // A node that changed role (a Cluster labelled as an island later) leaves its old index.
    if (c.role !== 'tenant' && this.tenantIsland.has(c.id)) {
      this.dropTenant(c.id, changes);
    }
    if (c.role !== 'island' && this.visibleIslands.has(c.id)) {
      this.removeIsland(c.id);
      changes.removed.add(c.id);
      changes.visibilityChanged = true;
      if (c.managementCluster)
        changes.managementToCheck.add(c.managementCluster);
    }
    if (c.role === 'tenant') this.noteUpsertedTenant(c, changes);
    else if (c.role === 'island') changes.islandsToCheck.add(c.id);
    else changes.managementToCheck.add(c.managementCluster);
  }

  private noteUpsertedTenant(t: TenantNode, changes: VisibleChanges) {
    const was = this.tenantIsland.has(t.id);
    if (was) {
      // Health or placement may have changed: re-count where it was.
      const oldIsland = this.tenantIsland.get(t.id);
      const oldMgmt = this.tenantMgmt.get(t.id);
      if (oldIsland) changes.islandsToCheck.add(oldIsland);
      if (oldMgmt) changes.managementToCheck.add(oldMgmt);
    }
    if (!this.predicate(t)) {
      if (was) this.dropTenant(t.id, changes);
      return;
    }
    if (was) this.removeTenantIndex(t.id);
    this.addTenant(t);
    this.settle(changes, t.id, was, t);
    if (t.islandId) changes.islandsToCheck.add(t.islandId);
    changes.managementToCheck.add(t.managementCluster);
  }

  private noteRemoved(id: ClusterId, changes: VisibleChanges) {
    if (this.tenantIsland.has(id)) this.dropTenant(id, changes);
    else if (this.visibleIslands.has(id)) changes.islandsToCheck.add(id);
    else if (this.visibleMgmt.has(id)) changes.managementToCheck.add(id);
  }

  /** Sends `projected` for `id` while it is visible, or its removal once it no longer is. */
  private settle(
    changes: VisibleChanges,
    id: ClusterId,
    was: boolean,
    projected: FleetCluster | undefined,
  ) {
    if (projected) {
      if (!was) changes.visibilityChanged = true;
      changes.upserted.set(id, projected);
      changes.removed.delete(id);
    } else if (was) {
      changes.removed.add(id);
      changes.upserted.delete(id);
      changes.visibilityChanged = true;
    }
  }

  private recheckIslands(changes: VisibleChanges, source: FleetSource) {
    for (const id of changes.islandsToCheck) {
      const node = source.get(id);
      const was = this.visibleIslands.has(id);
      const mgmt = node?.managementCluster ?? this.islandMgmtOf(id);
      if (mgmt) changes.managementToCheck.add(mgmt);
      const island =
        node?.role === 'island' && this.islandVisible(node) ? node : undefined;
      if (island) this.addIsland(island);
      else if (was) this.removeIsland(id);
      const projected = island && this.projectIsland(island, source);
      this.settle(changes, id, was, projected);
    }
  }

  private recheckManagementClusters(
    changes: VisibleChanges,
    source: FleetSource,
  ) {
    for (const name of changes.managementToCheck) {
      const node = source.get(name);
      const was = this.visibleMgmt.has(name);
      const management =
        node?.role === 'management' && this.mgmtVisible(node)
          ? node
          : undefined;
      if (management) this.visibleMgmt.add(name);
      else this.visibleMgmt.delete(name);
      const projected = management && this.projectMgmt(management, source);
      this.settle(changes, name, was, projected);
    }
  }

  /**
   * The addon sets whose projection changed for this caller; when what the caller sees changed,
   * every addon set is checked, as the clusters it selects may have become visible or not.
   */
  private addonSetChanges(
    delta: FleetDelta,
    source: FleetSource,
    visibilityChanged: boolean,
  ): Pick<FleetDelta, 'upsertedAddonSets' | 'removedAddonSets'> {
    const upsertedAddonSets: AddonSet[] = [];
    const removedAddonSets: AddonSetId[] = [];
    const toCheck = new Set<AddonSetId>([
      ...delta.upsertedAddonSets.map(a => a.id),
      ...delta.removedAddonSets,
    ]);
    if (visibilityChanged) {
      for (const a of source.addonSets()) toCheck.add(a.id);
      for (const id of this.sentAddonSets.keys()) toCheck.add(id);
    }
    const upsertedIds = new Set(delta.upsertedAddonSets.map(a => a.id));
    for (const id of toCheck) {
      const set = source.getAddonSet(id);
      const projected = set ? this.projectAddonSet(set, source) : undefined;
      const before = this.sentAddonSets.get(id);
      if (projected) {
        const signature = signatureOf(projected);
        if (before !== signature || upsertedIds.has(id)) {
          upsertedAddonSets.push(projected);
          this.sentAddonSets.set(id, signature);
        }
      } else if (before !== undefined) {
        removedAddonSets.push(id);
        this.sentAddonSets.delete(id);
      }
    }
    return { upsertedAddonSets, removedAddonSets };
  }

  private islandMgmtOf(islandId: ClusterId): string | undefined {
    for (const [mgmt, ids] of this.visibleIslandsByMgmt) {
      if (ids.has(islandId)) return mgmt;
    }
    return undefined;
  }

  private addTenant(t: TenantNode) {
    const island = t.islandId ?? '';
    this.tenantIsland.set(t.id, island);
    this.tenantMgmt.set(t.id, t.managementCluster);
    if (island) {
      let set = this.visibleTenantsByIsland.get(island);
      if (!set) this.visibleTenantsByIsland.set(island, (set = new Set()));
      set.add(t.id);
    }
    let m = this.visibleTenantsByMgmt.get(t.managementCluster);
    if (!m) this.visibleTenantsByMgmt.set(t.managementCluster, (m = new Set()));
    m.add(t.id);
  }

  private removeTenantIndex(id: ClusterId) {
    const island = this.tenantIsland.get(id);
    const mgmt = this.tenantMgmt.get(id);
    if (island) this.visibleTenantsByIsland.get(island)?.delete(id);
    if (mgmt) this.visibleTenantsByMgmt.get(mgmt)?.delete(id);
    this.tenantIsland.delete(id);
    this.tenantMgmt.delete(id);
  }

  private addIsland(i: IslandNode) {
    this.visibleIslands.add(i.id);
    let set = this.visibleIslandsByMgmt.get(i.managementCluster);
    if (!set) {
      this.visibleIslandsByMgmt.set(i.managementCluster, (set = new Set()));
    }
    set.add(i.id);
  }

  private removeIsland(id: ClusterId) {
    this.visibleIslands.delete(id);
    for (const set of this.visibleIslandsByMgmt.values()) set.delete(id);
  }

  private islandVisible(i: IslandNode): boolean {
    return (
      this.predicate(i) ||
      (this.visibleTenantsByIsland.get(i.id)?.size ?? 0) > 0
    );
  }

  private mgmtVisible(m: ManagementClusterNode): boolean {
    return (
      this.predicate(m) ||
      (this.visibleIslandsByMgmt.get(m.managementCluster)?.size ?? 0) > 0 ||
      (this.visibleTenantsByMgmt.get(m.managementCluster)?.size ?? 0) > 0
    );
  }

  private project(c: FleetCluster, source: FleetSource): FleetCluster {
    if (c.role === 'island') return this.projectIsland(c, source);
    if (c.role === 'management') return this.projectMgmt(c, source);
    return c;
  }

  private healthOf(
    ids: Iterable<ClusterId>,
    source: FleetSource,
  ): HealthCounts {
    const counts = emptyHealthCounts();
    for (const id of ids) {
      const t = source.get(id);
      if (t) counts[t.health.status] = (counts[t.health.status] ?? 0) + 1;
    }
    return counts;
  }

  private projectIsland(i: IslandNode, source: FleetSource): IslandNode {
    const visible = this.visibleTenantsByIsland.get(i.id) ?? new Set();
    const tenantIds = i.tenantIds.filter(id => visible.has(id));
    const tenantHealth = this.healthOf(tenantIds, source);
    return {
      ...i,
      health: withReasonReplaced(
        i.health,
        unhealthyTenantsReason(i.tenantHealth),
        unhealthyTenantsReason(tenantHealth),
      ),
      tenantIds,
      tenantHealth,
      dataStores: i.dataStores.map(d => ({
        ...d,
        usedBy: d.usedBy.filter(id => visible.has(id)),
      })),
    };
  }

  private projectMgmt(
    m: ManagementClusterNode,
    source: FleetSource,
  ): ManagementClusterNode {
    const visibleTenants =
      this.visibleTenantsByMgmt.get(m.managementCluster) ?? new Set();
    const visibleIslands =
      this.visibleIslandsByMgmt.get(m.managementCluster) ?? new Set();
    const tenantIds = m.tenantIds.filter(id => visibleTenants.has(id));
    // tenantHealth counts every tenant of the management cluster when the model says so
    // (more counted than listed), else only the tenants it hosts itself.
    const total = Object.values(m.tenantHealth ?? {}).reduce(
      (a, b) => a + b,
      0,
    );
    const counted = total > m.tenantIds.length ? visibleTenants : tenantIds;
    const islandIds = m.islandIds.filter(id => visibleIslands.has(id));
    return {
      ...m,
      health: withReasonReplaced(
        m.health,
        unhealthyIslandsReason(islandsAmong(m.islandIds, source)),
        unhealthyIslandsReason(islandsAmong(islandIds, source)),
      ),
      islandIds,
      tenantIds,
      tenantHealth: this.healthOf(counted, source),
    };
  }

  private projectAddonSet(
    a: AddonSet,
    source: FleetSource,
  ): AddonSet | undefined {
    const matching = a.matchingClusterIds.filter(id => this.isVisible(id));
    if (matching.length === 0) return undefined;
    if (matching.length === a.matchingClusterIds.length) return a;
    return {
      ...a,
      matchingClusterIds: matching,
      health: addonSetHealthOver(a, matching, source),
    };
  }
}

/** What a caller was last sent of an addon set: the clusters it selects and its health. */
function signatureOf(projected: AddonSet): string {
  return JSON.stringify([projected.matchingClusterIds, projected.health]);
}
