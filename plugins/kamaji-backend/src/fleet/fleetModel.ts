import { compactTenant } from '@kamaji-backstage/plugin-kamaji-common';
import { contentDigest } from './contentDigest';
import type {
  AddonSet,
  FleetCluster,
  FleetDelta,
  FleetSnapshot,
  IslandNode,
  ManagementClusterNode,
  TenantNode,
} from '@kamaji-backstage/plugin-kamaji-common';

/** One build of the model: every list sorted by id (as buildFleet returns them). */
export interface FleetNodes {
  managementClusters: ManagementClusterNode[];
  islands: IslandNode[];
  tenants: TenantNode[];
  addonSets: AddonSet[];
}

interface Entry<T> {
  /** The published node (kept while its JSON does not change). */
  node: T;
  /**
   * Digest of the node as the whole-fleet snapshot sends it (tenants in their compact form):
   * equal digests, equal nodes. The JSON itself is not kept (at 10,000 tenants it is 10 MB);
   * a version's snapshot serialises its nodes again, once, when it is first read.
   */
  digest: string;
  /**
   * The equal object the last build produced, where no {@link KeptNode} hook hands the published
   * one back to the builder (addon sets come from a cache that keeps its own): the same object
   * again still means "unchanged" without serialising it.
   */
  built?: T;
}

/**
 * Told when a freshly built node serialises as the published one, which is kept: the builder can
 * then remember the published object instead of its own, so that only one of the two stays in
 * memory and the next build hands back the published one ("unchanged" at a glance).
 */
export type KeptNode = (id: string, published: unknown) => void;

/**
 * The entries of freshly built nodes: a node built as the same object, or serialising to the
 * same JSON, keeps its previous entry (and published object); the others are pushed to `changed`.
 * Each entry is also put in `index.next`, the index of the model being made.
 */
function merge<T extends { id: string }>(
  list: T[],
  index: {
    previous: Map<string, Entry<any>>;
    next: Map<string, Entry<any>>;
  },
  changed: unknown[],
  serialise: (node: T) => string,
  kept?: KeptNode,
): Entry<T>[] {
  return list.map(node => {
    const prev = index.previous.get(node.id) as Entry<T> | undefined;
    let entry: Entry<T>;
    if (prev && (prev.node === node || prev.built === node)) {
      entry = prev;
    } else {
      // The compact form leaves out only what it can restore, so equal JSON is an equal node.
      const digest = contentDigest(serialise(node));
      if (prev && prev.digest === digest) {
        if (kept) {
          kept(node.id, prev.node);
          entry = prev;
        } else {
          entry = { node: prev.node, digest, built: node };
        }
      } else {
        entry = { node, digest };
        changed.push(node);
      }
    }
    index.next.set(node.id, entry);
    return entry;
  });
}

type Lists = {
  managementClusters: Entry<ManagementClusterNode>[];
  islands: Entry<IslandNode>[];
  tenants: Entry<TenantNode>[];
  addonSets: Entry<AddonSet>[];
};

/** The snapshot's lists, in the order they are serialised, and how each node is serialised. */
const SERIALISERS: { [key in keyof Lists]: (node: any) => string } = {
  managementClusters: JSON.stringify,
  islands: JSON.stringify,
  tenants: (tenant: TenantNode) => JSON.stringify(compactTenant(tenant)),
  addonSets: JSON.stringify,
};
const LIST_KEYS = Object.keys(SERIALISERS) as Array<keyof Lists>;

/**
 * The versioned fleet model. Each update compares every node with the previous version's (by
 * identity first: buildFleet hands back the same object for an unchanged tenant; else by JSON);
 * if anything changed, the version increases by one and a {@link FleetDelta} lists the nodes
 * upserted and removed. Unchanged nodes keep their previous object, so snapshots share them:
 * treat every snapshot as immutable. The serialised snapshot is made node by node as it is read.
 */
export class FleetModel {
  private version = 0;
  private generatedAt = new Date(0).toISOString();
  private lists: Lists = {
    managementClusters: [],
    islands: [],
    tenants: [],
    addonSets: [],
  };
  private clusterIndex = new Map<string, Entry<FleetCluster>>();
  private addonIndex = new Map<string, Entry<AddonSet>>();
  private snapshot: FleetSnapshot;

  constructor(private readonly kept?: KeptNode) {
    this.snapshot = this.assemble();
  }

  get currentVersion(): number {
    return this.version;
  }

  getSnapshot(): FleetSnapshot {
    return this.snapshot;
  }

  getCluster(id: string): FleetCluster | undefined {
    return this.clusterIndex.get(id)?.node;
  }

  /**
   * The snapshot as `GET /v1/fleet/snapshot` sends it, as one string: {@link getSnapshotJsonChunks}
   * joined.
   */
  getSnapshotJson(): { version: number; json: string } {
    const { version, chunks } = this.getSnapshotJsonChunks();
    return { version, json: [...chunks].join('') };
  }

