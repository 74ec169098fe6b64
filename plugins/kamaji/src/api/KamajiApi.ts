import { createApiRef } from '@backstage/core-plugin-api';
import type {
  ClusterId,
  FleetCluster,
} from '@kamaji-backstage/plugin-kamaji-common';
import type {
  FleetObserver,
  FleetQuery,
  FleetResponse,
  IslandResponse,
} from './types';

/**
 * The fleet API of the kamaji backend, as the frontend uses it.
 *
 * @public
 */
export interface KamajiApi {
  /** One page of the fleet (`GET /v1/fleet`). */
  getFleet(
    query?: FleetQuery,
    options?: { signal?: AbortSignal },
  ): Promise<FleetResponse>;
  /** The whole fleet the caller may read: every tenant page, fetched in turn. */
  getFullFleet(options?: { signal?: AbortSignal }): Promise<FleetResponse>;
  /** Any cluster by id (`GET /v1/clusters/by-id`). */
  getClusterById(
    id: ClusterId,
    options?: { signal?: AbortSignal },
  ): Promise<FleetCluster>;
  /** An island and its tenants (`GET /v1/islands/{mc}/{ns}/{name}`), by island id. */
  getIsland(
    islandId: ClusterId,
    options?: { signal?: AbortSignal },
  ): Promise<IslandResponse>;
  /**
   * Keeps a live copy of the whole fleet: fetches the snapshot, follows `GET /v1/events`,
   * applies deltas, reconnects with backoff and re-fetches the snapshot on `resync` or a
   * missed delta. One stream per call; returns the function that stops it.
   */
  watchFleet(observer: FleetObserver): () => void;
}

/**
 * The API reference of {@link KamajiApi}.
 *
 * @public
 */
export const kamajiApiRef = createApiRef<KamajiApi>({
  id: 'plugin.kamaji.api',
});
