import type {
  AddonSet,
  FleetCluster,
  FleetDelta,
  FleetSnapshot,
  IslandNode,
  ManagementClusterNode,
  TenantNode,
} from '@kamaji-backstage/plugin-kamaji-common';

export interface FleetNodes {
  managementClusters: ManagementClusterNode[];
  islands: IslandNode[];
  tenants: TenantNode[];
  addonSets: AddonSet[];
}

function compareIds(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

interface Entry<T> {
  node: T;
  json: string;
}

/**
 * The versioned fleet model. Each update compares every node's JSON with the previous version's;
 * if anything changed, the version increases by one and a {@link FleetDelta} lists the nodes
 * upserted and removed. Nodes that did not change keep their previous object (snapshots share
 * them: treat every snapshot as immutable). The serialised snapshot is cached per version and
 * assembled from the per-node JSON, so it costs one serialisation of the changed nodes.
 */
export class FleetModel {
  private version = 0;
  private generatedAt = new Date(0).toISOString();
  private clusters = new Map<string, Entry<FleetCluster>>();
  private addonSets = new Map<string, Entry<AddonSet>>();
  private snapshot: FleetSnapshot;
  private json?: { version: number; json: string };
  private byId = new Map<string, FleetCluster>();

  constructor() {
    this.snapshot = this.assemble();
  }

  get currentVersion(): number {
    return this.version;
  }

  getSnapshot(): FleetSnapshot {
    return this.snapshot;
  }

  getCluster(id: string): FleetCluster | undefined {
    return this.byId.get(id);
  }

  /** The snapshot as JSON, serialised once per version. */
  getSnapshotJson(): { version: number; json: string } {
    if (!this.json || this.json.version !== this.version) {
      const list = (role: FleetCluster['role']) =>
        this.sortedEntries(this.clusters)
          .filter(e => e.node.role === role)
          .map(e => e.json)
          .join(',');
      const json =
        `{"version":${this.version},"generatedAt":${JSON.stringify(
          this.generatedAt,
        )}` +
        `,"managementClusters":[${list('management')}]` +
        `,"islands":[${list('island')}]` +
        `,"tenants":[${list('tenant')}]` +
        `,"addonSets":[${this.sortedEntries(this.addonSets)
          .map(e => e.json)
          .join(',')}]}`;
      this.json = { version: this.version, json };
    }
    return this.json;
  }

  /**
   * Replaces the model with these nodes. Returns the delta when something changed (the version
   * then increased by one), else undefined.
   */
  update(nodes: FleetNodes, now = new Date()): FleetDelta | undefined {
    const upserted: FleetCluster[] = [];
    const removed: string[] = [];
    const upsertedAddonSets: AddonSet[] = [];
    const removedAddonSets: string[] = [];

    const nextClusters = new Map<string, Entry<FleetCluster>>();
    for (const node of [
      ...nodes.managementClusters,
      ...nodes.islands,
      ...nodes.tenants,
    ] as FleetCluster[]) {
      const json = JSON.stringify(node);
      const prev = this.clusters.get(node.id);
      if (prev && prev.json === json) {
        nextClusters.set(node.id, prev);
      } else {
        nextClusters.set(node.id, { node, json });
        upserted.push(node);
      }
    }
    for (const id of this.clusters.keys())
      if (!nextClusters.has(id)) removed.push(id);

    const nextAddons = new Map<string, Entry<AddonSet>>();
    for (const set of nodes.addonSets) {
      const json = JSON.stringify(set);
      const prev = this.addonSets.get(set.id);
      if (prev && prev.json === json) {
        nextAddons.set(set.id, prev);
      } else {
        nextAddons.set(set.id, { node: set, json });
        upsertedAddonSets.push(set);
      }
    }
    for (const id of this.addonSets.keys())
      if (!nextAddons.has(id)) removedAddonSets.push(id);

    if (
      !upserted.length &&
      !removed.length &&
      !upsertedAddonSets.length &&
      !removedAddonSets.length
    ) {
      return undefined;
    }
    const fromVersion = this.version;
    this.version++;
    this.generatedAt = now.toISOString();
    this.clusters = nextClusters;
    this.addonSets = nextAddons;
    this.snapshot = this.assemble();
    return {
      fromVersion,
      version: this.version,
      generatedAt: this.generatedAt,
      upserted,
      removed: removed.sort(),
      upsertedAddonSets,
      removedAddonSets: removedAddonSets.sort(),
    };
  }

  private sortedEntries<T>(m: Map<string, Entry<T>>): Entry<T>[] {
    return [...m.entries()]
      .sort(([a], [b]) => compareIds(a, b))
      .map(([, e]) => e);
  }

  private assemble(): FleetSnapshot {
    const managementClusters: ManagementClusterNode[] = [];
    const islands: IslandNode[] = [];
    const tenants: TenantNode[] = [];
    this.byId = new Map();
    for (const { node } of this.sortedEntries(this.clusters)) {
      this.byId.set(node.id, node);
      if (node.role === 'management') managementClusters.push(node);
      else if (node.role === 'island') islands.push(node);
      else tenants.push(node);
    }
    return {
      version: this.version,
      generatedAt: this.generatedAt,
      managementClusters,
      islands,
      tenants,
      addonSets: this.sortedEntries(this.addonSets).map(e => e.node),
    };
  }
}
