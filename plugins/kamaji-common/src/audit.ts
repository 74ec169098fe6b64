// The REST API's bodies are generated from openapi.yaml (src/schema/openapi/generated).
import type {
  AuditAction,
  AuditResult,
  AuditEvent,
} from './schema/openapi/generated/models';

export type {
  AuditAction,
  AuditResult,
  AuditEvent,
  AuditPage,
} from './schema/openapi/generated/models';

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
