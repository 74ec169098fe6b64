import http from 'node:http';
import https from 'node:https';
import { createHash } from 'node:crypto';
import type { ClientHttp2Stream } from 'node:http2';
import type { Readable } from 'node:stream';
import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeKind } from '@kamaji-backstage/plugin-kamaji-common';
import { describeError, KubeApiError, toKubeApiError } from './errors';
import { Http2Connection, TlsMaterials } from './http2Connection';
import { collect, decoded, httpError, readLines } from './responses';
import { timeoutAfterPendingIo } from './timeouts';

/**
 * An object as stored by the API server (plain JSON).
 *
 * @public
 */
export interface StoredObject {
  /** e.g. `cluster.x-k8s.io/v1beta2`. */
  apiVersion: string;
  /** e.g. `Cluster`. */
  kind: string;
  /** Its metadata (name, namespace, uid, resourceVersion, labels, annotations, managed fields, ...). */
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    managedFields?: Array<{ manager?: string; operation?: string }>;
    [key: string]: unknown;
  };
  /** `spec`, `status`, `data` and the other fields of the kind. */
  [key: string]: unknown;
}

/**
 * Identifies an object: apiVersion, kind, name and (for namespaced kinds) namespace.
 *
 * @public
 */
export interface ObjectRef {
  /** e.g. `v1` or `cluster.x-k8s.io/v1beta2`. */
  apiVersion: string;
  /** e.g. `Cluster`. */
  kind: string;
  /** The name, and the namespace of a namespaced kind (the context's namespace when omitted). */
  metadata: { name: string; namespace?: string };
}

/**
 * A resource as API discovery lists it.
 *
 * @public
 */
export interface ServedResource {
  /** The plural, e.g. `tenantcontrolplanes`. */
  name: string;
  /** Whether its objects live in namespaces. */
  namespaced: boolean;
  /** Its subresources, e.g. `status`, `scale`. */
  subresources: string[];
}

/**
 * HTTP methods the client sends.
 *
 * @public
 */
export type KubeMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * The content types of Kubernetes patches.
 *
 * @public
 */
export const KubePatchType = {
  /** RFC 6902 JSON patch (with `test` operations as preconditions). */
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  /** Server-side apply. */
  apply: 'application/apply-patch+yaml',
} as const;

/**
 * Options of one buffered request.
 *
 * @public
 */
export interface KubeRequestOptions {
  /** Query parameters (undefined ones are left out), e.g. `{ dryRun: 'All', fieldManager }`. */
  query?: Record<string, string | undefined>;
  /** Sent as JSON. */
  body?: unknown;
  /** Content type of the body; `application/json` unless a patch type is given. */
  contentType?: string;
  /** Fails with a `timeout` error when the response has not completed in time (default 30 s). */
  timeoutMs?: number;
  /** Cancels the request: it fails with an `aborted` error. */
  signal?: AbortSignal;
}

/**
 * Options of a streaming request (a watch).
 *
 * @public
 */
export interface KubeStreamOptions {
  /** Closes the stream: it fails with an `aborted` error. */
  signal?: AbortSignal;
  /** Time allowed until the response headers arrive (default 10 s). */
  connectTimeoutMs?: number;
  /** Called once the server answered 200 and the stream is open. */
  onOpen?: () => void;
}

/**
 * Options of a server-side apply.
 *
 * @public
 */
export interface KubeApplyOptions {
  /** The field manager the applied fields are recorded for, e.g. `kamaji-backstage`. */
  fieldManager: string;
  /** Take over fields other managers own. */
  force?: boolean;
  /** `dryRun=All`: the server validates and answers, nothing is stored. */
  dryRun?: boolean;
  /** `fieldValidation=Strict` (default true): unknown or duplicate fields are errors, not pruned. */
  strict?: boolean;
  /** Writes through a subresource, e.g. `status`. */
  subresource?: string;
}

/**
 * The URL path of a kind's collection (all namespaces without `namespace`), or of one object.
 *
 * @public
 */
export function kindPath(
  kind: Pick<KubeKind, 'group' | 'version' | 'plural'>,
  target: { namespace?: string; name?: string; version?: string } = {},
): string {
  const version = target.version ?? kind.version;
  const parts = [
    kind.group ? `/apis/${kind.group}/${version}` : `/api/${version}`,
  ];
  if (target.namespace)
    parts.push('namespaces', encodeURIComponent(target.namespace));
  parts.push(kind.plural);
  if (target.name) parts.push(encodeURIComponent(target.name));
  return parts.join('/');
}

