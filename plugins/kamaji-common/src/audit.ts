/**
 * The audit trail of every change to the fleet (`GET /v1/audit`), shared by the backend, the
 * scaffolder module (through `kamajiAuditServiceRef` of `@kamaji-backstage/plugin-kamaji-node`)
 * and the frontend.
 */

/**
 * What was done: `create` (a scaffolder create action), or a day-2 action (`upgrade`, also each
 * step and command of a fleet upgrade plan; `scale`; `delete`).
 *
 * @public
 */
export type AuditAction = 'create' | 'upgrade' | 'scale' | 'delete';

/** @public */
export const AUDIT_ACTIONS: readonly AuditAction[] = [
  'create',
  'upgrade',
  'scale',
  'delete',
];

/**
 * How it ended: done, tried and failed, or refused by a permission.
 *
 * @public
 */
export type AuditResult = 'success' | 'failure' | 'denied';

/** @public */
export const AUDIT_RESULTS: readonly AuditResult[] = [
  'success',
  'failure',
  'denied',
];

/**
 * One record of the audit trail.
 *
 * @public
 */
export interface AuditEvent {
  id: number;
  occurredAt: string;
  /** The user entity ref, or the subject of a service principal. */
  actor: string;
  actorType: 'user' | 'service';
  action: AuditAction;
  /**
   * The cluster id (`<management cluster>/<namespace>/<name>`), `upgrade-plan/<id>` for a plan
   * as a whole, `addon-set/<management cluster>/<namespace>/<name>` for an addon set.
   */
  target: string;
  /** What was asked (for a create: the template, the task and the requested names). */
  request?: Record<string, unknown>;
  result: AuditResult;
  /** The HTTP status of the answer (400 for a refused scaffolder input, 500 for an error). */
  status: number;
  /** Why it was denied or failed, free of credentials. */
  message?: string;
  /** What changed (from/to, the objects written). */
  details?: Record<string, unknown>;
  durationMs?: number;
}

/**
 * A record to write: {@link AuditEvent} without the id the store assigns.
 *
 * @public
 */
export type NewAuditEvent = Omit<AuditEvent, 'id'>;

/**
 * Filters and paging of `GET /v1/audit`.
 *
 * @public
 */
export interface AuditQuery {
  /** Records per page (1–500, default 50). */
  limit?: number;
  offset?: number;
  /** A cluster id (or another target). */
  cluster?: string;
  actor?: string;
  action?: AuditAction;
  outcome?: AuditResult;
  /** ISO 8601 date-time: records at or after it. */
  from?: string;
  /** ISO 8601 date-time: records before it. */
  to?: string;
}

/**
 * The body of `GET /v1/audit`, newest first.
 *
 * @public
 */
export interface AuditPage {
  items: AuditEvent[];
  page: { total: number; offset: number; limit: number };
}
