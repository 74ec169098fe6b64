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

/**
 * Every {@link AuditAction}, in the order the views list them.
 *
 * @public
 */
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

/**
 * Every {@link AuditResult}.
 *
 * @public
 */
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
  /** Ascending: newer records have larger ids. */
  id: number;
  /** When the request was received (ISO 8601). */
  occurredAt: string;
  /** The user entity ref, or the subject of a service principal. */
  actor: string;
  /** A signed-in user, or a backend service (e.g. the upgrade plan runner). */
  actorType: 'user' | 'service';
  /** What was done. */
  action: AuditAction;
  /**
   * The cluster id (`<management cluster>/<namespace>/<name>`), `upgrade-plan/<id>` for a plan
   * as a whole, `addon-set/<management cluster>/<namespace>/<name>` for an addon set.
   */
  target: string;
  /** What was asked (for a create: the template, the task and the requested names). */
  request?: Record<string, unknown>;
  /** How it ended. */
  result: AuditResult;
  /** The HTTP status of the answer (400 for a refused scaffolder input, 500 for an error). */
  status: number;
  /** Why it was denied or failed, free of credentials. */
  message?: string;
  /** What changed (from/to, the objects written). */
  details?: Record<string, unknown>;
  /** How long it took. */
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
  /** Records to skip. */
  offset?: number;
  /** A cluster id (or another target). */
  cluster?: string;
  /** A user entity ref or service subject. */
  actor?: string;
  /** One action. */
  action?: AuditAction;
  /** One result. */
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
  /** The records of this page. */
  items: AuditEvent[];
  /** Where the page is in the whole (filtered) trail. */
  page: { total: number; offset: number; limit: number };
}