/** The path of a group version: `/api/v1` or `/apis/<group>/<version>`. */
function apiVersionPath(apiVersion: string): string {
  return apiVersion.includes('/')
    ? `/apis/${apiVersion}`
    : `/api/${apiVersion}`;
}

interface Answer {
  statusCode: number;
  body: string;
}

const PING_WHAT = 'HTTP/2 PING';

/** A failed PING as a KubeApiError: `timeout` when unanswered, else what the connection said. */
function pingError(e: unknown, timeoutMs: number): KubeApiError {
  if ((e as { code?: string })?.code === 'ETIMEDOUT')
    return new KubeApiError(
      'timeout',
      `${PING_WHAT}: no answer within ${timeoutMs} ms`,
    );
  return toKubeApiError(e, PING_WHAT);
}

/** `work`, or a rejection as soon as `signal` aborts (its listener removed either way). */
async function untilAborted<T>(
  work: Promise<T>,
  signal: AbortSignal,
  what: string,
): Promise<T> {
  let onAbort = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(new KubeApiError('aborted', `${what}: aborted`));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, aborted]);
  } finally {
    // A caller's long-lived signal must not collect one listener per call.
    signal.removeEventListener('abort', onAbort);
  }
}

/** One request on the wire, over HTTP/1.1 or an HTTP/2 stream. */
interface Exchange {
  /** Called once the answer's status is in, with its body. */
  onResponse(listener: (statusCode: number, body: Readable) => void): void;
  onError(listener: (error: Error) => void): void;
  end(payload?: string): void;
  destroy(): void;
  /** The answer did not come in time (HTTP/2: the connection is checked). */
  timedOut(): void;
}

function http1Exchange(req: http.ClientRequest): Exchange {
  return {
    onResponse: listener =>
      req.on('response', res =>
        listener(
          res.statusCode ?? 0,
          decoded(res, res.headers['content-encoding']),
        ),
      ),
    onError: listener => req.on('error', listener),
    end: payload => req.end(payload),
    destroy: () => req.destroy(),
    timedOut: () => {},
  };
}

function http2Exchange(
  stream: ClientHttp2Stream,
  timedOut: () => void,
): Exchange {
  return {
    onResponse: listener =>
      stream.once('response', headers =>
        listener(
          Number(headers[':status'] ?? 0),
          decoded(stream, headers['content-encoding']),
        ),
      ),
    onError: listener => stream.on('error', listener),
    end: payload => stream.end(payload),
    destroy: () => stream.destroy(),
    timedOut,
  };
}

type FetchOptions = Awaited<ReturnType<KubeConfig['applyToFetchOptions']>>;

/** The headers client-node put on the fetch options (the credentials), as node:http takes them. */
function headersOf(init: FetchOptions): http.OutgoingHttpHeaders {
  const headers: http.OutgoingHttpHeaders = {};
  new Headers(init.headers as any).forEach((value, name) => {
    headers[name] = value;
  });
  return headers;
}

/**
 * The one HTTP client of the Kamaji plugins for one API server (the current context of a
 * client-node KubeConfig, which applies the credentials: certificates, bearer tokens, token
 * files, exec plugins, refreshed per request). It adds what client-node's generated APIs lack:
 * per-request timeouts and cancellation, watch streams, any verb, subresource or patch type
 * (dry runs, server-side apply), raw JSON (no client-side model drops a field), kinds resolved
 * through API discovery, compressed answers (gzip, as the API server sends large lists), and
 * errors ({@link KubeApiError}) that keep the status code and never quote credentials.
 *
 * @public
 */
export class KubeClient {
  /** The API server URL, for messages. */
  readonly server: string;
  private agent?: http.Agent;
  private agentKey?: string;
  private readonly http2: Http2Connection;
  private readonly discovery = new Map<
    string,
    Array<ServedResource & { kind: string }>
  >();

  constructor(private readonly kc: KubeConfig) {
    const cluster = kc.getCurrentCluster();
    if (!cluster?.server) throw new Error('kubeconfig has no current cluster');
    this.server = cluster.server.replace(/\/+$/, '');
    this.http2 = new Http2Connection(new URL(this.server));
  }

