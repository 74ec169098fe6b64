import type { ConnectionStatus } from '@kamaji-backstage/plugin-kamaji-common';
import { Knex } from 'knex';
import { toIso } from '../database/AuditStore';

const SOURCES = 'kamaji_fleet_sources';
const OBJECTS = 'kamaji_fleet_objects';
const TRANSITIONS = 'kamaji_uplink_transitions';
const VERSION = 'kamaji_fleet_version';
/** Rows per statement: well under SQLite's bound-variable limit. */
const CHUNK = 100;

/** The connection state of one watched cluster, as saved. */
export interface SavedConnection {
  /** Cluster id: the management cluster's name or the island's id. */
  source: string;
  status: ConnectionStatus;
  since: string;
  lastSeenAt: string;
  lastSyncAt?: string;
  lastError?: string;
  /** The kinds that were listed (their items mean something, even when there are none). */
  kinds: string[];
}

/** What the backend last saw from one cluster: its connection and its objects per kind. */
export interface SavedSource extends Omit<SavedConnection, 'kinds'> {
  kinds: Map<string, Map<string, unknown>>;
}

export interface ObjectRow {
  source: string;
  kind: string;
  key: string;
  /** The slim object as JSON; undefined deletes the row. */
  data?: string;
}

/** One write-behind batch, applied in one transaction. */
export interface StateBatch {
  connections: SavedConnection[];
  objects: ObjectRow[];
  /** Sources whose rows are all deleted (the island is gone). */
  forget: string[];
  seenAt: Date;
}

export interface UplinkTransition {
  clusterId: string;
  /** ISO time the status began. */
  at: string;
  status: ConnectionStatus;
  reason?: string;
}

/**
 * What changed in the saved fleet state after a version, up to `version` (one consistent read).
 * `full`: the rows are the whole state (the caller had nothing, or fell behind pruned tombstones).
 */
export interface StateChanges {
  version: number;
  epoch: string;
  full: boolean;
  /** Saved connections; `connection` undefined: the cluster is gone (tombstone). */
  sources: Array<{ source: string; connection?: SavedConnection }>;
  /** Saved objects; `data` undefined: deleted (tombstone). */
  objects: Array<{ source: string; kind: string; key: string; data?: unknown }>;
}

const date = (iso: string | undefined) => (iso ? new Date(iso) : null);

function connectionOf(r: any): SavedConnection {
  return {
    source: r.source,
    status: r.status,
    since: toIso(r.since),
    lastSeenAt: toIso(r.last_seen_at),
    lastSyncAt: r.last_sync_at ? toIso(r.last_sync_at) : undefined,
    lastError: r.last_error ?? undefined,
    kinds: JSON.parse(r.kinds) as string[],
  };
}

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK)
    out.push(items.slice(i, i + CHUNK));
  return out;
}

/** What a batch stamps on every row it writes: its fleet-wide version and when it was seen. */
interface BatchStamp {
  seq: number;
  seenAt: Date;
}

/** The statements of nextVersion: the increment and the read. */
const VERSION_STATEMENTS = 2;

/** Increments the fleet-wide version (its row lock orders concurrent writers) and reads it. */
async function nextVersion(tx: Knex.Transaction): Promise<number> {
  await tx(VERSION).where({ id: 1 }).increment('version', 1);
  return Number((await tx(VERSION).where({ id: 1 }).first()).version);
}

/** Tombstones every object and the kinds of clusters no longer watched; returns the statements. */
async function forgetSources(
  tx: Knex.Transaction,
  sources: string[],
  { seq, seenAt }: BatchStamp,
): Promise<number> {
  let statements = 0;
  for (const part of chunks(sources)) {
    await tx(OBJECTS)
      .whereIn('source', part)
      .whereNotNull('data')
      .update({ data: null, seq, seen_at: seenAt });
    await tx(SOURCES).whereIn('source', part).update({ kinds: null, seq });
    statements += 2;
  }
  return statements;
}

/** Inserts `rows`, or merges them into the rows of the same `key`; returns the statements. */
async function upsert(
  tx: Knex.Transaction,
  table: string,
  rows: object[],
  key: string[],
): Promise<number> {
  const parts = chunks(rows);
  for (const part of parts) {
    await tx(table).insert(part).onConflict(key).merge();
  }
  return parts.length;
}

