import { Entity } from '@backstage/catalog-model';
import {
  ClusterDetails,
  KubernetesClustersSupplier,
  KubernetesServiceLocator,
  ServiceLocatorRequestContext,
} from '@backstage/plugin-kubernetes-node';
import { KAMAJI_ENTITY } from '@kamaji-backstage/plugin-kamaji-common';

/**
 * Wraps the configured service locator (`kubernetes.serviceLocatorMethod`): the entity of a fleet
 * cluster (a `kubernetes-cluster` Resource of the catalog module, with the cluster-id annotation)
 * is looked up in that cluster only, so its Kubernetes tab shows what runs there. Every other
 * entity goes to the configured locator unchanged.
 *
 * @public
 */
export class KamajiServiceLocator implements KubernetesServiceLocator {
  constructor(
    private readonly configured: KubernetesServiceLocator,
    private readonly clusterSupplier: KubernetesClustersSupplier,
  ) {}

  async getClustersByEntity(
    entity: Entity,
    requestContext: ServiceLocatorRequestContext,
  ): Promise<{ clusters: ClusterDetails[] }> {
    const id = entity.metadata.annotations?.[KAMAJI_ENTITY.clusterIdAnnotation];
    if (!id) return this.configured.getClustersByEntity(entity, requestContext);
    const clusters = await this.clusterSupplier.getClusters({
      credentials: requestContext.credentials,
    });
    return { clusters: clusters.filter(c => c.name === id) };
  }
}