  /** Sends one request; resolves with the parsed JSON answer. Non-2xx answers become `http` errors. */
  async request<T = any>(
    method: KubeMethod,
    path: string,
    options: KubeRequestOptions = {},
  ): Promise<T> {
    const what = `${method} ${path.split('?')[0]}`;
    const { statusCode, body } = await this.send(method, path, options);
    if (statusCode < 200 || statusCode >= 300)
      throw httpError(what, statusCode, body);
    try {
      return (body ? JSON.parse(body) : {}) as T;
    } catch {
      throw new KubeApiError('decode', `${what}: response is not JSON`);
    }
  }

  /** GETs a JSON document. */
  getJson<T = any>(
    path: string,
    options: Pick<KubeRequestOptions, 'query' | 'timeoutMs' | 'signal'> = {},
  ): Promise<T> {
    return this.request<T>('GET', path, options);
  }

  /** GETs a plain-text endpoint such as `/readyz`; resolves with the status code. */
  async probe(
    path: string,
    options: Pick<KubeRequestOptions, 'timeoutMs' | 'signal'> = {},
  ): Promise<number> {
    return (await this.send('GET', path, options)).statusCode;
  }

  /**
   * Whether the open HTTP/2 connection still answers, without a request: a PING, as client-go's
   * connection health check sends (a few bytes; no authentication, handler or log entry on the
   * server). False when no HTTP/2 connection is open: ask with a request then. Without an answer
   * within `timeoutMs` (default 30 s) the connection is dropped, so its watches fail and the next
   * request connects anew, and the PING fails with a `timeout` error.
   */
  async ping(
    options: Pick<KubeRequestOptions, 'timeoutMs' | 'signal'> = {},
  ): Promise<boolean> {
    const session = this.http2.current();
    if (!session) return false;
    const timeoutMs = options.timeoutMs ?? 30_000;
    const { signal } = options;
    if (signal?.aborted)
      throw new KubeApiError('aborted', `${PING_WHAT}: aborted`);
    const answered = this.http2.ping(session, timeoutMs);
    try {
      await (signal ? untilAborted(answered, signal, PING_WHAT) : answered);
      return true;
    } catch (e) {
      throw pingError(e, timeoutMs);
    }
  }

  /**
   * ping() for callers that PING many connections every few seconds: `done` is called with the
   * answer instead of a promise settling. False, and `done` never called, when no HTTP/2
   * connection is open.
   */
  pingThen(timeoutMs: number, done: (error?: KubeApiError) => void): boolean {
    const session = this.http2.current();
    if (!session) return false;
    this.http2.pingThen(session, timeoutMs, error =>
      done(error && pingError(error, timeoutMs)),
    );
    return true;
  }

  /**
   * Opens a streaming GET (a watch) and calls `onLine` with each line. Resolves when the server
   * ends the stream cleanly; rejects on a non-200 answer or a broken connection. An error thrown
   * by `onLine` ends the stream and is passed on unchanged.
   */
  async stream(
    path: string,
    onLine: (line: string) => void,
    options: KubeStreamOptions = {},
  ): Promise<void> {
    const what = `GET ${path.split('?')[0]} (watch)`;
    const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    const req = await this.open('GET', path, {}, what, connectTimeoutMs);
    return new Promise<void>((resolve, reject) => {
      const done = this.settle(req, what, options.signal, resolve, reject);
      if (!done) return;
      done.arm(connectTimeoutMs);
      req.onResponse((statusCode, res) => {
        done.disarm();
        if (statusCode !== 200) {
          collect(res, done.fail).then(
            body => done.fail(httpError(what, statusCode, body)),
            done.fail,
          );
          return;
        }
        options.onOpen?.();
        readLines(res, what, onLine, done);
      });
      req.end();
    });
  }

