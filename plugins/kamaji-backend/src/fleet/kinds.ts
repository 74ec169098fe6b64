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
  const F = FLEET_KINDS;
  return [
    { name: 'Cluster', kind: F.Cluster, extract: extractCluster },
    {
      name: 'KamajiControlPlane',
      kind: F.KamajiControlPlane,
      extract: extractKcp,
    },
    {
      name: 'MachineDeployment',
      kind: F.MachineDeployment,
      extract: extractMachineDeployment,
    },
    { name: 'Machine', kind: F.Machine, extract: extractMachine },
    {
      name: 'TenantControlPlane',
      kind: F.TenantControlPlane,
      extract: extractTcp,
    },
    { name: 'DataStore', kind: F.DataStore, extract: extractDataStore },
    {
      name: 'ClusterProfile',
      kind: F.ClusterProfile,
      extract: extractClusterProfile,
    },
    {
      name: 'ClusterSummary',
      kind: F.ClusterSummary,
      extract: extractClusterSummary,
    },
    {
      name: 'ClusterResourceSet',
      kind: F.ClusterResourceSet,
      extract: extractClusterResourceSet,
    },
    {
      name: 'ClusterResourceSetBinding',
      kind: F.ClusterResourceSetBinding,
      extract: extractCrsBinding,
    },
    {
      name: 'HelmChartProxy',
      kind: F.HelmChartProxy,
      extract: extractHelmChartProxy,
    },
    {
      name: 'HelmReleaseProxy',
      kind: F.HelmReleaseProxy,
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
