import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';

const TABLE = 'kamaji_audit_events';

export type AuditAction = 'upgrade' | 'scale' | 'delete';
export type AuditResult = 'success' | 'failure' | 'denied';

/** One row of the audit trail, as the API returns it. */
export interface AuditEvent {
  id: number;
  occurredAt: string;
  actor: string;
  actorType: 'user' | 'service';
  action: AuditAction;
  target: string;
  request?: Record<string, unknown>;
  result: AuditResult;
  status: number;
  message?: string;
  details?: Record<string, unknown>;
  durationMs?: number;
}

export type NewAuditEvent = Omit<AuditEvent, 'id'>;

export interface AuditQuery {
  limit: number;
  offset: number;
  actor?: string;
  target?: string;
  action?: AuditAction;
  result?: AuditResult;
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
 * The audit trail of day-2 actions in the plugin's Backstage database (SQLite or PostgreSQL),
 * so it survives restarts and can be read back through `GET /v1/audit`.
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
    query: AuditQuery,
  ): Promise<{ items: AuditEvent[]; total: number }> {
    const filtered = () => {
      const q = this.knex(TABLE);
      if (query.actor) q.where('actor', query.actor);
      if (query.target) q.where('target', query.target);
      if (query.action) q.where('action', query.action);
      if (query.result) q.where('result', query.result);
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
