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
      /**
       * How long a caller's `kamaji.cluster.read` decision (which fleet clusters it is offered) is
       * reused for its next requests, in seconds (0 asks on every request; at most 300). A changed
       * policy or group membership reaches the Kubernetes plugin within this time. Default 10.
       */
      readPermissionCacheSeconds?: number;
      /** Whether the Kubernetes plugin skips pod metrics (metrics.k8s.io) on fleet clusters, e.g. without metrics-server. Default false. */
      skipMetricsLookup?: boolean;
      /**
       * Whether the entity of a fleet cluster (catalog module, cluster-id annotation) is looked up in
       * that cluster only: wraps the locator of `kubernetes.serviceLocatorMethod` through the
       * service-locator extension point (turn off if another module sets a service locator).
       * Default true.
       */
      clusterEntityLocator?: boolean;
      /**
       * The identity requests of signed-in users reach fleet clusters with: a ServiceAccount that
       * may only impersonate users and groups, in every tenant cluster and island. Its tokens are
       * asked for with the TokenRequest API as the identity of the cluster's CAPI kubeconfig
       * Secret, which makes no other request for users.
       */
      impersonator?: {
        /** Default kube-system/kamaji-backstage-impersonator. */
        serviceAccount?: { namespace?: string; name?: string };
        /**
         * Whether the ServiceAccount, its impersonate-only ClusterRole and their binding are
         * created (server-side apply, with the Secret's identity) where the ServiceAccount is
         * missing. false: they must exist (examples/deploy/rbac.yaml, or the tenant templates'
         * ClusterResourceSet). Default true.
         */
        install?: boolean;
        /** Lifetime of each token, renewed at four fifths of it. At least 600. Default 3600. */
        tokenSeconds?: number;
      };
    };
  };
}
