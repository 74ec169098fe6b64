import type {
  AddonSet,
  FleetCluster,
  FleetDelta,
  FleetSnapshot,
  IslandNode,
  ManagementClusterNode,
  TenantNode,
} from './model';

/**
 * A fleet held as maps by id, one per node kind: what {@link applyFleetDeltaTo} changes.
 *
 * @public
 */
export interface FleetMaps {
  /** Management clusters by id. */
  managementClusters: Map<string, ManagementClusterNode>;
  /** Islands by id. */
  islands: Map<string, IslandNode>;
  /** Tenants by id. */
  tenants: Map<string, TenantNode>;
  /** Addon sets by id. */
  addonSets: Map<string, AddonSet>;
}

const byRole = (maps: FleetMaps): Array<Map<string, FleetCluster>> => [
  maps.managementClusters,
  maps.islands,
  maps.tenants,
];

/**
 * Applies one delta to a fleet held as maps, in place: removals first, then upserts (a node
 * that changes role leaves its previous kind's map). The one place a delta is applied: the
 * backend's mirror of the model, {@link applyFleetDelta} and so the frontend use it.
 *
 * @public
 */
export function applyFleetDeltaTo(maps: FleetMaps, delta: FleetDelta): void {
  const clusters = byRole(maps);
  for (const id of delta.removed) {
    for (const m of clusters) m.delete(id);
  }
  for (const node of delta.upserted) {
    for (const m of clusters) m.delete(node.id);
    const target = {
      management: maps.managementClusters,
      island: maps.islands,
      tenant: maps.tenants,
    }[node.role] as Map<string, FleetCluster>;
    target.set(node.id, node);
  }
  for (const id of delta.removedAddonSets) maps.addonSets.delete(id);
  for (const a of delta.upsertedAddonSets) maps.addonSets.set(a.id, a);
}

/**
 * The snapshot's nodes as {@link FleetMaps} (new maps, shared nodes).
 *
 * @public
 */
export function fleetMapsOf(snapshot: FleetSnapshot): FleetMaps {
  const mapOf = <T extends { id: string }>(list: T[]) =>
    new Map(list.map(n => [n.id, n]));
  return {
    managementClusters: mapOf(snapshot.managementClusters),
    islands: mapOf(snapshot.islands),
    tenants: mapOf(snapshot.tenants),
    addonSets: mapOf(snapshot.addonSets),
  };
}

const byId = (x: { id: string }, y: { id: string }) => {
  if (x.id === y.id) return 0;
  return x.id < y.id ? -1 : 1;
};
const sorted = <T extends { id: string }>(m: Map<string, T>): T[] =>
  [...m.values()].sort(byId);

/**
 * Applies one live-update delta to a snapshot and returns the new snapshot (the input is not
 * modified; unchanged nodes are shared). A delta from an earlier version than the snapshot's
 * (a backend replica replays from the nearest version it had) is a superset of the changes and
 * applies as well; one the snapshot already includes (`version` not above the snapshot's)
 * leaves it as it is. Throws when the delta starts after the snapshot
 * (`delta.fromVersion > snapshot.version`): the caller must then fetch a fresh snapshot.
 * Node order: by id, as the backend serves them.
 *
 * @public
 */
export function applyFleetDelta(
  snapshot: FleetSnapshot,
  delta: FleetDelta,
): FleetSnapshot {
  if (delta.fromVersion > snapshot.version) {
    throw new Error(
      `fleet delta ${delta.fromVersion}→${delta.version} does not follow snapshot version ${snapshot.version}`,
    );
  }
  if (delta.version <= snapshot.version) return snapshot;
  const maps = fleetMapsOf(snapshot);
  applyFleetDeltaTo(maps, delta);
  return {
    version: delta.version,
    generatedAt: delta.generatedAt,
    managementClusters: sorted(maps.managementClusters),
    islands: sorted(maps.islands),
    tenants: sorted(maps.tenants),
    addonSets: sorted(maps.addonSets),
  };
}
