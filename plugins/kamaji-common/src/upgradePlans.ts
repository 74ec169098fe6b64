/**
 * Fleet upgrade plans (`/v1/upgrade-plans`): the request that selects tenants and a target
 * version, and the plan the backend builds and runs in waves. Shared by the backend and the UI.
 */

// The REST API's bodies are generated from openapi.yaml (src/schema/openapi/generated).
import type {
  UpgradePlan,
  UpgradePlanRequestWaves,
  UpgradeStep,
} from './schema/openapi/generated/models';

export type {
  UpgradePlanRequest,
  UpgradeStep,
  UpgradeWave,
  UpgradePlan,
  UpgradePlanProgress,
} from './schema/openapi/generated/models';

/**
 * How the tenants of a plan are cut into waves: a canary wave of `canary` clusters, then one
 * wave per island (or site); or `explicit` waves of cluster ids.
 *
 * @public
 */
export type UpgradeWaveSpec = UpgradePlanRequestWaves;

/**
 * The state of a plan.
 *
 * @public
 */
export type UpgradePlanStatus = UpgradePlan['status'];

/**
 * The state of one cluster of a plan. `refused` clusters are never touched.
 *
 * @public
 */
export type UpgradeStepState = UpgradeStep['state'];