  /**
   * The snapshot as `GET /v1/fleet/snapshot` sends it (tenants in their compact form), in pieces
   * (each node's JSON and the commas and brackets between),
   * produced as they are read, so that a consumer (the API's gzip) never holds the whole
   * serialised snapshot. The pieces are those of this version even if the model moves on.
   */
  getSnapshotJsonChunks(): { version: number; chunks: Iterable<string> } {
    const { version, generatedAt, lists } = this;
    function* chunks(): Generator<string> {
      yield `{"version":${version},"generatedAt":${JSON.stringify(
        generatedAt,
      )}`;
      for (const key of LIST_KEYS) {
        yield `,"${key}":[`;
        const entries: Entry<unknown>[] = lists[key];
        const serialise = SERIALISERS[key];
        for (let i = 0; i < entries.length; i++) {
          const json = serialise(entries[i].node);
          yield i ? `,${json}` : json;
        }
        yield ']';
      }
      yield '}';
    }
    return { version, chunks: chunks() };
  }

  /**
   * Replaces the model with these nodes. Returns the delta when something changed (the version
   * then increased by one), else undefined. Replica mode gives `version`, the database's: the
   * model then takes it, with a delta (possibly empty) whenever it moves.
   */
  update(
    nodes: FleetNodes,
    now = new Date(),
    version?: number,
  ): FleetDelta | undefined {
    const { lists, clusterIndex, addonIndex, upserted, upsertedAddonSets } =
      this.mergeNodes(nodes);
    const removed = removedFrom(this.clusterIndex, clusterIndex);
    const removedAddonSets = removedFrom(this.addonIndex, addonIndex);

    // Remember the entries even when nothing is published.
    this.clusterIndex = clusterIndex;
    this.addonIndex = addonIndex;
    const orderChanged = !sameOrder(this.lists, lists);
    this.lists = lists;
    if (
      !upserted.length &&
      !removed.length &&
      !upsertedAddonSets.length &&
      !removedAddonSets.length &&
      !orderChanged &&
      // Replica mode: the version follows the database's even when no node changed, so that
      // every replica names the same model by the same number.
      !(version !== undefined && version > this.version)
    ) {
      return undefined;
    }
    const fromVersion = this.version;
    this.version = Math.max(version ?? this.version + 1, this.version + 1);
    this.generatedAt = now.toISOString();
    this.snapshot = this.assemble();
    return {
      fromVersion,
      version: this.version,
      generatedAt: this.generatedAt,
      upserted,
      removed,
      upsertedAddonSets,
      removedAddonSets,
    };
  }

  /** The new nodes merged with the held entries: the lists, their indexes, what changed. */
  private mergeNodes(nodes: FleetNodes) {
    const upserted: FleetCluster[] = [];
    const upsertedAddonSets: AddonSet[] = [];
    const clusterIndex = new Map<string, Entry<FleetCluster>>();
    const addonIndex = new Map<string, Entry<AddonSet>>();
    const clusters = { previous: this.clusterIndex, next: clusterIndex };
    const addonSets = { previous: this.addonIndex, next: addonIndex };
    const lists: Lists = {
      managementClusters: merge(
        nodes.managementClusters,
        clusters,
        upserted,
        SERIALISERS.managementClusters,
      ),
      islands: merge(nodes.islands, clusters, upserted, SERIALISERS.islands),
      tenants: merge(
        nodes.tenants,
        clusters,
        upserted,
        SERIALISERS.tenants,
        this.kept,
      ),
      addonSets: merge(
        nodes.addonSets,
        addonSets,
        upsertedAddonSets,
        SERIALISERS.addonSets,
      ),
    };
    return { lists, clusterIndex, addonIndex, upserted, upsertedAddonSets };
  }

  private assemble(): FleetSnapshot {
    return {
      version: this.version,
      generatedAt: this.generatedAt,
      managementClusters: this.lists.managementClusters.map(e => e.node),
      islands: this.lists.islands.map(e => e.node),
      tenants: this.lists.tenants.map(e => e.node),
      addonSets: this.lists.addonSets.map(e => e.node),
    };
  }
}

/** The ids `previous` held that `next` does not, sorted. */
function removedFrom(
  previous: Map<string, unknown>,
  next: Map<string, unknown>,
): string[] {
  return [...previous.keys()].filter(id => !next.has(id)).sort();
}

/** Same ids in the same order (a node moving between roles, say). */
function sameOrder(a: Lists, b: Lists): boolean {
  return (Object.keys(a) as Array<keyof Lists>).every(
    k =>
      a[k].length === b[k].length &&
      a[k].every((e, i) => e.node === b[k][i].node),
  );
}
