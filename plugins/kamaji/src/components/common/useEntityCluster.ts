import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  KAMAJI_ENTITY,
  type ClusterId,
  type FleetCluster,
} from '@kamaji-backstage/plugin-kamaji-common';
import { kamajiApiRef } from '../../api/KamajiApi';

/** What a cluster card needs to know about its entity's cluster. */
export interface EntityClusterState<T> {
  /** The entity's `kamaji-backstage.io/cluster-id`; undefined when the annotation is missing. */
  id?: ClusterId;
  value?: T;
  loading: boolean;
  error?: Error;
  retry: () => void;
}

/**
 * Loads what a card shows for the cluster the current entity stands for (by its
 * `kamaji-backstage.io/cluster-id` annotation); `load` runs again when the id changes or on retry.
 */
export function useEntityClusterData<T>(
  load: (id: ClusterId) => Promise<T>,
): EntityClusterState<T> {
  const { entity } = useEntity();
  const id = entity.metadata.annotations?.[KAMAJI_ENTITY.clusterIdAnnotation];
  // `load` is a new function on every render; the id decides when to load again.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const state = useAsyncRetry(async () => (id ? load(id) : undefined), [id]);
  return { id, ...state };
}

/** The entity's cluster as the fleet API has it (`GET /v1/clusters/by-id`). */
export function useEntityCluster(): EntityClusterState<FleetCluster> {
  const api = useApi(kamajiApiRef);
  return useEntityClusterData(id => api.getClusterById(id));
}
