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

/**
 * One field an action would change, as the API server's dry run answered it: `from` is the
 * stored value, `to` the value the server would store (after defaulting and admission).
 * A missing `from`/`to` means the field is absent before/after.
 *
 * @public
 */
export interface FieldChange {
  /** JSON pointer into the object, e.g. `/spec/version`. */
  path: string;
  from?: unknown;
  to?: unknown;
}

/**
 * One object an action would patch, with the fields that change.
 *
 * @public
 */
export interface ObjectChange {
  kind: string;
  namespace: string;
  name: string;
  changes: FieldChange[];
}

/**
 * An object that goes with a deleted cluster.
 *
 * @public
 */
export interface DependentObject {
  kind: string;
  namespace?: string;
  name: string;
  /** Where it lives: the management cluster's name, or the id of the island hosting it. */
  location: string;
  /** Why it goes, in words, e.g. `worker pool`, `kubeconfig`. */
  role: string;
}

/**
 * The answer of a preview route (`POST …/upgrade/preview`, `…/scale/preview`,
 * `…/delete/preview`): what the action would answer, with every write sent to the management
 * cluster with `dryRun=All` (nothing is stored). A write the API server refuses makes the
 * preview fail with the server's own message instead.
 *
 * @public
 */
export interface ActionPreview<R> {
  dryRun: true;
  /** What the action would answer. */
  result: R;
  /** The objects that would be patched, field by field. */
  changes: ObjectChange[];
  /** For a delete: the objects that go with the cluster. */
  dependents?: DependentObject[];
  /** What the preview could not look at, in words (e.g. Secrets the backend may not list). */
  notes?: string[];
}

/** @public */
export type UpgradeClusterPreview = ActionPreview<UpgradeClusterResult>;
/** @public */
export type ScaleClusterPreview = ActionPreview<ScaleClusterResult>;
/** @public */
export type DeleteClusterPreview = ActionPreview<DeleteClusterResult>;

/**
 * One object a create action would apply, with the API server's dry-run answer.
 *
 * @public
 */
export interface CreatePreviewObject {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  /** What the apply would do; absent when the server refused the object. */
  outcome?: 'created' | 'updated' | 'unchanged';
  /** The API server's refusal of this object, in its words. */
  refusal?: string;
  /**
   * The rendered object as the API server's dry run would store it (with its defaults), without
   * bookkeeping (managedFields, uid, versions); the rendered object itself where it was refused.
   */
  object: Record<string, unknown>;
}

/**
 * Which create action a preview is for.
 *
 * @public
 */
export type CreatePreviewKind = 'tenant' | 'island' | 'addonSet';

/**
 * The answer of the create preview (`POST /api/scaffolder/kamaji/v1/create-preview`): the objects
 * `kamaji:{tenant,island,addonset}:create` would apply, each dry-run by the management cluster.
 *
 * @public
 */
export interface CreatePreview {
  managementCluster: string;
  objects: CreatePreviewObject[];
  /** Existing objects the action would refuse to touch (made elsewhere, another owner, a downgrade). */
  problems: string[];
  /** What the action would warn about (a disconnected island, an unknown addon set). */
  warnings: string[];
  /** True when the action would apply every object. */
  ok: boolean;
}
