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

/** Identifies an object: apiVersion, kind, name and (for namespaced kinds) namespace. @public */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
}

/**
 * A failed API request: HTTP status, the server's reason and message, and for server-side apply
 * conflicts the fields and their managers. Never contains the request body or credentials.
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

/**
 * What the actions need from an API server: read, server-side apply (optionally as a dry run),
 * delete and list, for any kind (resolved through API discovery).
 *
 * @public
 */
export interface ObjectClient {
  /** Reads an object; undefined when it (or its kind) does not exist. */
  get(ref: ObjectRef): Promise<StoredObject | undefined>;
  /** Server-side apply with strict field validation. */
  apply(
    obj: ObjectRef & Record<string, unknown>,
    options: { fieldManager: string; dryRun?: boolean; force?: boolean },
  ): Promise<StoredObject>;
  /** Deletes an object (background propagation); resolves when it is gone or was already gone. */
  delete(ref: ObjectRef): Promise<void>;
  /** Lists a kind (all namespaces when `namespace` is undefined); undefined when the kind is not served. */
  list(
    apiVersion: string,
    kind: string,
    namespace?: string,
  ): Promise<StoredObject[] | undefined>;
}

/**
 * Makes an {@link ObjectClient} for a cluster.
 *
 * @public
 */
export type ObjectClientFactory = (kubeConfig: KubeConfig) => ObjectClient;

/** KubernetesObjectApi with its discovery helpers opened up, and a raw JSON request. */
class DiscoveryApi extends KubernetesObjectApi {
  init(kc: KubeConfig) {
    this.setDefaultNamespace(kc);
    return this;
  }

  apiPath(apiVersion: string): string {
    return this.apiVersionPath(apiVersion);
  }

  async served(apiVersion: string, kind: string) {
    try {
      return await this.resource(apiVersion, kind);
    } catch (e: any) {
      // An API group that is not served at all answers discovery with 404.
      if (e?.code === 404 || /404/.test(String(e?.message))) return undefined;
      throw toKubeApiError(e);
    }
  }

  async pathOf(ref: ObjectRef): Promise<string | undefined> {
    if (!(await this.served(ref.apiVersion, ref.kind))) return undefined;
    const copy = { ...ref, metadata: { ...ref.metadata } };
    return this.specUriPath(copy as KubernetesObject, 'read');
  }

  async send(
    method: HttpMethod,
    path: string,
    options: {
      query?: Record<string, string>;
      body?: unknown;
      contentType?: string;
    } = {},
  ): Promise<StoredObject> {
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
      throw toKubeApiError(e);
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

/**
 * {@link ObjectClient} on @kubernetes/client-node: resolves kinds through discovery
 * (KubernetesObjectApi) and sends plain JSON, so no field is converted or dropped by client-side
 * models.
 *
 * @public
 */
export class KubeObjectClient implements ObjectClient {
  static forConfig(kc: KubeConfig): KubeObjectClient {
    return new KubeObjectClient(kc.makeApiClient(DiscoveryApi).init(kc));
  }

  private constructor(private readonly api: DiscoveryApi) {}

  async get(ref: ObjectRef): Promise<StoredObject | undefined> {
    const path = await this.api.pathOf(ref);
    if (!path) return undefined;
    try {
      return await this.api.send(HttpMethod.GET, path);
    } catch (e) {
      if (e instanceof KubeApiError && e.code === 404) return undefined;
      throw e;
    }
  }

  async apply(
    obj: ObjectRef & Record<string, unknown>,
    options: { fieldManager: string; dryRun?: boolean; force?: boolean },
  ): Promise<StoredObject> {
    const path = await this.api.pathOf(obj);
    if (!path) {
      throw new KubeApiError(
        404,
        `the API server does not serve ${obj.kind} (${obj.apiVersion}): is the CRD installed?`,
        'NotServed',
      );
    }
    const query: Record<string, string> = {
      fieldManager: options.fieldManager,
      force: String(options.force ?? false),
      fieldValidation: 'Strict',
    };
    if (options.dryRun) query.dryRun = 'All';
    return this.api.send(HttpMethod.PATCH, path, {
      query,
      body: obj,
      contentType: 'application/apply-patch+yaml',
    });
  }

  async delete(ref: ObjectRef): Promise<void> {
    const path = await this.api.pathOf(ref);
    if (!path) return;
    try {
      await this.api.send(HttpMethod.DELETE, path, {
        query: { propagationPolicy: 'Background' },
      });
    } catch (e) {
      if (!(e instanceof KubeApiError && e.code === 404)) throw e;
    }
  }

  async list(
    apiVersion: string,
    kind: string,
    namespace?: string,
  ): Promise<StoredObject[] | undefined> {
    const resource = await this.api.served(apiVersion, kind);
    if (!resource) return undefined;
    const parts = [this.api.apiPath(apiVersion)];
    if (resource.namespaced && namespace)
      parts.push('namespaces', encodeURIComponent(namespace));
    parts.push(resource.name);
    const list: any = await this.api.send(HttpMethod.GET, parts.join('/'));
    return (list.items ?? []).map((item: StoredObject) => ({
      ...item,
      apiVersion,
      kind,
    }));
  }
}

/** Network-level failures (connection refused, TLS, timeouts) become KubeApiError code 0. */
function toKubeApiError(e: unknown): KubeApiError {
  if (e instanceof KubeApiError) return e;
  const message = String((e as any)?.message ?? e).split('\n')[0];
  return new KubeApiError(
    0,
    `cannot reach the API server: ${message}`,
    'Unreachable',
  );
}

/** The default factory. @public */
export const defaultObjectClientFactory: ObjectClientFactory = kc =>
  KubeObjectClient.forConfig(kc);
