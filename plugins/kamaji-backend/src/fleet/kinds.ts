import { FLEET_KINDS, KubeKind } from '@kamaji-backstage/plugin-kamaji-common';
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

/** What the fleet watches in a management cluster. `keepSecret` says which Secrets' data to keep. */
export function managementKinds(
  keepSecret: (namespace: string, name: string) => boolean,
): KindWatch[] {
  return [
    { name: 'Cluster', kind: FLEET_KINDS.Cluster, extract: extractCluster },
    {
      name: 'KamajiControlPlane',
      kind: FLEET_KINDS.KamajiControlPlane,
      extract: extractKcp,
    },
    {
      name: 'MachineDeployment',
      kind: FLEET_KINDS.MachineDeployment,
      extract: extractMachineDeployment,
    },
    { name: 'Machine', kind: FLEET_KINDS.Machine, extract: extractMachine },
    {
      name: 'TenantControlPlane',
      kind: FLEET_KINDS.TenantControlPlane,
      extract: extractTcp,
    },
    {
      name: 'DataStore',
      kind: FLEET_KINDS.DataStore,
      extract: extractDataStore,
    },
    {
      name: 'ClusterProfile',
      kind: FLEET_KINDS.ClusterProfile,
      extract: extractClusterProfile,
    },
    {
      name: 'ClusterSummary',
      kind: FLEET_KINDS.ClusterSummary,
      extract: extractClusterSummary,
    },
    {
      name: 'ClusterResourceSet',
      kind: FLEET_KINDS.ClusterResourceSet,
      extract: extractClusterResourceSet,
    },
    {
      name: 'ClusterResourceSetBinding',
      kind: FLEET_KINDS.ClusterResourceSetBinding,
      extract: extractCrsBinding,
    },
    {
      name: 'HelmChartProxy',
      kind: FLEET_KINDS.HelmChartProxy,
      extract: extractHelmChartProxy,
    },
    {
      name: 'HelmReleaseProxy',
      kind: FLEET_KINDS.HelmReleaseProxy,
      extract: extractHelmReleaseProxy,
    },
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
    {
      name: 'TenantControlPlane',
      kind: FLEET_KINDS.TenantControlPlane,
      extract: extractTcp,
    },
    {
      name: 'DataStore',
      kind: FLEET_KINDS.DataStore,
      extract: extractDataStore,
    },
  ];
}
