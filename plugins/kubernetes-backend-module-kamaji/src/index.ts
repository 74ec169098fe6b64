/**
 * Kubernetes plugin integration for Cluster API + Kamaji island fleets: install with
 * `backend.add(import('@kamaji-backstage/plugin-kubernetes-backend-module-kamaji'))` next to
 * `@kamaji-backstage/plugin-kamaji-backend` and `@backstage/plugin-kubernetes-backend`.
 *
 * @packageDocumentation
 */
export { kubernetesModuleKamaji as default } from './module';
export { KamajiClusterSupplier } from './KamajiClusterSupplier';
export type { CallerIdentity, ReadableClusters } from './KamajiClusterSupplier';
export { readableClustersOf } from './readableClusters';
export { KamajiServiceLocator } from './KamajiServiceLocator';
export {
  KamajiAuthStrategy,
  KAMAJI_AUTH_PROVIDER,
  KAMAJI_CLUSTER_ID_METADATA,
} from './KamajiAuthStrategy';
export { KamajiFetcher } from './KamajiFetcher';
export { ImpersonatorTokens } from './ImpersonatorTokens';
export type { ImpersonatorSettings } from './ImpersonatorTokens';
export { impersonatedUserOf } from './impersonation';
export type { ImpersonatedUser } from './impersonation';
export { readKubernetesSettings } from './settings';
export type { KamajiKubernetesSettings } from './settings';
