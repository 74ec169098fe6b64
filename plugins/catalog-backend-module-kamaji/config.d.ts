import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  kamaji?: {
    /** The catalog entity provider of the fleet (plugin-catalog-backend-module-kamaji). */
    catalog?: {
      /** Names of the management clusters whose clusters become entities. Default: all configured. */
      managementClusters?: string[];
      /**
       * Only islands and tenants whose Cluster labels match become entities (management clusters
       * always do). Either a Kubernetes label selector string (`a=b,c!=d,e,!f,g in (x,y)`) or an
       * object with matchLabels / matchExpressions.
       */
      selector?:
        | string
        | {
            matchLabels?: { [key: string]: string };
            matchExpressions?: Array<{
              key: string;
              operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
              values?: string[];
            }>;
          };
      /** Catalog namespace of the entities. Default `default`. */
      namespace?: string;
      /** `spec.owner` of clusters without an owner label (and of management clusters). Default `group:default/unknown`. */
      defaultOwner?: string;
      /** `spec.system` of every cluster entity. Default: none. */
      system?: string;
      /** Whether unmanaged TenantControlPlanes found on islands become entities. Default true. */
      includeUnmanaged?: boolean;
      /**
       * The annotation `backstage.io/kubernetes-label-selector` written on the entities of islands
       * and managed tenant clusters (the clusters the Kubernetes module offers): it turns on the
       * Kubernetes tab of a cluster's entity page, which then lists that cluster's objects
       * matching the selector. Default `backstage.io/kubernetes-id` (everything that belongs to a
       * catalog entity); `false` writes no annotation.
       */
      kubernetesLabelSelector?: string | false;
      /** How often the whole fleet is written again (a full mutation). Default every 30 minutes. */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
    };
  };
}
