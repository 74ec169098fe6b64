/*
 * TEST HELPER. A FleetService over a fixed snapshot: tests push deltas through it (as the
 * watchers would) and hand it the management cluster credentials of a local control plane.
 */
import {
  applyFleetDelta,
  ClusterId,
  compactFleetResponse,
  FleetCluster,
  FleetDelta,
  FleetSnapshot,
} from '@kamaji-backstage/plugin-kamaji-common';
import {
  ClusterAccess,
  FleetService,
  fleetServiceRef,
} from '@kamaji-backstage/plugin-kamaji-node';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { KubeConfig } from '@kubernetes/client-node';

export class InMemoryFleetService implements FleetService {
  private snapshot: FleetSnapshot;
  private byId = new Map<ClusterId, FleetCluster>();
  private readonly listeners = new Set<(d: FleetDelta) => void>();
  private readonly managementAccess = new Map<string, KubeConfig>();
  /** Set to play a replica: versions are fleet-wide under this epoch. */
  epoch?: string;

  constructor(snapshot: FleetSnapshot) {
    this.snapshot = snapshot;
    this.index();
  }

  /** A service factory installing this instance as the fleet service of a test backend. */
  factory() {
    return createServiceFactory({
      service: fleetServiceRef,
      deps: {},
      factory: () => this,
    });
  }

  get listenerCount() {
    return this.listeners.size;
  }

  setManagementClusterAccess(name: string, kubeConfig: KubeConfig) {
    this.managementAccess.set(name, kubeConfig);
  }

  private index() {
    this.byId = new Map();
    for (const list of [
      this.snapshot.managementClusters,
      this.snapshot.islands,
      this.snapshot.tenants,
    ] as FleetCluster[][]) {
      for (const c of list) this.byId.set(c.id, c);
    }
  }

  getSnapshot(): FleetSnapshot {
    return this.snapshot;
  }

  /** How often the serialised snapshot was asked for. */
  snapshotJsonCalls = 0;

  getSnapshotJson(): { version: number; json: string } {
    this.snapshotJsonCalls++;
    return {
      version: this.snapshot.version,
      json: JSON.stringify(compactFleetResponse(this.snapshot)),
    };
  }

  getSnapshotJsonChunks(): { version: number; chunks: Iterable<string> } {
    const { version, json } = this.getSnapshotJson();
    return { version, chunks: [json] };
  }

  getCluster(id: ClusterId): FleetCluster | undefined {
    return this.byId.get(id);
  }

  subscribe(listener: (delta: FleetDelta) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async ready(): Promise<void> {}

  async getClusterAccess(): Promise<ClusterAccess | undefined> {
    return undefined;
  }

  getManagementClusterAccess(name: string): ClusterAccess | undefined {
    const kubeConfig = this.managementAccess.get(name);
    if (!kubeConfig) return undefined;
    return {
      clusterId: name,
      server: kubeConfig.getCurrentCluster()?.server ?? '',
      kubeConfig,
    };
  }

  /**
   * Applies a change (as the model would) and tells every subscriber. Returns the delta. A
   * replica's model may jump to `version` (the database's).
   */
  push(
    change: {
      upserted?: FleetCluster[];
      removed?: ClusterId[];
      upsertedAddonSets?: FleetSnapshot['addonSets'];
      removedAddonSets?: string[];
    },
    version = this.snapshot.version + 1,
  ): FleetDelta {
    const delta: FleetDelta = {
      fromVersion: this.snapshot.version,
      version,
      generatedAt: new Date().toISOString(),
      upserted: change.upserted ?? [],
      removed: change.removed ?? [],
      upsertedAddonSets: change.upsertedAddonSets ?? [],
      removedAddonSets: change.removedAddonSets ?? [],
    };
    this.snapshot = applyFleetDelta(this.snapshot, delta);
    this.index();
    for (const l of this.listeners) l(delta);
    return delta;
  }

  /** Replaces the model without telling anyone (a jump the subscribers must detect). */
  replace(snapshot: FleetSnapshot) {
    this.snapshot = snapshot;
    this.index();
  }
}