  /**
   * The served resource of a kind, from discovery; undefined when it is not served. Found kinds
   * are cached; a kind not found is asked again (its CRD may have been installed since).
   */
  async servedResource(
    apiVersion: string,
    kind: string,
  ): Promise<ServedResource | undefined> {
    const hit = this.discovery.get(apiVersion)?.find(r => r.kind === kind);
    if (hit) return hit;
    let doc: unknown;
    try {
      doc = await this.getJson(apiVersionPath(apiVersion));
    } catch (e) {
      // An API group that is not served at all answers discovery with 404.
      if (e instanceof KubeApiError && e.statusCode === 404) return undefined;
      throw e;
    }
    const resources = servedResources(doc);
    this.discovery.set(apiVersion, resources);
    return resources.find(r => r.kind === kind);
  }

  /**
   * The path of an object (a namespaced kind without a namespace gets the context's namespace);
   * undefined when its kind is not served.
   */
  async objectPath(ref: ObjectRef): Promise<string | undefined> {
    const resource = await this.servedResource(ref.apiVersion, ref.kind);
    if (!resource) return undefined;
    return this.resourcePath(ref.apiVersion, resource, {
      namespace: ref.metadata.namespace ?? this.defaultNamespace(),
      name: ref.metadata.name,
    });
  }

  /** Reads an object; undefined when it (or its kind) does not exist. */
  async get(ref: ObjectRef): Promise<StoredObject | undefined> {
    const path = await this.objectPath(ref);
    if (!path) return undefined;
    try {
      return await this.request('GET', path);
    } catch (e) {
      if (e instanceof KubeApiError && e.statusCode === 404) return undefined;
      throw e;
    }
  }

  /** Server-side apply of an object. A kind that is not served is a 404 error with reason `NotServed`. */
  async apply(
    obj: ObjectRef & Record<string, unknown>,
    options: KubeApplyOptions,
  ): Promise<StoredObject> {
    const path = await this.objectPath(obj);
    if (!path) throw notServed(obj);
    const target = options.subresource
      ? `${path}/${options.subresource}`
      : path;
    return this.request('PATCH', target, {
      query: {
        fieldManager: options.fieldManager,
        force: String(options.force ?? false),
        fieldValidation: options.strict ?? true ? 'Strict' : undefined,
        dryRun: options.dryRun ? 'All' : undefined,
      },
      body: obj,
      contentType: KubePatchType.apply,
    });
  }

  /** Creates an object (POST; `generateName` works). A kind that is not served is a `NotServed` 404. */
  async create(
    obj: {
      apiVersion: string;
      kind: string;
      metadata?: { namespace?: string };
    },
    options: { dryRun?: boolean } = {},
  ): Promise<StoredObject> {
    const resource = await this.servedResource(obj.apiVersion, obj.kind);
    if (!resource) throw notServed(obj);
    const path = this.resourcePath(obj.apiVersion, resource, {
      namespace: obj.metadata?.namespace ?? this.defaultNamespace(),
    });
    return this.request('POST', path, {
      query: { dryRun: options.dryRun ? 'All' : undefined },
      body: obj,
    });
  }

  /** Deletes an object (background propagation); resolves when it is gone or was already gone. */
  async delete(ref: ObjectRef): Promise<void> {
    const path = await this.objectPath(ref);
    if (!path) return;
    try {
      await this.request('DELETE', path, {
        query: { propagationPolicy: 'Background' },
      });
    } catch (e) {
      if (!(e instanceof KubeApiError && e.statusCode === 404)) throw e;
    }
  }

  /** Lists a kind (all namespaces when `namespace` is undefined); undefined when the kind is not served. */
  async list(
    apiVersion: string,
    kind: string,
    namespace?: string,
  ): Promise<StoredObject[] | undefined> {
    const resource = await this.servedResource(apiVersion, kind);
    if (!resource) return undefined;
    const list = await this.getJson(
      this.resourcePath(apiVersion, resource, { namespace }),
    );
    return (list.items ?? []).map((item: StoredObject) => ({
      ...item,
      apiVersion,
      kind,
    }));
  }

  /** Closes the connections. */
  close(): void {
    this.http2.close();
    this.agent?.destroy();
    this.agent = undefined;
    this.agentKey = undefined;
  }

  private resourcePath(
    apiVersion: string,
    resource: ServedResource,
    target: { namespace?: string; name?: string },
  ): string {
    const parts = [apiVersionPath(apiVersion)];
    if (resource.namespaced && target.namespace)
      parts.push('namespaces', encodeURIComponent(target.namespace));
    parts.push(resource.name);
    if (target.name) parts.push(encodeURIComponent(target.name));
    return parts.join('/');
  }