function saveConnections(
  tx: Knex.Transaction,
  connections: SavedConnection[],
  seq: number,
): Promise<number> {
  const rows = connections.map(c => ({
    source: c.source,
    status: c.status,
    since: new Date(c.since),
    last_seen_at: new Date(c.lastSeenAt),
    last_sync_at: date(c.lastSyncAt),
    last_error: c.lastError?.slice(0, 2000) ?? null,
    kinds: JSON.stringify(c.kinds),
    seq,
  }));
  return upsert(tx, SOURCES, rows, ['source']);
}

function saveObjects(
  tx: Knex.Transaction,
  objects: ObjectRow[],
  { seq, seenAt }: BatchStamp,
): Promise<number> {
  const rows = objects.map(o => ({
    source: o.source,
    kind: o.kind,
    object_key: o.key,
    data: o.data,
    seen_at: seenAt,
    seq,
  }));
  return upsert(tx, OBJECTS, rows, ['source', 'kind', 'object_key']);
}

/** Deleted objects leave tombstones, so followers and restarts see the deletion. */
async function tombstoneObjects(
  tx: Knex.Transaction,
  deletes: ObjectRow[],
  { seq, seenAt }: BatchStamp,
): Promise<number> {
  const parts = chunks(deletes);
  for (const part of parts) {
    await tx(OBJECTS)
      .where(q => {
        for (const d of part) {
          q.orWhere({ source: d.source, kind: d.kind, object_key: d.key });
        }
      })
      .update({ data: null, seq, seen_at: seenAt });
  }
  return parts.length;
}

/**
 * The fleet's durable state in the plugin's Backstage database: the last-known objects and
 * connection of every cluster (written behind, in batches) and the uplink history.
 */
export class FleetStateStore {
  /** Statements executed by write(), for the benchmark. */
  statements = 0;

  constructor(private readonly knex: Knex) {}

  /** Everything saved, per source (tombstones skipped). */
  async load(): Promise<Map<string, SavedSource>> {
    const out = new Map<string, SavedSource>();
    for (const r of await this.knex(SOURCES).whereNotNull('kinds')) {
      const { kinds, ...connection } = connectionOf(r);
      out.set(r.source, {
        ...connection,
        kinds: new Map(kinds.map(k => [k, new Map()])),
      });
    }
    const rows = await this.knex(OBJECTS)
      .whereNotNull('data')
      .select('source', 'kind', 'object_key', 'data');
    for (const r of rows) {
      const source = out.get(r.source);
      if (!source) continue;
      source.kinds.get(r.kind)?.set(r.object_key, JSON.parse(r.data));
    }
    return out;
  }

  /**
   * The rows written after version `after` (all live rows when `after` is below zero or below
   * the pruned tombstones), read in one snapshot so that they are exactly the state at the
   * returned version.
   */
  async changesSince(after: number): Promise<StateChanges> {
    const read = async (tx: Knex.Transaction): Promise<StateChanges> => {
      const v = await tx(VERSION).where({ id: 1 }).first();
      const version = Number(v.version);
      const full = after < 0 || after < Number(v.pruned_below);
      const scoped = (q: Knex.QueryBuilder, payload: string) =>
        full
          ? q.whereNotNull(payload)
          : q.where('seq', '>', after).andWhere('seq', '<=', version);
      const sources = await scoped(tx(SOURCES).select('*'), 'kinds');
      const objects = await scoped(
        tx(OBJECTS).select('source', 'kind', 'object_key', 'data'),
        'data',
      );
      return {
        version,
        epoch: v.epoch,
        full,
        sources: sources.map((r: any) => ({
          source: r.source,
          connection: r.kinds === null ? undefined : connectionOf(r),
        })),
        objects: objects.map((r: any) => ({
          source: r.source,
          kind: r.kind,
          key: r.object_key,
          data: r.data === null ? undefined : JSON.parse(r.data),
        })),
      };
    };
    // PostgreSQL: one snapshot for the counter and the rows. SQLite has one writer at a time.
    const pg = String(this.knex.client.config.client).startsWith('pg');
    return this.knex.transaction(read, {
      ...(pg ? { isolationLevel: 'repeatable read' as const } : {}),
      readOnly: pg,
    } as any);
  }

  /** The current fleet-wide version and the epoch that identifies the counter. */
  async currentVersion(): Promise<{ version: number; epoch: string }> {
    const v = await this.knex(VERSION).where({ id: 1 }).first();
    return { version: Number(v.version), epoch: v.epoch };
  }

