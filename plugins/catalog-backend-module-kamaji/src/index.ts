/**
 * Catalog entity provider for Cluster API + Kamaji island fleets: install with
 * `backend.add(import('@kamaji-backstage/plugin-catalog-backend-module-kamaji'))` next to
 * `@kamaji-backstage/plugin-kamaji-backend`.
 *
 * @packageDocumentation
 */
export { catalogModuleKamaji as default } from './module';
export { KamajiEntityProvider, CHUNK_SIZE } from './KamajiEntityProvider';
export {
  ClusterEntityMapper,
  UNMANAGED_LABEL,
  MANAGEMENT_CLUSTER_LABEL,
  toTag,
  versionTag,
} from './entities';
export { clusterEntityName, isValidEntityName } from './naming';
export {
  TenantRelationsProcessor,
  TENANT_DEPENDS_ON_ANNOTATION,
  TENANT_PART_OF_ANNOTATION,
} from './TenantRelationsProcessor';
export { readCatalogSettings } from './config';
export type { KamajiCatalogSettings } from './config';
