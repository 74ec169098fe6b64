import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import {
  AuditAction,
  AuditEvent,
  AuditResult,
  NewAuditEvent,
} from '@kamaji-backstage/plugin-kamaji-common';
import { Knex } from 'knex';

const TABLE = 'kamaji_audit_events';

export type { AuditAction, AuditEvent, AuditResult, NewAuditEvent };

/** What `list` selects, filters already validated. */
export interface AuditStoreQuery {
  limit: number;
  offset: number;
  cluster?: string;
  actor?: string;
  action?: AuditAction;
  outcome?: AuditResult;
  /** At or after. */
  from?: Date;
  /** Before. */
  to?: Date;
  /**
   * For a caller who may not read the whole trail: only records of these targets, or the
   * caller's own. Filters, pages and counts all apply within it.
   */
  visibleTo?: { targets: string[]; actor: string };
}

export function toIso(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number') return new Date(value).toISOString();
  if (typeof value === 'string') {
    const n = Number(value);
    const d =
      Number.isFinite(n) && /^\d+$/.test(value) ? new Date(n) : new Date(value);
    return Number.isNaN(d.getTime()) ? value : d.toISOString();
  }
  return new Date(0).toISOString();
}

function parseJson(text: unknown): Record<string, unknown> | undefined {
  if (typeof text !== 'string' || !text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The audit trail of every change (scaffolder creates, day-2 actions, upgrade plans and their
 * steps, denied and failed attempts) in the plugin's Backstage database (SQLite or PostgreSQL),
 * so it survives restarts and can be read back through `GET /v1/audit`. Every replica inserts the
 * records of the changes it made; nothing else writes.
 */
export class AuditStore {
  static async create(database: DatabaseService): Promise<AuditStore> {
    const knex = await database.getClient();
    if (!database.migrations?.skip) {
      await knex.migrate.latest({
        directory: resolvePackagePath(
          '@kamaji-backstage/plugin-kamaji-backend',
          'migrations',
        ),
        tableName: 'kamaji_audit_knex_migrations',
      });
    }
    return new AuditStore(knex);
  }

  constructor(private readonly knex: Knex) {}

  async record(event: NewAuditEvent): Promise<void> {
    await this.knex(TABLE).insert({
      occurred_at: new Date(event.occurredAt),
      actor: event.actor.slice(0, 255),
      actor_type: event.actorType,
      action: event.action,
      target: event.target.slice(0, 512),
      request: event.request ? JSON.stringify(event.request) : null,
      result: event.result,
      status: event.status,
      message: event.message ? event.message.slice(0, 2000) : null,
      details: event.details ? JSON.stringify(event.details) : null,
      duration_ms: event.durationMs ?? null,
    });
  }

  async list(
    query: AuditStoreQuery,
  ): Promise<{ items: AuditEvent[]; total: number }> {
    const { visibleTo } = query;
    const filtered = () => {
      const q = this.knex(TABLE);
      if (visibleTo) {
        q.where(inner =>
          inner
            .whereIn('target', visibleTo.targets)
            .orWhere('actor', visibleTo.actor),
        );
      }
      if (query.cluster) q.where('target', query.cluster);
      if (query.actor) q.where('actor', query.actor);
      if (query.action) q.where('action', query.action);
      if (query.outcome) q.where('result', query.outcome);
      if (query.from) q.where('occurred_at', '>=', query.from);
      if (query.to) q.where('occurred_at', '<', query.to);
      return q;
    };
    const [{ count }] = await filtered().count({ count: '*' });
    const rows = await filtered()
      .select('*')
      .orderBy('id', 'desc')
      .limit(query.limit)
      .offset(query.offset);
    return {
      total: Number(count),
      items: rows.map(r => ({
        id: Number(r.id),
        occurredAt: toIso(r.occurred_at),
        actor: r.actor,
        actorType: r.actor_type,
        action: r.action,
        target: r.target,
        request: parseJson(r.request),
        result: r.result,
        status: Number(r.status),
        message: r.message ?? undefined,
        details: parseJson(r.details),
        durationMs:
          r.duration_ms === null || r.duration_ms === undefined
            ? undefined
            : Number(r.duration_ms),
      })),
    };
  }
}
