import { createPermissionResourceRef } from '@backstage/plugin-permission-node';
import {
  ClusterRole,
  FleetCluster,
  KAMAJI_CLUSTER_RESOURCE_TYPE,
} from '@kamaji-backstage/plugin-kamaji-common';

/**
 * What a permission rule on fleet clusters turns into when a set of clusters is filtered:
 * a plain, serialisable test on one field of a {@link @kamaji-backstage/plugin-kamaji-common#FleetCluster}
 * (the cluster matches when the field's value is one of `values`, compared without regard to case).
 *
 * The fleet lives in memory, so the "query" is evaluated in memory too
 * (see {@link compileKamajiClusterCriteria}); it is data rather than a function so that it can be
 * logged and compared in tests.
 *
 * @public
 */
export type KamajiClusterFilter =
  | { key: 'owner'; values: string[] }
  | { key: 'role'; values: ClusterRole[] }
  | { key: 'managementCluster'; values: string[] };

/**
 * The permission resource of fleet clusters: resources are {@link @kamaji-backstage/plugin-kamaji-common#FleetCluster}s
 * loaded by {@link @kamaji-backstage/plugin-kamaji-common#ClusterId} from the fleet service.
 *
 * @public
 */
export const kamajiClusterResourceRef = createPermissionResourceRef<
  FleetCluster,
  KamajiClusterFilter
>().with({
  pluginId: 'kamaji',
  resourceType: KAMAJI_CLUSTER_RESOURCE_TYPE,
});
