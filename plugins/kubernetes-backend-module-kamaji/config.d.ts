export interface Config {
  kamaji?: {
    /** The Kubernetes plugin integration (plugin-kubernetes-backend-module-kamaji). */
    kubernetes?: {
      /** Whether islands are offered as Kubernetes clusters. Default true. */
      includeIslands?: boolean;
      /** Whether tenant clusters are offered. Default true. */
      includeTenants?: boolean;
      /** Only clusters of these management clusters. Default: all configured. */
      managementClusters?: string[];
      /** Whether the clusters of `kubernetes.clusterLocatorMethods` are kept next to the fleet's. Default true. */
      keepConfiguredClusters?: boolean;
      /** Seconds between re-reading every cluster's access (e.g. rotated kubeconfig Secrets). Default 300. */
      accessRefreshSeconds?: number;
      /** Seconds a cluster's credentials are cached for requests. Default 60. */
      credentialCacheSeconds?: number;
      /** Whether the Kubernetes plugin skips pod metrics (metrics.k8s.io) on fleet clusters, e.g. without metrics-server. Default false. */
      skipMetricsLookup?: boolean;
      /**
       * Whether the entity of a fleet cluster (catalog module, cluster-id annotation) is looked up in
       * that cluster only: wraps the locator of `kubernetes.serviceLocatorMethod` through the
       * service-locator extension point (turn off if another module sets a service locator).
       * Default true.
       */
      clusterEntityLocator?: boolean;
    };
  };
}
