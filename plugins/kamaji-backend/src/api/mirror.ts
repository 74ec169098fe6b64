import {
  AddonSetId,
  applyFleetDeltaTo,
  ClusterId,
  FleetCluster,
  FleetDelta,
  FleetMaps,
  fleetMapsOf,
  FleetSnapshot,
} from '@kamaji-backstage/plugin-kamaji-common';
import { FleetSource } from './visibility';

const EMPTY: FleetSnapshot = {
  version: 0,
  generatedAt: new Date(0).toISOString(),
  managementClusters: [],
  islands: [],
  tenants: [],
  addonSets: [],
};

/**
 * The plugin's own copy of the live model's index, moved forward delta by delta, so that
 * live-update streams filter every delta against the model *at that delta's version* whatever
 * the fleet service's current version is. Holds references to the model's nodes, not copies.
 */
export class FleetMirror implements FleetSource {
  private readonly maps: FleetMaps = fleetMapsOf(EMPTY);
  version = 0;
  generatedAt = new Date(0).toISOString();

  static fromSnapshot(snapshot: FleetSnapshot): FleetMirror {
    return new FleetMirror().reset(snapshot);
  }

  reset(snapshot: FleetSnapshot): this {
    Object.assign(this.maps, fleetMapsOf(snapshot));
    this.version = snapshot.version;
    this.generatedAt = snapshot.generatedAt;
    return this;
  }

  /** Applies a delta that follows the mirror's version. */
  apply(delta: FleetDelta): void {
    applyFleetDeltaTo(this.maps, delta);
    this.version = delta.version;
    this.generatedAt = delta.generatedAt;
  }

  /** How many nodes and addon sets the mirrored model has. */
  get size(): number {
    return (
      this.maps.managementClusters.size +
      this.maps.islands.size +
      this.maps.tenants.size +
      this.maps.addonSets.size
    );
  }

  get(id: ClusterId): FleetCluster | undefined {
    return (
      this.maps.tenants.get(id) ??
      this.maps.islands.get(id) ??
      this.maps.managementClusters.get(id)
    );
  }
  managementClusters() {
    return this.maps.managementClusters.values();
  }
  islands() {
    return this.maps.islands.values();
  }
  tenants() {
    return this.maps.tenants.values();
  }
  addonSets() {
    return this.maps.addonSets.values();
  }
  getAddonSet(id: AddonSetId) {
    return this.maps.addonSets.get(id);
  }
}
