import type { KubeConfig } from '@kubernetes/client-node';
import {
  KubeApplyOptions,
  KubeClient,
} from '@kamaji-backstage/plugin-kamaji-node';

/** A Kubernetes object as read from YAML or returned by the API server. */
export interface AnyObject {
  apiVersion: string;
  kind: string;
  metadata: Record<string, any>;
  [key: string]: any;
}

/** Server-side apply options; tests force by default (they play controllers taking fields over). */
export type ApplyOptions = KubeApplyOptions;

/**
 * What tests, the seeder and the benchmark need on top of kamaji-node's KubeClient: forced
 * server-side apply, lists that fail when a kind is not served, and discovery questions.
 */
export class FleetObjectApi extends KubeClient {
  static forConfig(kc: KubeConfig): FleetObjectApi {
    return new FleetObjectApi(kc);
  }

  /** Server-side apply of `obj` (the whole object, or a subresource), forced unless told otherwise. */
  override async apply(obj: AnyObject, options: ApplyOptions): Promise<any> {
    await this.servedOrThrow(obj.apiVersion, obj.kind);
    return super.apply(obj as any, { force: true, ...options });
  }

  /** Reads an object; undefined when it does not exist (its kind must be served). */
  override async get(ref: AnyObject): Promise<any> {
    await this.servedOrThrow(ref.apiVersion, ref.kind);
    return super.get(ref as any);
  }

  /** Lists the objects of a kind, in one namespace or (namespace undefined) all of them. */
  async listAll(
    apiVersion: string,
    kind: string,
    namespace?: string,
  ): Promise<AnyObject[]> {
    await this.servedOrThrow(apiVersion, kind);
    return (await this.list(apiVersion, kind, namespace)) ?? [];
  }

  async remove(ref: AnyObject): Promise<void> {
    await this.servedOrThrow(ref.apiVersion, ref.kind);
    await this.delete(ref as any);
  }

  /** Whether the kind is namespaced (from discovery). */
  async isNamespaced(apiVersion: string, kind: string): Promise<boolean> {
    return (await this.servedOrThrow(apiVersion, kind)).namespaced;
  }

  /** Whether discovery lists a `status` subresource for the kind. */
  async hasStatusSubresource(
    apiVersion: string,
    kind: string,
  ): Promise<boolean> {
    const resource = await this.servedResource(apiVersion, kind);
    return !!resource?.subresources.includes('status');
  }

  private async servedOrThrow(apiVersion: string, kind: string) {
    const resource = await this.servedResource(apiVersion, kind);
    if (!resource)
      throw new Error(`${kind} ${apiVersion} is not served by ${this.server}`);
    return resource;
  }
}