  /**
   * Deletes tombstones written before `before` (the payload-null rows of deleted objects and
   * forgotten clusters) and records the highest pruned version: a follower behind it reloads.
   */
  async pruneTombstones(before: Date): Promise<number> {
    return this.knex.transaction(async tx => {
      const highest = await tx(OBJECTS)
        .whereNull('data')
        .andWhere('seen_at', '<', before)
        .max({ seq: 'seq' })
        .first();
      const below = Number(highest?.seq ?? 0);
      if (!below) return 0;
      await tx(VERSION)
        .where({ id: 1 })
        .andWhere('pruned_below', '<', below)
        .update({ pruned_below: below });
      const objects = await tx(OBJECTS)
        .whereNull('data')
        .andWhere('seq', '<=', below)
        .delete();
      const sources = await tx(SOURCES)
        .whereNull('kinds')
        .andWhere('seq', '<=', below)
        .delete();
      return objects + sources;
    });
  }

  /**
   * Applies one batch in one transaction; returns the number of statements. The batch first
   * increments the fleet-wide version (the counter's row lock orders concurrent writers: commit
   * order is version order) and stamps every row it writes with it; deletions leave tombstones.
   */
  async write(batch: StateBatch): Promise<number> {
    const statements = await this.knex.transaction(async tx => {
      const seq = await nextVersion(tx);
      const stamp = { seq, seenAt: batch.seenAt };
      return (
        VERSION_STATEMENTS +
        (await forgetSources(tx, batch.forget, stamp)) +
        (await saveConnections(tx, batch.connections, seq)) +
        (await saveObjects(
          tx,
          batch.objects.filter(o => o.data !== undefined),
          stamp,
        )) +
        (await tombstoneObjects(
          tx,
          batch.objects.filter(o => o.data === undefined),
          stamp,
        ))
      );
    });
    this.statements += statements;
    return statements;
  }

  /**
   * Records a transition unless the cluster's last recorded status is already this one: a
   * restart, or another replica taking over the cluster's watches, repeats the current status
   * and must not invent an outage. The unique key (cluster, at, status) makes a repeated
   * write of the same transition a no-op. Returns whether a row was added.
   */
  async recordTransition(t: UplinkTransition): Promise<boolean> {
    return this.knex.transaction(async tx => {
      const last = await tx(TRANSITIONS)
        .where('cluster_id', t.clusterId)
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .first('status', 'at');
      if (last && last.status === t.status) return false;
      if (last && Date.parse(toIso(last.at)) > Date.parse(t.at)) return false;
      const inserted = await tx(TRANSITIONS)
        .insert({
          cluster_id: t.clusterId,
          at: new Date(t.at),
          status: t.status,
          reason: t.reason?.slice(0, 1000) ?? null,
        })
        .onConflict(['cluster_id', 'at', 'status'])
        .ignore()
        .returning('id');
      return inserted.length > 0;
    });
  }

  /**
   * Transitions of the given clusters (all when undefined) from the last one before `from`
   * (the status holding at `from`) up to `to`, oldest first.
   */
  async transitions(
    from: Date,
    to: Date,
    clusterIds?: string[],
  ): Promise<UplinkTransition[]> {
    const scoped = (q: Knex.QueryBuilder) =>
      clusterIds ? q.whereIn('cluster_id', clusterIds) : q;
    const before = await scoped(
      this.knex(TRANSITIONS)
        .select('cluster_id')
        .max({ at: 'at' })
        .where('at', '<', from)
        .groupBy('cluster_id'),
    );
    const rows = await scoped(
      this.knex(TRANSITIONS)
        .select('cluster_id', 'at', 'status', 'reason', 'id')
        .where(q => {
          q.where('at', '>=', from).andWhere('at', '<=', to);
          for (const b of before) {
            q.orWhere({ cluster_id: b.cluster_id, at: b.at });
          }
        }),
    ).orderBy([{ column: 'cluster_id' }, { column: 'at' }, { column: 'id' }]);
    return rows.map((r: any) => ({
      clusterId: r.cluster_id,
      at: toIso(r.at),
      status: r.status,
      reason: r.reason ?? undefined,
    }));
  }

  /** Deletes transitions older than `before`, keeping each cluster's last one before it. */
  async pruneTransitions(before: Date): Promise<number> {
    const keep = this.knex(TRANSITIONS)
      .max('id')
      .where('at', '<', before)
      .groupBy('cluster_id');
    return this.knex(TRANSITIONS)
      .where('at', '<', before)
      .whereNotIn('id', keep)
      .delete();
  }
}
