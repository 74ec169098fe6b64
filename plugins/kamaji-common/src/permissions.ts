import { createPermission } from '@backstage/plugin-permission-common';

/**
 * The resource type of fleet clusters in the permission framework. Conditional decisions
 * (for example "owned by the user's groups") are evaluated against fleet clusters.
 *
 * @public
 */
export const KAMAJI_CLUSTER_RESOURCE_TYPE = 'kamaji-cluster';

/**
 * See a cluster (and everything the fleet model says about it).
 *
 * @public
 */
export const kamajiClusterReadPermission = createPermission({
  name: 'kamaji.cluster.read',
  attributes: { action: 'read' },
  resourceType: KAMAJI_CLUSTER_RESOURCE_TYPE,
});

/**
 * Change a tenant's Kubernetes version.
 *
 * @public
 */
export const kamajiClusterUpgradePermission = createPermission({
  name: 'kamaji.cluster.upgrade',
  attributes: { action: 'update' },
  resourceType: KAMAJI_CLUSTER_RESOURCE_TYPE,
});

/**
 * Change the replica count of a worker pool.
 *
 * @public
 */
export const kamajiClusterScalePermission = createPermission({
  name: 'kamaji.cluster.scale',
  attributes: { action: 'update' },
  resourceType: KAMAJI_CLUSTER_RESOURCE_TYPE,
});

/**
 * Delete a tenant cluster.
 *
 * @public
 */
export const kamajiClusterDeletePermission = createPermission({
  name: 'kamaji.cluster.delete',
  attributes: { action: 'delete' },
  resourceType: KAMAJI_CLUSTER_RESOURCE_TYPE,
});

/**
 * Create clusters, islands and addon sets (scaffolder actions).
 *
 * @public
 */
export const kamajiClusterCreatePermission = createPermission({
  name: 'kamaji.cluster.create',
  attributes: { action: 'create' },
});

/**
 * Read the audit trail of day-2 actions.
 *
 * @public
 */
export const kamajiAuditReadPermission = createPermission({
  name: 'kamaji.audit.read',
  attributes: { action: 'read' },
});

/**
 * Create, start, pause, resume and abort fleet upgrade plans (waves of tenant upgrades).
 *
 * @public
 */
export const kamajiFleetUpgradePermission = createPermission({
  name: 'kamaji.fleet.upgrade',
  attributes: { action: 'update' },
});

/**
 * Every permission of the Kamaji plugins.
 *
 * @public
 */
export const kamajiPermissions = [
  kamajiClusterReadPermission,
  kamajiClusterUpgradePermission,
  kamajiClusterScalePermission,
  kamajiClusterDeletePermission,
  kamajiClusterCreatePermission,
  kamajiAuditReadPermission,
  kamajiFleetUpgradePermission,
];
