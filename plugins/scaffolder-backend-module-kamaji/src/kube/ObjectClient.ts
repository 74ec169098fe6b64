import { HttpMethod, KubeConfig } from '@kubernetes/client-node';
import {
  KubeApiError,
  KubeJsonApi,
  ObjectRef,
  StoredObject,
} from '@kamaji-backstage/plugin-kamaji-node';

export { KubeApiError };
export type { ObjectRef, StoredObject };

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

/**
 * {@link ObjectClient} on @kubernetes/client-node: resolves kinds through discovery
 * (kamaji-node's KubeJsonApi) and sends plain JSON, so no field is converted or dropped by client-side
 * models.
 *
 * @public
 */
export class KubeObjectClient implements ObjectClient {
  static forConfig(kc: KubeConfig): KubeObjectClient {
    return new KubeObjectClient(KubeJsonApi.forConfig(kc));
  }

  private constructor(private readonly api: KubeJsonApi) {}

  async get(ref: ObjectRef): Promise<StoredObject | undefined> {
    const path = await this.api.objectPath(ref);
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
    const path = await this.api.objectPath(obj);
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
    const path = await this.api.objectPath(ref);
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
    const resource = await this.api.servedResource(apiVersion, kind);
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

/** The default factory. @public */
export const defaultObjectClientFactory: ObjectClientFactory = kc =>
  KubeObjectClient.forConfig(kc);
