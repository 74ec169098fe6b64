import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import type { Entity } from '@backstage/catalog-model';
import useAsync from 'react-use/esm/useAsync';
import { KAMAJI_ENTITY } from '@kamaji-backstage/plugin-kamaji-common';

const CLUSTER_ID_FIELD = `metadata.annotations.${KAMAJI_ENTITY.clusterIdAnnotation}`;

/**
 * The catalog entities the user may read of the given Kubernetes clusters (fleet cluster ids, the
 * names the fleet's cluster supplier gives them), by cluster id, with their owners; one catalog
 * request for all. A cluster the catalog hides from the user is absent from the map.
 */
export function useClusterEntities(clusterNames: string[]) {
  const catalogApi = useApi(catalogApiRef);
  // The Kubernetes tab polls: ask again only when the set of clusters changes.
  const key = [...clusterNames].sort().join('\n');
  return useAsync(async () => {
    const byCluster = new Map<string, Entity>();
    if (!key) return byCluster;
    const { items } = await catalogApi.getEntities({
      filter: key.split('\n').map(name => ({ [CLUSTER_ID_FIELD]: name })),
      fields: ['kind', 'metadata', 'spec.owner'],
    });
    for (const entity of items) {
      const id =
        entity.metadata.annotations?.[KAMAJI_ENTITY.clusterIdAnnotation];
      if (id) byCluster.set(id, entity);
    }
    return byCluster;
  }, [catalogApi, key]);
}