  private defaultNamespace(): string {
    const context = this.kc.getContextObject(this.kc.getCurrentContext());
    return context?.namespace || 'default';
  }

  private async send(
    method: KubeMethod,
    path: string,
    options: KubeRequestOptions,
  ): Promise<Answer> {
    const what = `${method} ${path.split('?')[0]}`;
    const payload =
      options.body === undefined ? undefined : JSON.stringify(options.body);
    // Large answers (lists) come compressed: a fraction of the bytes over an island's uplink.
    const headers: http.OutgoingHttpHeaders = { 'Accept-Encoding': 'gzip' };
    if (payload !== undefined) {
      headers['Content-Type'] = options.contentType ?? 'application/json';
      headers['Content-Length'] = Buffer.byteLength(payload);
    }
    const timeoutMs = options.timeoutMs ?? 30_000;
    const req = await this.open(
      method,
      withQuery(path, options.query),
      headers,
      what,
      timeoutMs,
    );
    return new Promise<Answer>((resolve, reject) => {
      const done = this.settle(req, what, options.signal, resolve, reject);
      if (!done) return;
      done.arm(timeoutMs);
      req.onResponse((statusCode, res) =>
        collect(res, done.fail).then(
          body => done.succeed({ statusCode, body }),
          done.fail,
        ),
      );
      req.end(payload);
    });
  }

