export { kamajiClusterResourceRef } from './resourceRef';
export type { KamajiClusterFilter } from './resourceRef';
export {
  isOwnedBy,
  hasRole,
  isInManagementCluster,
  kamajiClusterPermissionRules,
  compileKamajiClusterCriteria,
  matchesKamajiClusterFilter,
  ownerEntityRefFromLabel,
  ownerEntityRefOf,
} from './rules';
export {
  kamajiClusterConditions,
  createKamajiClusterConditionalDecision,
} from './conditions';
