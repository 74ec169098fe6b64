import { createConditionExports } from '@backstage/plugin-permission-node';
import { kamajiClusterResourceRef } from './resourceRef';
import { kamajiClusterPermissionRules } from './rules';

const { conditions, createConditionalDecision } = createConditionExports({
  resourceRef: kamajiClusterResourceRef,
  rules: kamajiClusterPermissionRules,
});

/**
 * Condition factories for policies: `kamajiClusterConditions.isOwnedBy({ ownershipEntityRefs })`,
 * `hasRole({ role })`, `isInManagementCluster({ name })`.
 *
 * @public
 */
export const kamajiClusterConditions = conditions;

/**
 * Wraps conditions into a CONDITIONAL policy decision for a `kamaji-cluster` resource permission.
 *
 * @example
 * ```ts
 * return createKamajiClusterConditionalDecision(
 *   request.permission,
 *   kamajiClusterConditions.isOwnedBy({ ownershipEntityRefs: user.info.ownershipEntityRefs }),
 * );
 * ```
 *
 * @public
 */
export const createKamajiClusterConditionalDecision = createConditionalDecision;
