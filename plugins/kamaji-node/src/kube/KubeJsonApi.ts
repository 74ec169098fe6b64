import {
  HttpMethod,
  KubeConfig,
  KubernetesObject,
  KubernetesObjectApi,
  RequestContext,
} from '@kubernetes/client-node';

/**
 * An object as stored by the API server (plain JSON).
 *
 * @public
 */
export interface StoredObject {
  apiVersion: string;
  kind: string;
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
  [key: string]: unknown;
}

/**
 * Identifies an object: apiVersion, kind, name and (for namespaced kinds) namespace.
 *
 * @public
 */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
}

/**
 * A failed API request: HTTP status (0 when the server could not be reached), the server's
 * reason and message, and for server-side apply conflicts the fields and their managers. Never
 * contains the request body or credentials.
 *
 * @public
 */
export class KubeApiError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly reason?: string,
    readonly causes: Array<{
      field?: string;
      message?: string;
      reason?: string;
    }> = [],
  ) {
    super(message);
    this.name = 'KubeApiError';
  }
}

/** Network-level failures (connection refused, TLS, timeouts) become KubeApiError code 0. */
function unreachable(e: unknown): KubeApiError {
  if (e instanceof KubeApiError) return e;
  const message = String((e as any)?.message ?? e).split('\n')[0];
  return new KubeApiError(
    0,
    `cannot reach the API server: ${message}`,
    'Unreachable',
  );
}

/**
 * client-node's KubernetesObjectApi, which resolves any kind through API discovery, with raw JSON
 * requests: no client-side model (de)serialisation converts or drops fields, and any verb,
 * subresource or content type (server-side apply) can be sent.
 *
 * @public
 */
export class KubeJsonApi extends KubernetesObjectApi {
  /** An API client for the current context of `kc`. */
  static forConfig<T extends KubeJsonApi>(
    this: new (...args: any[]) => T,
    kc: KubeConfig,
  ): T {
    const api = kc.makeApiClient(this);
    api.setDefaultNamespace(kc);
    return api;
  }

  /** The API server URL, for messages. */
  get server(): string {
    return this.configuration.baseServer
      .makeRequestContext('', HttpMethod.GET)
      .getUrl();
  }

  /** The path of a group version: `/api/v1` or `/apis/<group>/<version>`. */
  apiPath(apiVersion: string): string {
    return this.apiVersionPath(apiVersion);
  }

  /** The served resource of a kind (from discovery); undefined when the server does not serve it. */
  async servedResource(apiVersion: string, kind: string) {
    try {
      return await this.resource(apiVersion, kind);
    } catch (e: any) {
      // An API group that is not served at all answers discovery with 404.
      if (e?.code === 404 || /404/.test(String(e?.message))) return undefined;
      throw unreachable(e);
    }
  }

  /** Whether discovery lists a `status` subresource for the kind. */
  async hasStatusSubresource(
    apiVersion: string,
    kind: string,
  ): Promise<boolean> {
    const resource = await this.servedResource(apiVersion, kind);
    const list = this.apiVersionResourceCache[apiVersion];
    return (
      !!resource &&
      !!list?.resources.some(r => r.name === `${resource.name}/status`)
    );
  }

  /** The path of an object; undefined when its kind is not served. */
  async objectPath(ref: ObjectRef): Promise<string | undefined> {
    if (!(await this.servedResource(ref.apiVersion, ref.kind)))
      return undefined;
    // specUriPath fills in a default namespace for namespaced kinds: work on a copy.
    const copy = { ...ref, metadata: { ...ref.metadata } };
    return this.specUriPath(copy as KubernetesObject, 'read');
  }

  /** Sends one request with a JSON (or apply-patch) body; returns the parsed JSON answer. */
  async send(
    method: HttpMethod,
    path: string,
    options: {
      query?: Record<string, string>;
      body?: unknown;
      contentType?: string;
    } = {},
  ): Promise<any> {
    const ctx: RequestContext =
      this.configuration.baseServer.makeRequestContext(path, method);
    ctx.setHeaderParam('Accept', 'application/json');
    for (const [k, v] of Object.entries(options.query ?? {}))
      ctx.setQueryParam(k, v);
    if (options.body !== undefined) {
      ctx.setHeaderParam(
        'Content-Type',
        options.contentType ?? 'application/json',
      );
      ctx.setBody(JSON.stringify(options.body));
    }
    const auth = this.configuration.authMethods.default;
    if (auth?.applySecurityAuthentication)
      await auth.applySecurityAuthentication(ctx);
    let response;
    try {
      response = await this.configuration.httpApi.send(ctx).toPromise();
    } catch (e) {
      throw unreachable(e);
    }
    const text = await response.body.text();
    let parsed: any;
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      parsed = text;
    }
    if (response.httpStatusCode < 200 || response.httpStatusCode > 299) {
      const status = typeof parsed === 'object' && parsed ? parsed : {};
      throw new KubeApiError(
        response.httpStatusCode,
        status.message ?? String(text).slice(0, 500),
        status.reason,
        Array.isArray(status.details?.causes) ? status.details.causes : [],
      );
    }
    return parsed;
  }
}
