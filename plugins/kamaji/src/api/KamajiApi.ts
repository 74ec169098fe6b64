import { createApiRef } from '@backstage/core-plugin-api';
import type {
  AuditPage,
  AuditQuery,
  ClusterId,
  CreatePreview,
  CreatePreviewKind,
  DeleteClusterPreview,
  PlacementAdvice,
  PlacementQuery,
  DeleteClusterResult,
  FleetCluster,
  ScaleClusterRequest,
  ScaleClusterPreview,
  ScaleClusterResult,
  UpgradeClusterRequest,
  UpgradeClusterPreview,
  UpgradeClusterResult,
  UpgradePlan,
  UpgradePlanRequest,
  UplinkRanking,
  UplinkTimeline,
  UplinkWindow,
} from '@kamaji-backstage/plugin-kamaji-common';
import type {
  FleetObserver,
  UpgradePlanObserver,
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
   * An island's uplink timeline for a period (default: the last 24 h) and its availability
   * (`GET /v1/islands/{mc}/{ns}/{name}/uplink`).
   */
  getIslandUplink(
    islandId: ClusterId,
    options?: { from?: Date; to?: Date; signal?: AbortSignal },
  ): Promise<UplinkTimeline>;
  /** The islands the caller may read, least available over `window` first (`GET /v1/uplink`). */
  getUplinkRanking(
    window?: UplinkWindow,
    options?: { signal?: AbortSignal },
  ): Promise<UplinkRanking>;
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
   * The upgrade as the API server's dry run answers it (`POST .../upgrade/preview`): what would
   * change, field by field; nothing is changed. A refusal is thrown like the action's.
   */
  previewUpgrade(
    id: ClusterId,
    request: UpgradeClusterRequest,
  ): Promise<UpgradeClusterPreview>;
  /** The scale as a dry run (`POST .../scale/preview`); nothing is changed. */
  previewScale(
    id: ClusterId,
    request: ScaleClusterRequest,
  ): Promise<ScaleClusterPreview>;
  /**
   * The delete as a dry run (`POST .../delete/preview`), with the objects that go with the
   * cluster; nothing is deleted.
   */
  previewDelete(id: ClusterId): Promise<DeleteClusterPreview>;
  /**
   * The islands ranked as homes for a new tenant (`GET /v1/placement`), with reasons; load as
   * counts of every team's tenants. Needs `kamaji.cluster.create`.
   */
  getPlacement(query: PlacementQuery): Promise<PlacementAdvice>;
  /**
   * The objects a create action would apply, each dry-run by the management cluster
   * (`POST /api/scaffolder/kamaji/v1/create-preview`); nothing is created.
   */
  previewCreate(
    kind: CreatePreviewKind,
    input: Record<string, unknown>,
  ): Promise<CreatePreview>;
  /**
   * Keeps a live copy of the whole fleet: fetches the snapshot, follows `GET /v1/events`,
   * applies deltas, reconnects with backoff and re-fetches the snapshot on `resync` or a
   * missed delta. One stream per call; returns the function that stops it.
   */
  watchFleet(observer: FleetObserver): () => void;
  /**
   * Follows `upgrade-plan` events of `GET /v1/events` (sent only to callers allowed
   * `kamaji.fleet.upgrade`), reconnecting with backoff; returns the function that stops it.
   */
  watchUpgradePlans(observer: UpgradePlanObserver): () => void;
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
  /**
   * One page of the audit trail, newest first (`GET /v1/audit`): every record for the platform
   * team, the records of the caller's clusters (and its own attempts) for everyone else.
   */
  getAudit(
    query?: AuditQuery,
    options?: { signal?: AbortSignal },
  ): Promise<AuditPage>;
}

/**
 * The API reference of {@link KamajiApi}.
 *
 * @public
 */
export const kamajiApiRef = createApiRef<KamajiApi>({
  id: 'plugin.kamaji.api',
});
