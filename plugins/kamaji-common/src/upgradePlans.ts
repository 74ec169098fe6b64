/**
 * Fleet upgrade plans (`/v1/upgrade-plans`): the request that selects tenants and a target
 * version, and the plan the backend builds and runs in waves. Shared by the backend and the UI.
 */
import { FleetFilters } from './fleetApi';
import { ClusterId, LabelSelector } from './model';

/**
 * How the tenants of a plan are cut into waves: a canary wave of `canary` clusters, then one
 * wave per island (or site); or `explicit` waves of cluster ids.
 *
 * @public
 */
export interface UpgradeWaveSpec {
  /** Clusters in the first (canary) wave; 0 for none. Default 1. */
  canary?: number;
  /** What the waves after the canary follow. Default `island`. */
  groupBy?: 'island' | 'site';
  /** Waves given by cluster id, in order; overrides `canary` and `groupBy`. */
  explicit?: ClusterId[][];
}

/**
 * The body of `POST /v1/upgrade-plans`.
 *
 * @public
 */
export interface UpgradePlanRequest {
  /** Target Kubernetes version, e.g. `v1.35.2`. */
  version: string;
  /** Which tenants: the fleet filters plus a label selector. */
  selection?: Omit<FleetFilters, 'role' | 'q'> & {
    labelSelector?: LabelSelector;
  };
  waves?: UpgradeWaveSpec;
  /** At most this many clusters upgrading at once inside a wave. Default 1. */
  maxConcurrent?: number;
  /** Seconds to wait after a wave before the next one starts. Default 0. */
  soakSeconds?: number;
  /** Seconds a cluster may take to pass its health gate after its patch. Default 900. */
  gateTimeoutSeconds?: number;
  /** Also upgrade the worker pools. Default true. */
  workers?: boolean;
  /** A cluster whose island is disconnected waits for the uplink, or is skipped. Default `wait`. */
  whenDisconnected?: 'wait' | 'skip';
  /** Only build the plan (status `draft`); start it later. Default true. */
  dryRun?: boolean;
}

/**
 * The state of a plan.
 *
 * @public
 */
export type UpgradePlanStatus =
  | 'draft'
  | 'running'
  | 'paused'
  | 'halted'
  | 'aborted'
  | 'succeeded';

/**
 * The state of one cluster of a plan. `refused` clusters are never touched.
 *
 * @public
 */
export type UpgradeStepState =
  | 'refused'
  | 'pending'
  | 'waiting-uplink'
  | 'patching'
  | 'gating'
  | 'succeeded'
  | 'failed'
  | 'skipped'
  | 'cancelled';

/**
 * One cluster of a plan: what will happen (or what is refused, and why, in words).
 *
 * @public
 */
export interface UpgradeStep {
  clusterId: ClusterId;
  /** Index into the plan's waves; -1 for refused clusters. */
  wave: number;
  state: UpgradeStepState;
  fromVersion?: string;
  /** Why the cluster is refused, waits, was skipped or failed. */
  message?: string;
  startedAt?: string;
  finishedAt?: string;
}

/**
 * A wave of a plan.
 *
 * @public
 */
export interface UpgradeWave {
  index: number;
  /** `canary`, an island id, a site, or `wave N` for explicit waves. */
  name: string;
  clusterIds: ClusterId[];
}

/**
 * A fleet upgrade plan as the API returns it.
 *
 * @public
 */
export interface UpgradePlan {
  id: string;
  status: UpgradePlanStatus;
  version: string;
  request: UpgradePlanRequest;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  /** Increases on every change of the plan or a step (the ETag of `GET /v1/upgrade-plans/{id}`). */
  revision: number;
  /** Why the plan halted or was aborted. */
  message?: string;
  waves: UpgradeWave[];
  steps: UpgradeStep[];
}

/**
 * The `upgrade-plan` event of `GET /v1/events` (only for callers allowed
 * `kamaji.fleet.upgrade`): a plan changed; `steps` holds the steps that changed since the
 * previous event of this plan (all of them the first time the stream sees the plan).
 *
 * @public
 */
export interface UpgradePlanProgress {
  planId: string;
  status: UpgradePlanStatus;
  revision: number;
  updatedAt: string;
  message?: string;
  steps: UpgradeStep[];
}
