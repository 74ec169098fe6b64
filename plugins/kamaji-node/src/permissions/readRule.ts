import {
  PermissionCondition,
  PermissionCriteria,
} from '@backstage/plugin-permission-common';
import { ClusterRole } from '@kamaji-backstage/plugin-kamaji-common';
import { kamajiClusterConditions } from './conditions';

/**
 * Who reads a fleet cluster, the one rule the fleet API (`kamaji.cluster.read`) and the catalog
 * (`catalog.entity.read` of the clusters' Resource entities) both apply to application teams: the
 * clusters their groups own, and every cluster of these shared roles. Islands are shared sites a
 * team picks for its first tenant; management clusters hold them. Other teams' tenants stay out
 * of what the fleet API shows of them.
 *
 * @public
 */
export const FLEET_SHARED_CLUSTER_ROLES: readonly ClusterRole[] = [
  'island',
  'management',
];

/**
 * The fleet cluster read rule ({@link FLEET_SHARED_CLUSTER_ROLES}) as `kamaji-cluster` conditions, for
 * `createKamajiClusterConditionalDecision`.
 *
 * @public
 */
export function kamajiClusterReadConditions(
  ownershipEntityRefs: string[],
): PermissionCriteria<PermissionCondition<'kamaji-cluster'>> {
  return {
    anyOf: [
      kamajiClusterConditions.isOwnedBy({ ownershipEntityRefs }),
      ...FLEET_SHARED_CLUSTER_ROLES.map(role =>
        kamajiClusterConditions.hasRole({ role }),
      ),
    ],
  };
}
