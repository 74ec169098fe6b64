export { kamajiClusterResourceRef } from './resourceRef';
export type { KamajiClusterFilter } from './resourceRef';
export {
  isOwnedBy,
  hasRole,
  isInManagementCluster,
  kamajiClusterPermissionRules,
  compileKamajiClusterCriteria,
  matchesKamajiClusterFilter,
  ownerEntityRefOf,
} from './rules';
export {
  kamajiClusterConditions,
  createKamajiClusterConditionalDecision,
} from './conditions';
export {
  FLEET_SHARED_CLUSTER_ROLES,
  kamajiClusterReadConditions,
} from './readRule';
export { authorizeKamajiClusterScope } from './clusterScope';
export type { KamajiClusterScope } from './clusterScope';
export { ReadScopeCache, readPermissionCacheMs } from './ReadScopeCache';
export type { ReadScopeCacheOptions } from './ReadScopeCache';
