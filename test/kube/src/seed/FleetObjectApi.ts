import { HttpMethod } from '@kubernetes/client-node';
import {
  KubeApiError,
  KubeJsonApi,
} from '@kamaji-backstage/plugin-kamaji-node';

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
 * What tests, the seeder and the benchmark need on top of kamaji-node's KubeJsonApi (any kind
 * through discovery, plain JSON): server-side apply to the object or its status subresource,
 * get, list, delete, and errors that say which request failed.
 */
export class FleetObjectApi extends KubeJsonApi {
  /** Server-side apply of `obj` (the whole object, or the status subresource). Returns the stored object. */
  async apply(obj: AnyObject, options: ApplyOptions): Promise<AnyObject> {
    const path = await this.pathOf(obj);
    const query: Record<string, string> = {
      fieldManager: options.fieldManager,
      force: String(options.force ?? true),
    };
    if (options.strict ?? true) query.fieldValidation = 'Strict';
    return this.request(
      HttpMethod.PATCH,
      options.subresource ? `${path}/${options.subresource}` : path,
      { query, body: obj, contentType: 'application/apply-patch+yaml' },
    );
  }

  /** Reads an object; undefined when it does not exist. */
  async get(ref: AnyObject): Promise<AnyObject | undefined> {
    try {
      return await this.request(HttpMethod.GET, await this.pathOf(ref));
    } catch (e) {
      if (e instanceof KubeApiError && e.code === 404) return undefined;
      throw e;
    }
  }

  /** Lists the objects of a kind, in one namespace or (namespace undefined) all of them. */
  async listAll(
    apiVersion: string,
    kind: string,
    namespace?: string,
  ): Promise<AnyObject[]> {
    const resource = await this.servedOrThrow(apiVersion, kind);
    const parts = [this.apiPath(apiVersion)];
    if (resource.namespaced && namespace)
      parts.push('namespaces', encodeURIComponent(namespace));
    parts.push(resource.name);
    const list = await this.request(HttpMethod.GET, parts.join('/'));
    return (list.items ?? []).map((item: AnyObject) => ({
      ...item,
      apiVersion,
      kind,
    }));
  }

  async remove(ref: AnyObject): Promise<void> {
    try {
      await this.request(HttpMethod.DELETE, await this.pathOf(ref));
    } catch (e) {
      if (!(e instanceof KubeApiError && e.code === 404)) throw e;
    }
  }

  /** Whether the kind is namespaced (from discovery). */
  async isNamespaced(apiVersion: string, kind: string): Promise<boolean> {
    return (await this.servedOrThrow(apiVersion, kind)).namespaced;
  }

  private async servedOrThrow(apiVersion: string, kind: string) {
    const resource = await this.servedResource(apiVersion, kind);
    if (!resource)
      throw new Error(`${kind} ${apiVersion} is not served by ${this.server}`);
    return resource;
  }

  private async pathOf(obj: AnyObject): Promise<string> {
    const path = await this.objectPath(obj as any);
    if (!path)
      throw new Error(
        `${obj.kind} ${obj.apiVersion} is not served by ${this.server}`,
      );
    return path;
  }

  /** `send`, with the method and path in the error message (for test and seeder output). */
  private async request(
    method: HttpMethod,
    path: string,
    options?: Parameters<KubeJsonApi['send']>[2],
  ): Promise<any> {
    try {
      return await this.send(method, path, options);
    } catch (e) {
      if (!(e instanceof KubeApiError)) throw e;
      throw new KubeApiError(
        e.code,
        `${e.code} ${method} ${path}: ${e.message}`,
        e.reason,
        e.causes,
      );
    }
  }
}