  /**
   * Settles a request once: on its error, the caller's abort, a timeout (armed by the caller) or
   * its outcome. Undefined when the signal was already aborted (the request is destroyed).
   */
  private settle<T>(
    req: Exchange,
    what: string,
    signal: AbortSignal | undefined,
    resolve: (value: T) => void,
    reject: (error: unknown) => void,
  ) {
    let settled = false;
    let disarm = () => {};
    let onAbort: () => void = () => {};
    const finish = (err: unknown, value?: T, passThrough = false) => {
      if (settled) return;
      settled = true;
      disarm();
      signal?.removeEventListener('abort', onAbort);
      if (err) reject(passThrough ? err : toKubeApiError(err, what));
      else resolve(value as T);
    };
    /** Ends the request early: the caller cancelled, no answer in time, or the consumer failed. */
    const cut = (err: unknown, passThrough = false) => {
      req.destroy();
      finish(err, undefined, passThrough);
    };
    onAbort = () => cut(new KubeApiError('aborted', `${what}: aborted`));
    if (signal?.aborted) {
      onAbort();
      return undefined;
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    req.onError(e => finish(e));
    return {
      arm: (ms: number) => {
        disarm = timeoutAfterPendingIo(ms, () => {
          req.timedOut();
          cut(
            new KubeApiError('timeout', `${what}: no answer within ${ms} ms`),
          );
        });
      },
      disarm: () => disarm(),
      succeed: (value: T) => finish(undefined, value),
      fail: (e: unknown) => finish(e),
      /** The consumer's own error (e.g. "relist"): passed on unchanged. */
      failAsIs: (e: unknown) => cut(e, true),
      get settled() {
        return settled;
      },
    };
  }

  /**
   * Starts a request: on the cluster's HTTP/2 connection when it is HTTPS without a proxy and the
   * server speaks h2, else on a keep-alive HTTP/1.1 agent. Connecting takes at most `timeoutMs`.
   */
  private async open(
    method: KubeMethod,
    path: string,
    extraHeaders: http.OutgoingHttpHeaders,
    what: string,
    timeoutMs: number,
  ): Promise<Exchange> {
    const init = await this.fetchOptions();
    const url = new URL(this.server + path);
    const isHttps = url.protocol === 'https:';
    const headers = {
      ...headersOf(init),
      Accept: 'application/json',
      ...extraHeaders,
    };
    const proxied = !!this.kc.getCurrentCluster()?.proxyUrl;
    if (isHttps && !proxied && !this.http2.http1Only) {
      const request = { method, url, headers, what, timeoutMs };
      const exchange = await this.openHttp2(init.agent as http.Agent, request);
      if (exchange) return exchange;
    }
    const agent = proxied
      ? (init.agent as http.Agent)
      : this.keepAliveAgent(init.agent as http.Agent, isHttps);
    return http1Exchange(
      (isHttps ? https : http).request(url, { method, agent, headers }),
    );
  }

  /** The credentials and TLS materials of the kubeconfig, as client-node applies them. */
  private async fetchOptions(): Promise<FetchOptions> {
    try {
      return await this.kc.applyToFetchOptions({});
    } catch (e) {
      // Credential plugins (exec, token files) may fail; their messages can quote configuration.
      throw new KubeApiError(
        'network',
        `credentials could not be applied (${describeError(e)})`,
      );
    }
  }

  /** The request as a stream of the cluster's HTTP/2 session; undefined if it speaks no h2. */
  private async openHttp2(
    freshAgent: http.Agent,
    request: {
      method: KubeMethod;
      url: URL;
      headers: http.OutgoingHttpHeaders;
      what: string;
      timeoutMs: number;
    },
  ): Promise<Exchange | undefined> {
    const materials = tlsMaterials(freshAgent);
    let session;
    try {
      session = await this.http2.get(
        materials,
        materialsKey(materials),
        request.timeoutMs,
      );
    } catch (e) {
      throw toKubeApiError(e, request.what);
    }
    if (!session) return undefined;
    const stream = this.http2.request(
      session,
      request.method,
      request.url.pathname + request.url.search,
      request.headers as Record<string, string | number>,
    );
    return http2Exchange(stream, () => this.http2.check(session));
  }

  /**
   * One keep-alive agent per set of TLS materials (client-node makes a new agent per request;
   * re-created when the materials change, e.g. rotated certificates).
   */
  private keepAliveAgent(fresh: http.Agent, isHttps: boolean): http.Agent {
    const tls = tlsMaterials(fresh);
    const key = `${isHttps}:${materialsKey(tls)}`;
    if (this.agent && this.agentKey === key) return this.agent;
    this.agent?.destroy();
    this.agent = isHttps
      ? new https.Agent({ keepAlive: true, ...tls })
      : new http.Agent({ keepAlive: true });
    this.agentKey = key;
    return this.agent;
  }
}

/** The TLS materials client-node put on the agent it made for a request. */
function tlsMaterials(agent: http.Agent | undefined): TlsMaterials {
  const options: https.AgentOptions = (agent as any)?.options ?? {};
  const materials: TlsMaterials = {
    ca: options.ca,
    cert: options.cert,
    key: options.key,
    pfx: options.pfx,
    passphrase: options.passphrase,
    servername: options.servername,
  };
  if (options.rejectUnauthorized !== undefined)
    materials.rejectUnauthorized = options.rejectUnauthorized;
  return materials;
}

/** A hash identifying TLS materials (a rotated certificate changes it). */
function materialsKey(tls: TlsMaterials): string {
  const hash = createHash('sha256');
  for (const part of [
    tls.ca,
    tls.cert,
    tls.key,
    tls.pfx,
    tls.servername,
    String(tls.rejectUnauthorized),
  ]) {
    if (part === undefined) hash.update('-');
    else hash.update(Buffer.isBuffer(part) ? part : String(part));
    hash.update('\0');
  }
  return hash.digest('hex');
}

function notServed(obj: { apiVersion: string; kind: string }): KubeApiError {
  const message = `the API server does not serve ${obj.kind} (${obj.apiVersion}): is the CRD installed?`;
  return new KubeApiError('http', message, {
    statusCode: 404,
    reason: 'NotServed',
    statusMessage: message,
  });
}

/** The resources of an APIResourceList, each with its subresources. */
function servedResources(doc: any): Array<ServedResource & { kind: string }> {
  const all: any[] = Array.isArray(doc?.resources) ? doc.resources : [];
  const names = all.map(r => r?.name).filter(n => typeof n === 'string');
  return all
    .filter(r => typeof r?.name === 'string' && !r.name.includes('/'))
    .map(r => ({
      kind: String(r.kind),
      name: r.name,
      namespaced: !!r.namespaced,
      subresources: names
        .filter(n => n.startsWith(`${r.name}/`))
        .map(n => n.slice(r.name.length + 1)),
    }));
}

function withQuery(
  path: string,
  query: Record<string, string | undefined> = {},
): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query))
    if (v !== undefined) params.set(k, v);
  const text = params.toString();
  if (!text) return path;
  return `${path}${path.includes('?') ? '&' : '?'}${text}`;
}
