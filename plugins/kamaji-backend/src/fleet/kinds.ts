import {
  FLEET_KINDS,
  FleetKindName,
  KubeKind,
} from '@kamaji-backstage/plugin-kamaji-common';
import type { KindWatch } from './clusterSource';
import {
  extractCluster,
  extractClusterProfile,
  extractClusterResourceSet,
  extractClusterSummary,
  extractCrsBinding,
  extractDataStore,
  extractHelmChartProxy,
  extractHelmReleaseProxy,
  extractKcp,
  extractMachine,
  extractMachineDeployment,
  extractSecret,
  extractTcp,
} from './objects';

/** The name the fleet model reads a watched kind by: the kind itself. */
export type WatchedKind =
  | 'Cluster'
  | 'KamajiControlPlane'
  | 'MachineDeployment'
  | 'Machine'
  | 'TenantControlPlane'
  | 'DataStore'
  | 'ClusterProfile'
  | 'ClusterSummary'
  | 'ClusterResourceSet'
  | 'ClusterResourceSetBinding'
  | 'HelmChartProxy'
  | 'HelmReleaseProxy'
  | 'Secret';

/** Core v1 Secret, for the CAPI kubeconfig Secrets of islands. */
export const SECRET_KIND: KubeKind = {
  kind: 'Secret',
  group: '',
  version: 'v1',
  fallbackVersions: [],
  plural: 'secrets',
  namespaced: true,
};

/** The type CAPI gives its Secrets (`<cluster>-kubeconfig`, `<cluster>-ca`, ...). */
export const CAPI_SECRET_TYPE = 'cluster.x-k8s.io/secret';

/** A watch of one of the fleet's kinds, read by the model under the kind's own name. */
const watchOf = (
  name: WatchedKind & FleetKindName,
  extract: (obj: any) => unknown,
): KindWatch => ({ name, kind: FLEET_KINDS[name], extract });

/** What the fleet watches in a management cluster. `keepSecret` says which Secrets' data to keep. */
export function managementKinds(
  keepSecret: (namespace: string, name: string) => boolean,
): KindWatch[] {
  return [
    watchOf('Cluster', extractCluster),
    watchOf('KamajiControlPlane', extractKcp),
    watchOf('MachineDeployment', extractMachineDeployment),
    watchOf('Machine', extractMachine),
    watchOf('TenantControlPlane', extractTcp),
    watchOf('DataStore', extractDataStore),
    watchOf('ClusterProfile', extractClusterProfile),
    watchOf('ClusterSummary', extractClusterSummary),
    watchOf('ClusterResourceSet', extractClusterResourceSet),
    watchOf('ClusterResourceSetBinding', extractCrsBinding),
    watchOf('HelmChartProxy', extractHelmChartProxy),
    watchOf('HelmReleaseProxy', extractHelmReleaseProxy),
    {
      name: 'Secret',
      kind: SECRET_KIND,
      fieldSelector: `type=${CAPI_SECRET_TYPE}`,
      extract: o => extractSecret(o, keepSecret),
    },
  ];
}

/** What the fleet watches on an island. */
export function islandKinds(): KindWatch[] {
  return [
    watchOf('TenantControlPlane', extractTcp),
    watchOf('DataStore', extractDataStore),
  ];
}
