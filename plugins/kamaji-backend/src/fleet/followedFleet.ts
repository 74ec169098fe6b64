import {
  clusterId,
  ConnectionState,
  Staleness,
} from '@kamaji-backstage/plugin-kamaji-common';
import type {
  FleetStateStore,
  SavedConnection,
} from '../durable/FleetStateStore';
import type { ManagementClusterConfig } from './config';
import { findIslands } from './islands';
import type { IslandView, ManagementView, SourceView } from './modelBuilder';
import type { SlimCluster, SlimKcp } from './objects';
import { LastKnownState, staleSince } from './seededSource';

const EMPTY: ReadonlyMap<string, any> = new Map();
const NEVER = new Date(0).toISOString();

/**
 * One cluster as the database holds it: the connection its holder saved (not marked
 * disconnected because this replica does not watch it) and its objects per kind.
 */
class FollowedSource implements SourceView {
  connection: ConnectionState = { status: 'disconnected', since: NEVER };
  staleness: Staleness = { stale: true };
  saved?: SavedConnection;
  readonly kinds = new Map<string, Map<string, unknown>>();
  readonly revisions = new Map<string, number>();

  setConnection(c: SavedConnection) {
    this.saved = c;
    this.connection = { status: c.status, since: c.since };
    if (c.lastSyncAt) this.connection.lastSyncAt = c.lastSyncAt;
    if (c.lastError && c.status !== 'connected')
      this.connection.lastError = c.lastError;
    this.staleness =
      c.status === 'disconnected'
        ? staleSince(c.lastSeenAt, c.kinds.length > 0)
        : { stale: false };
  }

  setObject(kind: string, key: string, data: unknown, version: number) {
    let items = this.kinds.get(kind);
    if (!items) {
      items = new Map();
      this.kinds.set(kind, items);
    }
    if (data === undefined) items.delete(key);
    else items.set(key, data);
    this.revisions.set(kind, version);
  }

  readable(kind: string): boolean {
    return !!this.saved?.kinds.includes(kind);
  }

  unreadableReason(): string | undefined {
    return undefined;
  }

  items<T>(kind: string): ReadonlyMap<string, T> {
    return (this.kinds.get(kind) as ReadonlyMap<string, T>) ?? EMPTY;
  }

  revision(kind: string): number {
    return this.revisions.get(kind) ?? 0;
  }

  lastKnown(): LastKnownState | undefined {
    if (!this.saved) return undefined;
    const { source, kinds, ...connection } = this.saved;
    return {
      ...connection,
      kinds: new Map(kinds.map(k => [k, this.items(k)])),
    };
  }
}

/**
 * The fleet as the database holds it, followed version by version (replica mode): every replica
 * reads the same rows in the same order, so its views at version V are the same on each.
 */
export class FollowedFleet {
  private version = -1;
  private epochValue?: string;
  private sources = new Map<string, FollowedSource>();

  constructor(private readonly store: Pick<FleetStateStore, 'changesSince'>) {}

  /** The database version the views show (-1 before the first read). */
  get currentVersion(): number {
    return this.version;
  }

  /** Identifies the database's version counter. */
  get epoch(): string | undefined {
    return this.epochValue;
  }

  /** Reads what changed since the last read; returns whether the version moved. */
  async poll(): Promise<boolean> {
    const changes = await this.store.changesSince(this.version);
    if (changes.version === this.version && !changes.full) return false;
    if (changes.full) this.sources = new Map();
    const at = changes.version;
    for (const { source, connection } of changes.sources) {
      if (!connection) this.sources.delete(source);
      else this.sourceOf(source).setConnection(connection);
    }
    for (const o of changes.objects) {
      const source =
        o.data === undefined
          ? this.sources.get(o.source)
          : this.sourceOf(o.source);
      source?.setObject(o.kind, o.key, o.data, at);
    }
    this.version = at;
    this.epochValue = changes.epoch;
    return true;
  }

  /** The saved state of a cluster, to seed its watches when this replica takes it over. */
  lastKnown(id: string): LastKnownState | undefined {
    return this.sources.get(id)?.lastKnown();
  }

  /** The management clusters and their islands, as the database holds them. */
  views(configs: ManagementClusterConfig[]): ManagementView[] {
    return configs.map(mc => {
      const source = this.sources.get(mc.name) ?? new FollowedSource();
      const { islands, bySecret } = source.readable('Cluster')
        ? findIslands(
            source.items<SlimCluster>('Cluster') as Map<string, SlimCluster>,
            source.items<SlimKcp>('KamajiControlPlane').values(),
            new Map(),
          )
        : { islands: new Map(), bySecret: new Map() };
      const views = new Map<string, IslandView>();
      for (const [key, ref] of islands) {
        const saved = this.sources.get(
          clusterId({ managementCluster: mc.name, ...ref }),
        );
        views.set(
          key,
          saved?.saved
            ? {
                ref,
                source: saved,
                connection: saved.connection,
                staleness: saved.staleness,
              }
            : {
                ref,
                connection: {
                  status: 'disconnected',
                  since: source.connection.since,
                  lastError: 'not saved by the replica holding it yet',
                },
                staleness: { stale: true },
              },
        );
      }
      return {
        name: mc.name,
        title: mc.title,
        owner: mc.owner,
        source,
        islands: views,
        islandsBySecret: bySecret,
      };
    });
  }

  private sourceOf(id: string): FollowedSource {
    let s = this.sources.get(id);
    if (!s) {
      s = new FollowedSource();
      this.sources.set(id, s);
    }
    return s;
  }
}
