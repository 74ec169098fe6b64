/**
 * Request and response bodies of the day-2 actions of the REST API (`openapi.yaml`:
 * UpgradeCluster, ScaleCluster, DeleteCluster), shared by the backend routes and the frontend client.
 */

/**
 * Body of `POST /v1/clusters/{managementCluster}/{namespace}/{name}/upgrade`.
 *
 * @public
 */
export interface UpgradeClusterRequest {
  /** Semver with a leading `v`; see {@link checkKubernetesUpgrade} for what is accepted. */
  version: string;
  /** Also set the version of the cluster's worker pools (MachineDeployment template). */
  workers?: boolean;
}

/**
 * What an upgrade changed.
 *
 * @public
 */
export interface UpgradeClusterResult {
  cluster: string;
  version: string;
  /** False when everything already had this version. */
  changed: boolean;
  controlPlane?: { name: string; from?: string; to: string };
  workerPools: Array<{ name: string; from?: string; to: string }>;
  /** What was read differently from how it was written (a version without its leading `v`). */
  notes?: string[];
}

/**
 * Body of `POST /v1/clusters/{managementCluster}/{namespace}/{name}/scale`.
 *
 * @public
 */
export interface ScaleClusterRequest {
  /** The name of a MachineDeployment of the cluster. */
  pool: string;
  /** 0 to the installation's maximum (100 by default, never above {@link MAX_SCALE_REPLICAS}). */
  replicas: number;
}

/**
 * The highest replica count the scale route's schema accepts; the installation's own
 * maximum (`kamaji.actions.maxReplicas`, 100 by default) may be lower.
 *
 * @public
 */
export const MAX_SCALE_REPLICAS = 1000;

/**
 * What a scale changed.
 *
 * @public
 */
export interface ScaleClusterResult {
  cluster: string;
  pool: string;
  from?: number;
  to: number;
  changed: boolean;
}

/**
 * The answer of `DELETE /v1/clusters/{managementCluster}/{namespace}/{name}?confirm=<name>`.
 *
 * @public
 */
export interface DeleteClusterResult {
  cluster: string;
  deleting: boolean;
}
