import http from 'node:http';
import https from 'node:https';
import { createHash } from 'node:crypto';
import type { KubeConfig } from '@kubernetes/client-node';

/**
 * What went wrong talking to an API server:
 * - `network`: the server could not be reached or the connection broke (refused, reset, DNS, TLS);
 * - `timeout`: no answer in time (a hung server or link);
 * - `http`: the server answered with a non-2xx status (`statusCode`, Kubernetes `reason`);
 * - `aborted`: we cancelled the request ourselves;
 * - `decode`: the answer was not the JSON we expected.
 */
export type KubeHttpErrorKind =
  | 'network'
  | 'timeout'
  | 'http'
  | 'aborted'
  | 'decode';

/**
 * An error whose message is short and credential-free: it names the API path (never the query
 * string, never headers) and the server's own Status message, truncated.
 */
export class KubeHttpError extends Error {
  constructor(
    readonly kind: KubeHttpErrorKind,
    message: string,
    readonly statusCode?: number,
    /** The Kubernetes Status `reason`, e.g. `Forbidden`, `NotFound`, `Expired`, `Gone`. */
    readonly reason?: string,
  ) {
    super(message);
    this.name = 'KubeHttpError';
  }

  /** True when the failure says nothing about the server being reachable (HTTP status, decode). */
  get reachable(): boolean {
    return this.kind === 'http' || this.kind === 'decode';
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
]);

const MAX_MESSAGE = 300;

function truncate(text: string, max = MAX_MESSAGE): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

/**
 * An error whose message was written by this plugin and is known to hold no credentials
 * (e.g. "kubeconfig Secret fleet-islands/island-a-kubeconfig not found").
 */
export class SafeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SafeError';
  }
}

/** Turns any error into a short, credential-free text for logs and `lastError`. */
export function describeError(error: unknown): string {
  if (error instanceof KubeHttpError || error instanceof SafeError)
    return error.message;
  const e = error as { code?: string; message?: string } | undefined;
  if (e?.code && NETWORK_CODES.has(e.code)) return e.code;
  if (
    e?.code &&
    /^(ERR_TLS|CERT_|UNABLE_TO|DEPTH_ZERO|SELF_SIGNED)/.test(e.code)
  )
    return `TLS error ${e.code}`;
  // Anything else: the class of error only. Messages of unknown errors may quote inputs.
  return e?.code ? `error ${e.code}` : 'unexpected error';
}

function toKubeHttpError(error: any, what: string): KubeHttpError {
  if (error instanceof KubeHttpError) return error;
  if (error?.name === 'AbortError' || error?.code === 'ABORT_ERR')
    return new KubeHttpError('aborted', `${what}: aborted`);
  const code: string | undefined = error?.code;
  if (code && /^(ERR_TLS|CERT_|UNABLE_TO|DEPTH_ZERO|SELF_SIGNED)/.test(code)) {
    return new KubeHttpError('network', `${what}: TLS error ${code}`);
  }
  return new KubeHttpError(
    'network',
    `${what}: ${
      code ??
      (error?.message === 'aborted' ? 'ECONNRESET' : 'connection failed')
    }`,
  );
}

export interface KubeRequestOptions {
  /** Fails with a `timeout` error when the response has not completed in time. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface KubeStreamOptions {
  signal?: AbortSignal;
  /** Time allowed until the response headers arrive. */
  connectTimeoutMs?: number;
  /** Called once the server answered 200 and the stream is open. */
  onOpen?: () => void;
}

/**
 * A minimal HTTP client for one API server, on top of a client-node KubeConfig (which applies
 * credentials: certificates, bearer tokens, token files, exec plugins, refreshed per request).
 * It adds what watches need and client-node's helpers lack: per-request timeouts, cancellable
 * streams, and errors classified as network / timeout / HTTP with credential-free messages.
 */
export class KubeHttp {
  readonly server: string;
  private agent?: http.Agent;
  private agentKey?: string;

  constructor(private readonly kc: KubeConfig) {
    const cluster = kc.getCurrentCluster();
    if (!cluster?.server) throw new Error('kubeconfig has no current cluster');
    this.server = cluster.server.replace(/\/+$/, '');
  }

