import http from 'node:http';

/**
 * What went wrong talking to an API server:
 * - `network`: the server could not be reached or the connection broke (refused, reset, DNS, TLS);
 * - `timeout`: no answer in time (a hung server or link);
 * - `http`: the server answered with a non-2xx status (`statusCode`, Kubernetes `reason`);
 * - `aborted`: the caller cancelled the request;
 * - `decode`: the answer was not the JSON expected.
 *
 * @public
 */
export type KubeApiErrorKind =
  | 'network'
  | 'timeout'
  | 'http'
  | 'aborted'
  | 'decode';

/**
 * One cause of a Kubernetes Status, e.g. a field of a server-side apply conflict and its manager.
 *
 * @public
 */
export interface KubeStatusCause {
  /** The field concerned, e.g. `.spec.replicas`. */
  field?: string;
  /** What is wrong with it, e.g. `conflict with "kubectl-edit"`. */
  message?: string;
  /** Why, e.g. `FieldManagerConflict`, `FieldValueInvalid`. */
  reason?: string;
}

/**
 * The parts of a Kubernetes Status an error keeps.
 *
 * @public
 */
export interface KubeStatusDetails {
  /** The HTTP status of the answer. */
  statusCode?: number;
  /** The Status `reason`, e.g. `Forbidden`, `NotFound`, `Conflict`, `Expired`. */
  reason?: string;
  /** The Status `message` (truncated), for callers that explain the error in their own words. */
  statusMessage?: string;
  /** The Status `details.causes`. */
  causes?: KubeStatusCause[];
}

const MAX_MESSAGE = 300;

function truncate(text: string, max = MAX_MESSAGE): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

/**
 * A failed request to an API server. Its message is short and credential-free: it names the
 * method and API path (never the query string, headers or body) and the server's own Status
 * message, truncated.
 *
 * @public
 */
export class KubeApiError extends Error {
  /** The HTTP status of an `http` error. */
  readonly statusCode?: number;
  /** The Status `reason`, e.g. `Forbidden`, `NotFound`, `Conflict`, `Expired`. */
  readonly reason?: string;
  /** The Status `message` (truncated). */
  readonly statusMessage?: string;
  /** The Status `details.causes` (empty when there are none). */
  readonly causes: KubeStatusCause[];
  /** What went wrong. */
  readonly kind: KubeApiErrorKind;

  constructor(
    kind: KubeApiErrorKind,
    message: string,
    details: KubeStatusDetails = {},
  ) {
    super(message);
    this.name = 'KubeApiError';
    this.kind = kind;
    this.statusCode = details.statusCode;
    this.reason = details.reason;
    this.statusMessage = details.statusMessage;
    this.causes = details.causes ?? [];
  }

  /**
   * The error for a non-2xx answer whose body is `status` (a Kubernetes Status, or anything else).
   *
   * @param what - the request, e.g. `PATCH /api/v1/namespaces/a/configmaps/b`
   */
  static fromStatus(
    what: string,
    statusCode: number,
    status: unknown,
  ): KubeApiError {
    const s: any =
      status &&
      typeof status === 'object' &&
      [undefined, 'Status'].includes((status as any).kind)
        ? status
        : {};
    const statusMessage =
      typeof s.message === 'string' && s.message
        ? truncate(s.message)
        : undefined;
    const message = statusMessage ?? http.STATUS_CODES[statusCode] ?? 'error';
    const causes = Array.isArray(s.details?.causes)
      ? (s.details.causes as any[]).map(c => ({
          field: typeof c?.field === 'string' ? c.field : undefined,
          message:
            typeof c?.message === 'string' ? truncate(c.message) : undefined,
          reason: typeof c?.reason === 'string' ? c.reason : undefined,
        }))
      : [];
    return new KubeApiError('http', `${what}: HTTP ${statusCode} ${message}`, {
      statusCode,
      reason: typeof s.reason === 'string' ? s.reason : undefined,
      statusMessage,
      causes,
    });
  }

  /** True when the failure says nothing about the server being reachable (HTTP status, decode). */
  get reachable(): boolean {
    return this.kind === 'http' || this.kind === 'decode';
  }
}

/**
 * An error whose message was written by this project and is known to hold no credentials
 * (e.g. "kubeconfig Secret fleet-islands/island-a-kubeconfig not found").
 *
 * @public
 */
export class SafeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SafeError';
  }
}

/** Errors Node reports for an unreachable or broken connection, by code. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'ECONNABORTED',
  'ERR_STREAM_PREMATURE_CLOSE',
  'ERR_HTTP2_STREAM_ERROR',
  'ERR_HTTP2_STREAM_CANCEL',
  'ERR_HTTP2_SESSION_ERROR',
  'ERR_HTTP2_GOAWAY_SESSION',
  'ERR_HTTP2_INVALID_SESSION',
  'ERR_HTTP2_ERROR',
]);

const TLS_CODE = /^(ERR_TLS|CERT_|UNABLE_TO|DEPTH_ZERO|SELF_SIGNED)/;

/**
 * Turns any error into a short, credential-free text for logs and `lastError`.
 *
 * @public
 */
export function describeError(error: unknown): string {
  if (error instanceof KubeApiError || error instanceof SafeError)
    return error.message;
  const e = error as { code?: string; message?: string } | undefined;
  if (e?.code && NETWORK_CODES.has(e.code)) return e.code;
  if (e?.code && TLS_CODE.test(e.code)) return `TLS error ${e.code}`;
  // Anything else: the class of error only. Messages of unknown errors may quote inputs.
  return e?.code ? `error ${e.code}` : 'unexpected error';
}

/** A transport failure as a KubeApiError; the message names only the request and the error code. */
export function toKubeApiError(error: any, what: string): KubeApiError {
  if (error instanceof KubeApiError) return error;
  if (error?.name === 'AbortError' || error?.code === 'ABORT_ERR')
    return new KubeApiError('aborted', `${what}: aborted`);
  const code: string | undefined = error?.code;
  if (code && TLS_CODE.test(code))
    return new KubeApiError('network', `${what}: TLS error ${code}`);
  return new KubeApiError(
    'network',
    `${what}: ${
      code ??
      (error?.message === 'aborted' ? 'ECONNRESET' : 'connection failed')
    }`,
  );
}
