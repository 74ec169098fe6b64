import type { ConnectionStatus } from '@kamaji-backstage/plugin-kamaji-common';
import { Knex } from 'knex';
import { toIso } from '../database/AuditStore';

const SOURCES = 'kamaji_fleet_sources';
const OBJECTS = 'kamaji_fleet_objects';
const TRANSITIONS = 'kamaji_uplink_transitions';
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

const date = (iso: string | undefined) => (iso ? new Date(iso) : null);

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK)
    out.push(items.slice(i, i + CHUNK));
  return out;
}

/**
 * The fleet's durable state in the plugin's Backstage database: the last-known objects and
 * connection of every cluster (written behind, in batches) and the uplink history.
 */
export class FleetStateStore {
  /** Statements executed by write(), for the benchmark. */
  statements = 0;

  constructor(private readonly knex: Knex) {}

  /** Everything saved, per source. */
  async load(): Promise<Map<string, SavedSource>> {
    const out = new Map<string, SavedSource>();
    for (const r of await this.knex(SOURCES).select('*')) {
      out.set(r.source, {
        source: r.source,
        status: r.status,
        since: toIso(r.since),
        lastSeenAt: toIso(r.last_seen_at),
        lastSyncAt: r.last_sync_at ? toIso(r.last_sync_at) : undefined,
        lastError: r.last_error ?? undefined,
        kinds: new Map(
          (JSON.parse(r.kinds) as string[]).map(k => [k, new Map()]),
        ),
      });
    }
    const rows = await this.knex(OBJECTS).select(
      'source',
      'kind',
      'object_key',
      'data',
    );
    for (const r of rows) {
      const source = out.get(r.source);
      if (!source) continue;
      source.kinds.get(r.kind)?.set(r.object_key, JSON.parse(r.data));
    }
    return out;
  }

  /** Applies one batch in one transaction; returns the number of statements. */
  async write(batch: StateBatch): Promise<number> {
    let statements = 0;
    await this.knex.transaction(async tx => {
      for (const part of chunks(batch.forget)) {
        await tx(OBJECTS).whereIn('source', part).delete();
        await tx(SOURCES).whereIn('source', part).delete();
        statements += 2;
      }
      for (const part of chunks(batch.connections)) {
        await tx(SOURCES)
          .insert(
            part.map(c => ({
              source: c.source,
              status: c.status,
              since: new Date(c.since),
              last_seen_at: new Date(c.lastSeenAt),
              last_sync_at: date(c.lastSyncAt),
              last_error: c.lastError?.slice(0, 2000) ?? null,
              kinds: JSON.stringify(c.kinds),
            })),
          )
          .onConflict('source')
          .merge();
        statements++;
      }
      const upserts = batch.objects.filter(o => o.data !== undefined);
      for (const part of chunks(upserts)) {
        await tx(OBJECTS)
          .insert(
            part.map(o => ({
              source: o.source,
              kind: o.kind,
              object_key: o.key,
              data: o.data,
              seen_at: batch.seenAt,
            })),
          )
          .onConflict(['source', 'kind', 'object_key'])
          .merge();
        statements++;
      }
      const deletes = batch.objects.filter(o => o.data === undefined);
      for (const part of chunks(deletes)) {
        await tx(OBJECTS)
          .where(q => {
            for (const d of part) {
              q.orWhere({ source: d.source, kind: d.kind, object_key: d.key });
            }
          })
          .delete();
        statements++;
      }
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