  /** GET a JSON document. Non-2xx answers become `http` errors. */
  async getJson<T = any>(
    path: string,
    options: KubeRequestOptions = {},
  ): Promise<T> {
    const what = `GET ${path.split('?')[0]}`;
    const { statusCode, body } = await this.send(path, options);
    if (statusCode < 200 || statusCode >= 300)
      throw httpError(what, statusCode, body);
    try {
      return JSON.parse(body) as T;
    } catch {
      throw new KubeHttpError('decode', `${what}: response is not JSON`);
    }
  }

  /**
   * Sends a JSON request with any verb (`body` serialised when given) and resolves with the
   * status code and the parsed answer, whatever the status: the caller decides what a 404 or a
   * 409 means. Network failures and timeouts reject.
   */
  async requestJson<T = any>(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    body?: unknown,
    options: KubeRequestOptions = {},
  ): Promise<{ statusCode: number; body?: T }> {
    const res = await this.send(path, options, method, body);
    let parsed: T | undefined;
    try {
      parsed = res.body ? (JSON.parse(res.body) as T) : undefined;
    } catch {
      parsed = undefined;
    }
    return { statusCode: res.statusCode, body: parsed };
  }

  /** GET a plain-text endpoint such as `/readyz`; resolves with the status code. */
  async probe(path: string, options: KubeRequestOptions = {}): Promise<number> {
    const { statusCode } = await this.send(path, options);
    return statusCode;
  }

