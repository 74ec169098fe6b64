import type { LoggerService } from '@backstage/backend-plugin-api';
import type { ClusterSource } from '../fleet/clusterSource';
import { contentDigest } from '../fleet/contentDigest';
import { describeError } from '@kamaji-backstage/plugin-kamaji-node';
import type {
  FleetStateStore,
  ObjectRow,
  SavedConnection,
  SavedSource,
  StateBatch,
  UplinkTransition,
} from './FleetStateStore';

/** Kinds never written: kubeconfig Secrets carry credentials. */
const NEVER_SAVED = new Set(['Secret']);

/** What the persister reads of one watched cluster. */
export type PersistableSource = Pick<
  ClusterSource,
  'synced' | 'connection' | 'lastSeen' | 'revision' | 'items'
>;

/** What the persister reads from the fleet service. */
export interface PersistedFleet {
  /** The clusters whose watches this process holds, by cluster id. */
  watched(): Array<{ id: string; source: PersistableSource }>;
  /** Whether a saved cluster no longer exists (its management cluster listed it away). */
  isGone(id: string): boolean;
  /** Transitions observed since the last call, oldest first. */
  drainTransitions(): UplinkTransition[];
}

interface KindMemo {
  revision: number;
  /** key → the object last written (by reference) and the hash of its JSON. */
  objects: Map<string, { ref?: unknown; hash: string }>;
}

interface SourceMemo {
  connection?: string;
  lastSeenWrittenAt: number;
  kinds: Map<string, KindMemo>;
}

export interface PersisterStats {
  flushes: number;
  statements: number;
  objectRows: number;
  connectionRows: number;
  transitions: number;
}

/**
 * Writes the fleet's last-known state behind, in batches: every `writeIntervalMs` one
 * transaction with the objects that changed since the last batch (compared by reference, then
 * by content, so a relist of unchanged objects writes nothing), the deleted ones, the changed
 * connection states, and a refreshed "last seen" of connected clusters every
 * `lastSeenIntervalMs`. Uplink transitions are recorded first, in order.
 */
export class FleetStatePersister {
  readonly stats: PersisterStats = {
    flushes: 0,
    statements: 0,
    objectRows: 0,
    connectionRows: 0,
    transitions: 0,
  };
  private readonly memo = new Map<string, SourceMemo>();
  private readonly saved = new Set<string>();
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly store: FleetStateStore,
    private readonly fleet: PersistedFleet,
    private readonly options: {
      writeIntervalMs: number;
      lastSeenIntervalMs: number;
    },
    private readonly logger: LoggerService,
  ) {}

  /** Remembers what the database holds, so unchanged objects are not written again. */
  remember(saved: ReadonlyMap<string, SavedSource>): void {
    for (const [id, source] of saved) {
      this.saved.add(id);
      const memo: SourceMemo = { lastSeenWrittenAt: 0, kinds: new Map() };
      for (const [kind, items] of source.kinds) {
        const objects = new Map<string, { hash: string }>();
        for (const [key, obj] of items)
          objects.set(key, { hash: contentDigest(JSON.stringify(obj)) });
        memo.kinds.set(kind, { revision: Number.NaN, objects });
      }
      this.memo.set(id, memo);
    }
  }

  /**
   * Forgets what was written for clusters no longer watched here (replica mode: another replica
   * holds them now and writes them), so that watching one again writes it in full.
   */
  forgetWritten(watchedHere: (id: string) => boolean): void {
    for (const id of this.memo.keys()) {
      if (!watchedHere(id)) this.memo.delete(id);
    }
  }

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  /** Stops the timer and writes what is pending (the last-seen time of connected clusters too). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.flushing;
    await this.flush(true);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.flushing = this.flush(false).finally(() => {
        this.flushing = undefined;
        this.schedule();
      });
    }, this.options.writeIntervalMs);
    this.timer.unref?.();
  }

  /** Writes one batch now. */
  async flush(final = false): Promise<void> {
    try {
      for (const t of this.fleet.drainTransitions()) {
        if (await this.store.recordTransition(t)) this.stats.transitions++;
      }
      const batch = this.collect(final);
      if (
        !batch.objects.length &&
        !batch.connections.length &&
        !batch.forget.length
      )
        return;
      this.stats.statements += await this.store.write(batch);
      this.stats.flushes++;
      this.stats.objectRows += batch.objects.length;
      this.stats.connectionRows += batch.connections.length;
    } catch (e) {
      // The memo was updated optimistically: forget it, so the next batch writes everything again.
      this.memo.clear();
      this.logger.warn(`saving the fleet state failed: ${describeError(e)}`);
    }
  }

  private collect(final: boolean): StateBatch {
    const now = Date.now();
    const batch: StateBatch = {
      connections: [],
      objects: [],
      forget: [],
      seenAt: new Date(now),
    };
    const current = new Set<string>();
    for (const { id, source } of this.fleet.watched()) {
      current.add(id);
      // Not listed since start: the database holds a better last-known state than this process.
      if (!source.synced) continue;
      let memo = this.memo.get(id);
      if (!memo) {
        memo = { lastSeenWrittenAt: 0, kinds: new Map() };
        this.memo.set(id, memo);
      }
      const { kinds, lastSeenAt } = source.lastSeen();
      const saveable = kinds.filter(k => !NEVER_SAVED.has(k));
      for (const kind of saveable) {
        this.collectKind(id, kind, source, memo, batch.objects);
      }
      const c = source.connection;
      const connection: SavedConnection = {
        source: id,
        status: c.status,
        since: c.since,
        lastSeenAt: lastSeenAt.toISOString(),
        lastSyncAt: c.lastSyncAt,
        lastError: c.lastError,
        kinds: saveable,
      };
      const key = JSON.stringify({ ...connection, lastSeenAt: undefined });
      const connected = c.status !== 'disconnected';
      if (
        key !== memo.connection ||
        (connected &&
          (final ||
            now - memo.lastSeenWrittenAt >= this.options.lastSeenIntervalMs))
      ) {
        // Connected at the last word: it was seen now.
        if (connected && final)
          connection.lastSeenAt = batch.seenAt.toISOString();
        batch.connections.push(connection);
        memo.connection = key;
        memo.lastSeenWrittenAt = now;
        this.saved.add(id);
      }
    }
    for (const id of this.saved) {
      if (!current.has(id) && this.fleet.isGone(id)) {
        batch.forget.push(id);
        this.saved.delete(id);
        this.memo.delete(id);
      }
    }
    return batch;
  }

  private collectKind(
    id: string,
    kind: string,
    source: PersistableSource,
    memo: SourceMemo,
    out: ObjectRow[],
  ): void {
    const revision = source.revision(kind);
    let k = memo.kinds.get(kind);
    if (k?.revision === revision) return;
    if (!k) {
      k = { revision, objects: new Map() };
      memo.kinds.set(kind, k);
    }
    k.revision = revision;
    const items = source.items<unknown>(kind);
    for (const [key, obj] of items) {
      const m = k.objects.get(key);
      if (m?.ref === obj) continue;
      const data = JSON.stringify(obj);
      const hash = contentDigest(data);
      if (m?.hash !== hash) out.push({ source: id, kind, key, data });
      k.objects.set(key, { ref: obj, hash });
    }
    for (const key of k.objects.keys()) {
      if (!items.has(key)) {
        out.push({ source: id, kind, key });
        k.objects.delete(key);
      }
    }
  }
}
