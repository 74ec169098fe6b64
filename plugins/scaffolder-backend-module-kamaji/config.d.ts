export interface Config {
  kamaji?: {
    /** Settings of the Kamaji scaffolder actions (plugin-scaffolder-backend-module-kamaji). */
    scaffolder?: {
      /**
       * Supported Kubernetes versions for new tenants and islands, as minor versions
       * ('v1.31'). Default v1.31 to v1.36 (the ceiling of Kamaji 26.8.2-edge).
       */
      kubernetesVersions?: {
        min?: string;
        max?: string;
      };
      /** Default namespaces in the management cluster. */
      namespaces?: {
        /** Default fleet-tenants. */
        tenants?: string;
        /** Default fleet-islands. */
        islands?: string;
        /** Where ClusterProfile addon sets keep their ConfigMaps. Default fleet-addons. */
        addons?: string;
      };
      /**
       * Catalog groups (entity refs) whose members may create clusters, islands and addon sets
       * owned by any group. Everybody else must name one of their own groups as owner.
       */
      fleetAdminGroups?: string[];
      /**
       * How tenants are built per island (key: island name; for tenants whose control plane runs in
       * the management cluster, the management cluster's name).
       */
      islandProfiles?: {
        [host: string]: KamajiIslandProfileConfig;
      };
      /** The profile of islands without their own. Default: Metal3, machine template '{island}-worker'. */
      defaultIslandProfile?: KamajiIslandProfileConfig;
      /** New islands. */
      island?: {
        /** ClusterClass of island Clusters (in the island namespace). Default edge-island. */
        clusterClass?: string;
        /** The Kamaji Helm chart installed on new islands. */
        kamajiChart?: {
          repositoryURL?: string;
          repositoryName?: string;
          chartName?: string;
          chartVersion?: string;
          releaseNamespace?: string;
          /** Helm values (YAML). */
          values?: string;
        };
      };
      /** Bounds of the inputs. */
      limits?: {
        controlPlaneReplicas?: { min?: number; max?: number };
        workerReplicas?: { min?: number; max?: number };
        workerPools?: number;
        addonSets?: number;
      };
    };
  };
}

/** An island profile in configuration; every field falls back to the default profile. */
export interface KamajiIslandProfileConfig {
  infrastructureCluster?: {
    apiGroup?: string;
    kind?: string;
    /** With `spec`: the action creates the object (apiGroup/version). */
    version?: string;
    spec?: { [key: string]: unknown };
  };
  workers?: {
    bootstrap?: { apiGroup?: string; kind?: string; name?: string };
    infrastructure?: { apiGroup?: string; kind?: string; name?: string };
  };
  controlPlane?: {
    serviceType?: 'LoadBalancer' | 'NodePort' | 'ClusterIP';
    deploymentNamespace?: string;
  };
}
