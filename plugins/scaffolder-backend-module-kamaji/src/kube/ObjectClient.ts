import { KubeConfig } from '@kubernetes/client-node';
import {
  KubeApiError,
  KubeClient,
  ObjectRef,
  StoredObject,
} from '@kamaji-backstage/plugin-kamaji-node';

export { KubeApiError };
export type { ObjectRef, StoredObject };

/**
 * What the actions need from an API server: read, server-side apply (optionally as a dry run),
 * delete and list, for any kind (resolved through API discovery): the object methods of
 * kamaji-node's {@link @kamaji-backstage/plugin-kamaji-node#KubeClient}.
 *
 * @public
 */
export type ObjectClient = Pick<
  KubeClient,
  'get' | 'apply' | 'delete' | 'list'
>;

/**
 * Makes an {@link ObjectClient} for a cluster.
 *
 * @public
 */
export type ObjectClientFactory = (kubeConfig: KubeConfig) => ObjectClient;

/** The default factory. @public */
export const defaultObjectClientFactory: ObjectClientFactory = kc =>
  new KubeClient(kc);
