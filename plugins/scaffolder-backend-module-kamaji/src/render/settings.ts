import { JsonObject } from '@backstage/types';
import { DEFAULT_KUBERNETES_VERSION_RANGE } from '@kamaji-backstage/plugin-kamaji-common';
import { VersionRange } from './validation';

/**
 * A reference to an object by API group, kind and name (a CAPI v1beta2 contract reference).
 *
 * @public
 */
export interface TemplateRef {
  apiGroup: string;
  kind: string;
  /**
   * Name of an existing object. May contain the placeholders `{island}` (the island, or the
   * management cluster for centrally hosted control planes), `{cluster}` and `{pool}`.
   */
  name: string;
}

/**
 * How tenant clusters whose control plane runs on one island (or in the management cluster) are
 * built: the kinds of the infrastructure provider at that site, the worker machine templates and
 * how the control plane is exposed. Configured per island in `kamaji.scaffolder.islandProfiles`.
 *
 * @public
 */
export interface IslandProfile {
  /** The infrastructure cluster of each tenant Cluster (`spec.infrastructureRef`), named like the tenant. */
  infrastructureCluster: {
    apiGroup: string;
    kind: string;
    /**
     * When set together with `spec`, the action also creates the infrastructure cluster object
     * (`<apiGroup>/<version>`, kind, named like the tenant) with this spec. Otherwise it is only
     * referenced and the site's infrastructure automation creates it.
     */
    version?: string;
    spec?: JsonObject;
  };
  /** Worker pools (one MachineDeployment each). */
  workers: {
    /**
     * The bootstrap config template. Without a name (and kind KubeadmConfigTemplate) the action
     * renders one KubeadmConfigTemplate per pool (`<cluster>-<pool>`), labelling the nodes with their pool and site.
     */
    bootstrap: { apiGroup: string; kind: string; name?: string };
    /** The machine template of the infrastructure provider; an existing, usually shared, object. */
    infrastructure: TemplateRef;
  };
  /** How the tenant control plane (the TenantControlPlane Service) is exposed. */
  controlPlane: {
    serviceType: 'LoadBalancer' | 'NodePort' | 'ClusterIP';
    /** Namespace on the island where Kamaji creates the TenantControlPlanes (`externalClusterReference.deploymentNamespace`). */
    deploymentNamespace: string;
  };
}

/**
 * The Helm chart that installs Kamaji on a new island.
 *
 * @public
 */
export interface KamajiChartSettings {
  repositoryURL: string;
  repositoryName: string;
  chartName: string;
  chartVersion: string;
  releaseNamespace: string;
  /** Helm values (YAML), passed as they are. */
  values?: string;
}

/**
 * Everything the render functions and actions take from configuration (`kamaji.scaffolder`).
 * {@link defaultScaffolderSettings} gives the values used when nothing is configured.
 *
 * @public
 */
export interface KamajiScaffolderSettings {
  /** Supported Kubernetes minor versions for tenants and islands. Default v1.31 – v1.36. */
  kubernetesVersions: VersionRange;
  /** Default namespaces in the management cluster. */
  namespaces: { tenants: string; islands: string; addons: string };
  /** Island profiles by island name (or management cluster name for centrally hosted control planes). */
  islandProfiles: Record<string, IslandProfile>;
  /** Profile for islands that have none of their own. */
  defaultIslandProfile: IslandProfile;
  /** New islands. */
  island: {
    /** ClusterClass the island Cluster is built from (`spec.topology.classRef.name`), in the island's namespace. */
    clusterClass: string;
    kamajiChart: KamajiChartSettings;
  };
  /**
   * Catalog groups whose members may create clusters owned by any group. Everybody else may only
   * name one of their own groups as owner. Group entity refs, e.g. `group:default/platform-team`.
   */
  fleetAdminGroups: string[];
  limits: {
    controlPlaneReplicas: { min: number; max: number };
    workerReplicas: { min: number; max: number };
    workerPools: number;
    addonSets: number;
  };
}

/** The island profile the demo fleet uses (Metal3 at the edge sites). @public */
export const DEFAULT_ISLAND_PROFILE: IslandProfile = {
  infrastructureCluster: {
    apiGroup: 'infrastructure.cluster.x-k8s.io',
    kind: 'Metal3Cluster',
  },
  workers: {
    bootstrap: {
      apiGroup: 'bootstrap.cluster.x-k8s.io',
      kind: 'KubeadmConfigTemplate',
    },
    infrastructure: {
      apiGroup: 'infrastructure.cluster.x-k8s.io',
      kind: 'Metal3MachineTemplate',
      name: '{island}-worker',
    },
  },
  controlPlane: {
    serviceType: 'LoadBalancer',
    deploymentNamespace: 'kamaji-tenants',
  },
};

/**
 * The settings used when nothing is configured, and by the CLI without `--config`.
 *
 * @public
 */
export function defaultScaffolderSettings(): KamajiScaffolderSettings {
  return {
    kubernetesVersions: { ...DEFAULT_KUBERNETES_VERSION_RANGE },
    namespaces: {
      tenants: 'fleet-tenants',
      islands: 'fleet-islands',
      addons: 'fleet-addons',
    },
    islandProfiles: {},
    defaultIslandProfile: DEFAULT_ISLAND_PROFILE,
    island: {
      clusterClass: 'edge-island',
      kamajiChart: {
        repositoryURL: 'https://clastix.github.io/charts',
        repositoryName: 'clastix',
        chartName: 'kamaji',
        chartVersion: '0.0.0+latest',
        releaseNamespace: 'kamaji-system',
      },
    },
    fleetAdminGroups: [],
    limits: {
      controlPlaneReplicas: { min: 1, max: 5 },
      workerReplicas: { min: 0, max: 100 },
      workerPools: 10,
      addonSets: 20,
    },
  };
}

/** The profile of the cluster hosting a tenant's control plane. */
export function profileFor(
  settings: KamajiScaffolderSettings,
  host: string,
): IslandProfile {
  return settings.islandProfiles[host] ?? settings.defaultIslandProfile;
}

/** Fills `{island}`, `{cluster}` and `{pool}` into a template name. */
export function fillName(
  template: string,
  values: { island: string; cluster: string; pool: string },
): string {
  return template
    .replace(/\{island\}/g, values.island)
    .replace(/\{cluster\}/g, values.cluster)
    .replace(/\{pool\}/g, values.pool);
}
