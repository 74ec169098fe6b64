import {
  HttpMethod,
  KubeConfig,
  KubernetesObject,
  KubernetesObjectApi,
  RequestContext,
} from '@kubernetes/client-node';

/** A failed API request: HTTP status code and the server's message (never the request body). */
export class KubeRequestError extends Error {
  constructor(readonly code: number, message: string, readonly status?: any) {
    super(message);
    this.name = 'KubeRequestError';
  }
}

/** A Kubernetes object as read from YAML or returned by the API server. */
export interface AnyObject {
  apiVersion: string;
  kind: string;
  metadata: Record<string, any>;
  [key: string]: any;
}

export interface ApplyOptions {
  fieldManager: string;
  /** Write through a subresource, e.g. `status`. */
  subresource?: 'status';
  /** Re-acquire fields owned by other managers (default true). */
  force?: boolean;
  /** Reject unknown or duplicate fields instead of silently pruning them (default true). */
  strict?: boolean;
}

/**
 * Generic access to any kind, built on client-node's KubernetesObjectApi: it resolves the resource
 * (plural, namespaced or not) through API discovery, so no kind has to be mapped by hand.
 * Adds what the base class lacks: server-side apply to a subresource, strict field validation,
 * and "does this kind have a status subresource". Requests and responses are plain JSON objects
 * (no client-node model (de)serialisation, which would drop or convert fields of core kinds).
 */
export class FleetObjectApi extends KubernetesObjectApi {
  static forConfig(kc: KubeConfig): FleetObjectApi {
    const api = kc.makeApiClient(FleetObjectApi);
    api.setDefaultNamespace(kc);
    return api;
  }

  /** The API server URL, for messages. */
  get server(): string {
    return this.configuration.baseServer
      .makeRequestContext('', HttpMethod.GET)
      .getUrl();
  }

  /** Server-side apply of `obj` (the whole object, or the status subresource). Returns the stored object. */
  async apply(obj: AnyObject, options: ApplyOptions): Promise<AnyObject> {
    const path = await this.objectPath(obj);
    const query: Record<string, string> = {
      fieldManager: options.fieldManager,
      force: String(options.force ?? true),
    };
    if (options.strict ?? true) query.fieldValidation = 'Strict';
    return this.send(
      HttpMethod.PATCH,
      options.subresource ? `${path}/${options.subresource}` : path,
      {
        query,
        body: obj,
        contentType: 'application/apply-patch+yaml',
      },
    );
  }

  /** Reads an object; undefined when it does not exist. */
  async get(ref: AnyObject): Promise<AnyObject | undefined> {
    try {
      return await this.send(HttpMethod.GET, await this.objectPath(ref));
    } catch (e) {
      if (e instanceof KubeRequestError && e.code === 404) return undefined;
      throw e;
    }
  }

  /** Lists the objects of a kind, in one namespace or (namespace undefined) all of them. */
  async listAll(
    apiVersion: string,
    kind: string,
    namespace?: string,
  ): Promise<AnyObject[]> {
    const resource = await this.resource(apiVersion, kind);
    if (!resource)
      throw new Error(`${kind} ${apiVersion} is not served by ${this.server}`);
    const parts = [this.apiVersionPath(apiVersion)];
    if (resource.namespaced && namespace)
      parts.push('namespaces', encodeURIComponent(namespace));
    parts.push(resource.name);
    const list = await this.send(HttpMethod.GET, parts.join('/'));
    return (list.items ?? []).map((item: AnyObject) => ({
      ...item,
      apiVersion,
      kind,
    }));
  }

  async remove(ref: AnyObject): Promise<void> {
    try {
      await this.send(HttpMethod.DELETE, await this.objectPath(ref));
    } catch (e) {
      if (!(e instanceof KubeRequestError && e.code === 404)) throw e;
    }
  }

  /** Whether the kind is served with a `status` subresource (discovery lists `<plural>/status`). */
  async hasStatusSubresource(
    apiVersion: string,
    kind: string,
  ): Promise<boolean> {
    const resource = await this.resource(apiVersion, kind);
    if (!resource)
      throw new Error(`${kind} ${apiVersion} is not served by ${this.server}`);
    const list = this.apiVersionResourceCache[apiVersion];
    return !!list?.resources.some(r => r.name === `${resource.name}/status`);
  }

  /** The served resource of a kind (from discovery), or undefined when the server does not serve it. */
  async servedResource(apiVersion: string, kind: string) {
    return this.resource(apiVersion, kind).catch(() => undefined);
  }

  /** Whether the kind is namespaced (from discovery). */
  async isNamespaced(apiVersion: string, kind: string): Promise<boolean> {
    const resource = await this.resource(apiVersion, kind);
    if (!resource)
      throw new Error(`${kind} ${apiVersion} is not served by ${this.server}`);
    return resource.namespaced;
  }

  private async objectPath(obj: AnyObject): Promise<string> {
    // specUriPath fills in a default namespace for namespaced kinds; work on a shallow copy.
    const copy = { ...obj, metadata: { ...obj.metadata } };
    return this.specUriPath(copy as KubernetesObject, 'read');
  }

  private async send(
    method: HttpMethod,
    path: string,
    options: {
      query?: Record<string, string>;
      body?: unknown;
      contentType?: string;
    } = {},
  ): Promise<AnyObject> {
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
    const response = await this.configuration.httpApi.send(ctx).toPromise();
    const text = await response.body.text();
    let parsed: any;
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      parsed = text;
    }
    if (response.httpStatusCode < 200 || response.httpStatusCode > 299) {
      const message =
        typeof parsed === 'object' && parsed?.message
          ? parsed.message
          : String(text).slice(0, 500);
      throw new KubeRequestError(
        response.httpStatusCode,
        `${response.httpStatusCode} ${method} ${path}: ${message}`,
        parsed,
      );
    }
    return parsed;
  }
}
