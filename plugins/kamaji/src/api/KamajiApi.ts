import { createApiRef } from '@backstage/core-plugin-api';
import type {
  ClusterId,
  DeleteClusterResult,
  FleetCluster,
  ScaleClusterRequest,
  ScaleClusterResult,
  UpgradeClusterRequest,
  UpgradeClusterResult,
  UpgradePlan,
  UpgradePlanRequest,
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
  /**
   * The whole fleet the caller may read (or the part matching `query`) at one model version,
   * in one request (`GET /v1/fleet/snapshot`).
   */
  getFullFleet(options?: {
    signal?: AbortSignal;
    query?: Omit<FleetQuery, 'limit' | 'offset'>;
  }): Promise<FleetResponse>;
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
   * Changes a tenant's Kubernetes version (`POST /v1/clusters/{mc}/{ns}/{name}/upgrade`).
   * The backend's refusal (400, 403, 409, ...) is thrown as a `ResponseError`.
   */
  upgradeCluster(
    id: ClusterId,
    request: UpgradeClusterRequest,
  ): Promise<UpgradeClusterResult>;
  /** Sets the replica count of one worker pool (`POST .../scale`). */
  scaleCluster(
    id: ClusterId,
    request: ScaleClusterRequest,
  ): Promise<ScaleClusterResult>;
  /**
   * Deletes a declared cluster (`DELETE /v1/clusters/{mc}/{ns}/{name}?confirm=<name>`);
   * `confirm` must repeat the cluster's name.
   */
  deleteCluster(id: ClusterId, confirm: string): Promise<DeleteClusterResult>;
  /**
   * Keeps a live copy of the whole fleet: fetches the snapshot, follows `GET /v1/events`,
   * applies deltas, reconnects with backoff and re-fetches the snapshot on `resync` or a
   * missed delta. One stream per call; returns the function that stops it.
   */
  watchFleet(observer: FleetObserver): () => void;
  /** Fleet upgrade plans, newest first, without their steps (`GET /v1/upgrade-plans`). */
  listUpgradePlans(): Promise<{ items: UpgradePlan[] }>;
  /** Builds a plan (a `draft` unless `dryRun: false`) with its preview (`POST /v1/upgrade-plans`). */
  createUpgradePlan(request: UpgradePlanRequest): Promise<UpgradePlan>;
  /** A plan with its waves and each cluster's state (`GET /v1/upgrade-plans/{id}`). */
  getUpgradePlan(
    id: string,
    options?: { signal?: AbortSignal },
  ): Promise<UpgradePlan>;
  /** `POST /v1/upgrade-plans/{id}/{start|pause|resume|abort}`. */
  changeUpgradePlan(
    id: string,
    command: 'start' | 'pause' | 'resume' | 'abort',
  ): Promise<UpgradePlan>;
}

/**
 * The API reference of {@link KamajiApi}.
 *
 * @public
 */
export const kamajiApiRef = createApiRef<KamajiApi>({
  id: 'plugin.kamaji.api',
});
