import { usePermission } from '@backstage/plugin-permission-react';
import type { ResourcePermission } from '@backstage/plugin-permission-common';
import {
  KAMAJI_CLUSTER_RESOURCE_TYPE,
  type ClusterId,
} from '@kamaji-backstage/plugin-kamaji-common';

/**
 * Whether the user may act on one fleet cluster: the permission framework's answer for the
 * cluster as a `kamaji-cluster` resource (the backend resolves the id to the cluster, so
 * conditional policies such as "owned by my groups" apply). False while the answer is pending.
 */
export function useClusterPermission(
  permission: ResourcePermission<typeof KAMAJI_CLUSTER_RESOURCE_TYPE>,
  clusterId: ClusterId | undefined,
): boolean {
  const { allowed } = usePermission({ permission, resourceRef: clusterId });
  return allowed;
}