  /**
   * Opens a streaming GET (a watch) and calls `onLine` with each line. Resolves when the server
   * ends the stream cleanly; rejects on a non-200 answer or a broken connection.
   */
  async stream(
    path: string,
    onLine: (line: string) => void,
    options: KubeStreamOptions = {},
  ): Promise<void> {
    const what = `GET ${path.split('?')[0]} (watch)`;
    const req = await this.open(path);
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      let connectTimer: NodeJS.Timeout | undefined = undefined;
      let onAbort: () => void = () => {};
      const finish = (err?: unknown, passThrough = false) => {
        if (settled) return;
        settled = true;
        clearTimeout(connectTimer);
        options.signal?.removeEventListener('abort', onAbort);
        if (err) reject(passThrough ? err : toKubeHttpError(err, what));
        else resolve();
      };
      onAbort = () => {
        req.destroy();
        finish(new KubeHttpError('aborted', `${what}: aborted`));
      };
      if (options.signal?.aborted) {
        onAbort();
        return;
      }
      options.signal?.addEventListener('abort', onAbort, { once: true });
      connectTimer = setTimeout(() => {
        req.destroy();
        finish(
          new KubeHttpError(
            'timeout',
            `${what}: no answer within ${options.connectTimeoutMs} ms`,
          ),
        );
      }, options.connectTimeoutMs ?? 10_000);
      req.on('error', finish);
      req.on('response', res => {
        clearTimeout(connectTimer);
        if (res.statusCode !== 200) {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', c => (body += c.length < 65536 ? c : ''));
          res.on('end', () =>
            finish(httpError(what, res.statusCode ?? 0, body)),
          );
          res.on('error', finish);
          return;
        }
        options.onOpen?.();
        res.setEncoding('utf8');
        let buffer = '';
        res.on('data', (chunk: string) => {
          buffer += chunk;
          let nl = buffer.indexOf('\n');
          while (nl >= 0) {
            const line = buffer.slice(0, nl);
            buffer = buffer.slice(nl + 1);
            if (line.trim()) {
              try {
                onLine(line);
              } catch (e) {
                // The consumer's own error (e.g. "relist"): passed on unchanged.
                finish(e, true);
                req.destroy();
                return;
              }
            }
            nl = buffer.indexOf('\n');
          }
        });
        res.on('aborted', () =>
          finish(new KubeHttpError('network', `${what}: ECONNRESET`)),
        );
        res.on('error', finish);
        res.on('end', () => {
          if (buffer.trim()) {
            try {
              onLine(buffer);
            } catch (e) {
              finish(e, true);
              return;
            }
          }
          finish();
        });
        res.on('close', () => {
          if (!res.complete)
            finish(new KubeHttpError('network', `${what}: ECONNRESET`));
        });
      });
      req.end();
    });
  }

  /** Closes idle keep-alive sockets. */
  close(): void {
    this.agent?.destroy();
    this.agent = undefined;
    this.agentKey = undefined;
  }

  private async send(
    path: string,
    options: KubeRequestOptions,
    method = 'GET',
    body?: unknown,
  ): Promise<{ statusCode: number; body: string }> {
    const what = `${method} ${path.split('?')[0]}`;
    const req = await this.open(path, method, body !== undefined);
    return new Promise((resolve, reject) => {
      let settled = false;
      let timer: NodeJS.Timeout | undefined = undefined;
      let onAbort: () => void = () => {};
      const finish = (
        err?: unknown,
        value?: { statusCode: number; body: string },
      ) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        if (err) reject(toKubeHttpError(err, what));
        else resolve(value!);
      };
      onAbort = () => {
        req.destroy();
        finish(new KubeHttpError('aborted', `${what}: aborted`));
      };
      if (options.signal?.aborted) {
        onAbort();
        return;
      }
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const timeoutMs = options.timeoutMs ?? 30_000;
      timer = setTimeout(() => {
        req.destroy();
        finish(
          new KubeHttpError(
            'timeout',
            `${what}: no answer within ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      req.on('error', finish);
      req.on('response', res => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('aborted', () =>
          finish(new KubeHttpError('network', `${what}: ECONNRESET`)),
        );
        res.on('error', finish);
        res.on('end', () =>
          finish(undefined, {
            statusCode: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      });
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
  }

  private async open(
    path: string,
    method = 'GET',
    withBody = false,
  ): Promise<http.ClientRequest> {
    const opts: https.RequestOptions = {};
    try {
      await this.kc.applyToHTTPSOptions(opts);
    } catch (e) {
      // Credential plugins (exec, token files) may fail; their messages can quote configuration.
      throw new KubeHttpError(
        'network',
        `credentials could not be applied (${describeError(e)})`,
      );
    }
    const url = new URL(this.server + path);
    const isHttps = url.protocol === 'https:';
    const cluster = this.kc.getCurrentCluster();
    const agent = cluster?.proxyUrl
      ? (opts.agent as http.Agent)
      : this.agentFor(opts, isHttps);
    const headers: http.OutgoingHttpHeaders = {
      ...((opts.headers ?? {}) as http.OutgoingHttpHeaders),
      Accept: 'application/json',
      ...(withBody ? { 'Content-Type': 'application/json' } : {}),
    };
    if (opts.auth) {
      headers.Authorization = `Basic ${Buffer.from(opts.auth).toString(
        'base64',
      )}`;
    }
    const mod = isHttps ? https : http;
    return mod.request(url, { method, headers, agent });
  }

  /** One keep-alive agent per set of TLS materials (re-created when they change, e.g. rotated certs). */
  private agentFor(opts: https.RequestOptions, isHttps: boolean): http.Agent {
    const hash = createHash('sha256');
    for (const part of [
      opts.ca,
      opts.cert,
      opts.key,
      opts.servername,
      String(opts.rejectUnauthorized),
    ]) {
      if (part === undefined) hash.update('-');
      else hash.update(Buffer.isBuffer(part) ? part : String(part));
      hash.update('\0');
    }
    const key = `${isHttps}:${hash.digest('hex')}`;
    if (this.agent && this.agentKey === key) return this.agent;
    this.agent?.destroy();
    this.agent = isHttps
      ? new https.Agent({
          keepAlive: true,
          ca: opts.ca,
          cert: opts.cert,
          key: opts.key,
          servername: opts.servername,
          ...(opts.rejectUnauthorized !== undefined
            ? { rejectUnauthorized: opts.rejectUnauthorized }
            : {}),
        })
      : new http.Agent({ keepAlive: true });
    this.agentKey = key;
    return this.agent;
  }
}

function httpError(
  what: string,
  statusCode: number,
  body: string,
): KubeHttpError {
  let reason: string | undefined;
  let message = http.STATUS_CODES[statusCode] ?? 'error';
  try {
    const status = JSON.parse(body);
    if (status?.kind === 'Status') {
      reason = typeof status.reason === 'string' ? status.reason : undefined;
      if (typeof status.message === 'string' && status.message)
        message = status.message;
    }
  } catch {
    // not a Status document: keep the HTTP reason phrase
  }
  return new KubeHttpError(
    'http',
    `${what}: HTTP ${statusCode} ${truncate(message)}`,
    statusCode,
    reason,
  );
}
