/**
 * The Kubernetes kinds the fleet reads and writes, with the API versions this project uses.
 * CAPI objects are v1beta2 and KamajiControlPlane is v1alpha2; older served versions are
 * listed so readers can fall back to them for older management clusters.
 *
 * @public
 */
export interface KubeKind {
  /** The object kind, e.g. `Cluster`. */
  kind: string;
  /** The API group, e.g. `cluster.x-k8s.io`. */
  group: string;
  /** The version this project writes. */
  version: string;
  /** Older versions a reader may fall back to (read-only), newest first. */
  fallbackVersions: string[];
  /** The resource name used in URLs, e.g. `clusters`. */
  plural: string;
  /** Whether objects live in a namespace. */
  namespaced: boolean;
}

function kind(
  k: string,
  group: string,
  version: string,
  plural: string,
  namespaced: boolean,
  fallbackVersions: string[] = [],
): KubeKind {
  return { kind: k, group, version, plural, namespaced, fallbackVersions };
}

/**
 * Every kind of the Island architecture, by kind name.
 *
 * @public
 */
export const FLEET_KINDS = {
  Cluster: kind('Cluster', 'cluster.x-k8s.io', 'v1beta2', 'clusters', true, [
    'v1beta1',
  ]),
  MachineDeployment: kind(
    'MachineDeployment',
    'cluster.x-k8s.io',
    'v1beta2',
    'machinedeployments',
    true,
    ['v1beta1'],
  ),
  MachineSet: kind(
    'MachineSet',
    'cluster.x-k8s.io',
    'v1beta2',
    'machinesets',
    true,
    ['v1beta1'],
  ),
  Machine: kind('Machine', 'cluster.x-k8s.io', 'v1beta2', 'machines', true, [
    'v1beta1',
  ]),
  ClusterResourceSet: kind(
    'ClusterResourceSet',
    'addons.cluster.x-k8s.io',
    'v1beta2',
    'clusterresourcesets',
    true,
    ['v1beta1'],
  ),
  ClusterResourceSetBinding: kind(
    'ClusterResourceSetBinding',
    'addons.cluster.x-k8s.io',
    'v1beta2',
    'clusterresourcesetbindings',
    true,
    ['v1beta1'],
  ),
  KubeadmConfigTemplate: kind(
    'KubeadmConfigTemplate',
    'bootstrap.cluster.x-k8s.io',
    'v1beta2',
    'kubeadmconfigtemplates',
    true,
    ['v1beta1'],
  ),
  KamajiControlPlane: kind(
    'KamajiControlPlane',
    'controlplane.cluster.x-k8s.io',
    'v1alpha2',
    'kamajicontrolplanes',
    true,
    ['v1alpha1'],
  ),
  TenantControlPlane: kind(
    'TenantControlPlane',
    'kamaji.clastix.io',
    'v1alpha1',
    'tenantcontrolplanes',
    true,
  ),
  DataStore: kind(
    'DataStore',
    'kamaji.clastix.io',
    'v1alpha1',
    'datastores',
    false,
  ),
  ClusterProfile: kind(
    'ClusterProfile',
    'config.projectsveltos.io',
    'v1beta1',
    'clusterprofiles',
    false,
  ),
  ClusterSummary: kind(
    'ClusterSummary',
    'config.projectsveltos.io',
    'v1beta1',
    'clustersummaries',
    true,
  ),
  HelmChartProxy: kind(
    'HelmChartProxy',
    'addons.cluster.x-k8s.io',
    'v1alpha1',
    'helmchartproxies',
    true,
  ),
  HelmReleaseProxy: kind(
    'HelmReleaseProxy',
    'addons.cluster.x-k8s.io',
    'v1alpha1',
    'helmreleaseproxies',
    true,
  ),
} as const;

/** @public */
export type FleetKindName = keyof typeof FLEET_KINDS;

/**
 * `group/version` of a kind, as written in `apiVersion`.
 *
 * @public
 */
export function apiVersionOf(k: KubeKind): string {
  return `${k.group}/${k.version}`;
}
