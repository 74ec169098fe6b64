import {
  AddonSet,
  AddonSetId,
  ClusterId,
  FleetCluster,
  FleetDelta,
  FleetSnapshot,
  IslandNode,
  ManagementClusterNode,
  TenantNode,
} from '@kamaji-backstage/plugin-kamaji-common';
import { FleetSource } from './visibility';

/**
 * The plugin's own copy of the live model's index, moved forward delta by delta, so that
 * live-update streams filter every delta against the model *at that delta's version* whatever
 * the fleet service's current version is. Holds references to the model's nodes, not copies.
 */
export class FleetMirror implements FleetSource {
  private readonly mgmt = new Map<ClusterId, ManagementClusterNode>();
  private readonly islandMap = new Map<ClusterId, IslandNode>();
  private readonly tenantMap = new Map<ClusterId, TenantNode>();
  private readonly addonSetMap = new Map<AddonSetId, AddonSet>();
  version = 0;
  generatedAt = new Date(0).toISOString();

  static fromSnapshot(snapshot: FleetSnapshot): FleetMirror {
    return new FleetMirror().reset(snapshot);
  }

  reset(snapshot: FleetSnapshot): this {
    this.mgmt.clear();
    this.islandMap.clear();
    this.tenantMap.clear();
    this.addonSetMap.clear();
    for (const m of snapshot.managementClusters) this.mgmt.set(m.id, m);
    for (const i of snapshot.islands) this.islandMap.set(i.id, i);
    for (const t of snapshot.tenants) this.tenantMap.set(t.id, t);
    for (const a of snapshot.addonSets) this.addonSetMap.set(a.id, a);
    this.version = snapshot.version;
    this.generatedAt = snapshot.generatedAt;
    return this;
  }

  /** Applies a delta that follows the mirror's version. */
  apply(delta: FleetDelta): void {
    for (const id of delta.removed) this.removeCluster(id);
    for (const c of delta.upserted) {
      this.removeCluster(c.id);
      if (c.role === 'management') this.mgmt.set(c.id, c);
      else if (c.role === 'island') this.islandMap.set(c.id, c);
      else this.tenantMap.set(c.id, c);
    }
    for (const id of delta.removedAddonSets) this.addonSetMap.delete(id);
    for (const a of delta.upsertedAddonSets) this.addonSetMap.set(a.id, a);
    this.version = delta.version;
    this.generatedAt = delta.generatedAt;
  }

  private removeCluster(id: ClusterId) {
    this.mgmt.delete(id);
    this.islandMap.delete(id);
    this.tenantMap.delete(id);
  }

  get(id: ClusterId): FleetCluster | undefined {
    return (
      this.tenantMap.get(id) ?? this.islandMap.get(id) ?? this.mgmt.get(id)
    );
  }
  managementClusters() {
    return this.mgmt.values();
  }
  islands() {
    return this.islandMap.values();
  }
  tenants() {
    return this.tenantMap.values();
  }
  addonSets() {
    return this.addonSetMap.values();
  }
  getAddonSet(id: AddonSetId) {
    return this.addonSetMap.get(id);
  }
}
