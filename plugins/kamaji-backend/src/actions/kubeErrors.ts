import {
  ConflictError,
  CustomErrorBase,
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { KubeApiError } from '@kamaji-backstage/plugin-kamaji-node';

/**
 * The management cluster answered, but not with something the backend can use (it refused the
 * backend's own credentials, or failed): HTTP 502.
 */
export class BadGatewayError extends CustomErrorBase {
  name = 'BadGatewayError' as const;
  /** Read by Backstage's error middleware. */
  readonly statusCode = 502;
}

const CREDENTIAL_PATTERNS = [
  /-----BEGIN [^-]*-----[\s\S]*?(-----END [^-]*-----|$)/g,
  /\b(client-key-data|client-certificate-data|certificate-authority-data|token|password)\b\s*[:=]\s*\S+/gi,
  /\bBearer\s+\S+/gi,
  /\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g,
];

/** Removes anything that looks like credential material, and bounds the length. */
export function scrub(text: string, max = 300): string {
  let out = text;
  for (const p of CREDENTIAL_PATTERNS) out = out.replace(p, '[redacted]');
  out = out.replace(/\s+/g, ' ').trim();
  return out.length > max ? `${out.slice(0, max)}…` : out;
}

export interface KubeErrorOptions {
  /** The request was a JSON patch with `test` operations (an optimistic precondition). */
  precondition?: boolean;
}

/**
 * Maps a failed request to the management cluster to a Backstage error with a clean message:
 * never the request, the response headers or credentials; the Kubernetes Status message only
 * where it describes the caller's input.
 *
 * @param what - what was being done, e.g. `patch KamajiControlPlane fleet-tenants/shop-1`
 */
export function mapKubeError(
  e: unknown,
  what: string,
  managementCluster: string,
  options: KubeErrorOptions = {},
): Error {
  if (
    !(e instanceof KubeApiError) ||
    !['http', 'network', 'timeout'].includes(e.kind)
  ) {
    return new BadGatewayError(
      `${what}: the request to management cluster ${managementCluster} failed`,
    );
  }
  if (e.kind === 'http') {
    return httpStatusError(e, what, managementCluster, options);
  }
  return new ServiceUnavailableError(
    `${what}: management cluster ${managementCluster} is unreachable`,
  );
}

/** The error an HTTP answer of the management cluster stands for. */
function httpStatusError(
  e: KubeApiError,
  what: string,
  managementCluster: string,
  options: KubeErrorOptions,
): Error {
  const code = e.statusCode;
  const causes = e.causes
    .map(c => [c.field, c.message].filter(Boolean).join(': '))
    .filter(Boolean);
  const text = [e.statusMessage, ...causes].filter(Boolean).join('; ');
  const detail = text ? `: ${scrub(text)}` : '';
  const rejected = () =>
    new InputError(
      `${what}: rejected by management cluster ${managementCluster}${detail}`,
    );
  switch (code) {
    case 404:
      return new NotFoundError(
        `${what}: not found in management cluster ${managementCluster}`,
      );
    case 409:
      return new ConflictError(
        `${what}: the object was changed concurrently; reload and retry`,
      );
    case 422:
      return failedTest(e, causes, options)
        ? new ConflictError(
            `${what}: the object was changed since it was read; reload and retry`,
          )
        : rejected();
    case 400:
      return rejected();
    case 401:
    case 403:
      return new BadGatewayError(
        `${what}: management cluster ${managementCluster} refused the backend's credentials (HTTP ${code}); check the RBAC of the identity in the backend's kubeconfig`,
      );
    case 429:
    case 503:
      return new ServiceUnavailableError(
        `${what}: management cluster ${managementCluster} is busy (HTTP ${code}); retry later`,
      );
    default:
      return new BadGatewayError(
        `${what}: management cluster ${managementCluster} answered HTTP ${code}${detail}`,
      );
  }
}

/** A 422 from a failed `test` operation: it comes back as a bare "Invalid" without field causes. */
function failedTest(
  e: KubeApiError,
  causes: string[],
  options: KubeErrorOptions,
): boolean {
  return (
    (!!options.precondition && causes.length === 0) ||
    /\btest(ing)? (value|operation)|test failed/i.test(e.statusMessage ?? '')
  );
}
