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
 * Applies one live-update delta to a snapshot and returns the new snapshot (the input is not
 * modified; unchanged nodes are shared). Throws when the delta does not follow the snapshot
 * (`delta.fromVersion !== snapshot.version`): the caller must then fetch a fresh snapshot.
 * Node order: by id, as the backend serves them.
 *
 * @public
 */
export function applyFleetDelta(
  snapshot: FleetSnapshot,
  delta: FleetDelta,
): FleetSnapshot {
  if (delta.fromVersion !== snapshot.version) {
    throw new Error(
      `fleet delta ${delta.fromVersion}→${delta.version} does not follow snapshot version ${snapshot.version}`,
    );
  }
  const removed = new Set(delta.removed);
  const byRole: Record<FleetCluster['role'], Map<string, FleetCluster>> = {
    management: new Map(snapshot.managementClusters.map(n => [n.id, n])),
    island: new Map(snapshot.islands.map(n => [n.id, n])),
    tenant: new Map(snapshot.tenants.map(n => [n.id, n])),
  };
  for (const id of removed) {
    for (const m of Object.values(byRole)) m.delete(id);
  }
  for (const node of delta.upserted) {
    // A node may change role (e.g. a Cluster labelled as an island later): drop other roles' copy.
    for (const [role, m] of Object.entries(byRole)) {
      if (role !== node.role) m.delete(node.id);
    }
    byRole[node.role].set(node.id, node);
  }
  const addonSets = new Map(snapshot.addonSets.map(a => [a.id, a]));
  for (const id of delta.removedAddonSets) addonSets.delete(id);
  for (const a of delta.upsertedAddonSets) addonSets.set(a.id, a);

  const byId = (x: { id: string }, y: { id: string }) => {
    if (x.id === y.id) return 0;
    return x.id < y.id ? -1 : 1;
  };
  const sorted = <T extends { id: string }>(m: Map<string, T>): T[] =>
    [...m.values()].sort(byId);
  return {
    version: delta.version,
    generatedAt: delta.generatedAt,
    managementClusters: sorted(byRole.management) as ManagementClusterNode[],
    islands: sorted(byRole.island) as IslandNode[],
    tenants: sorted(byRole.tenant) as TenantNode[],
    addonSets: sorted(addonSets) as AddonSet[],
  };
}
