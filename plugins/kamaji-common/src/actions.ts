/**
 * Request and response bodies of the day-2 actions of the REST API (`openapi.yaml`:
 * UpgradeCluster, ScaleCluster, DeleteCluster), shared by the backend routes and the frontend client.
 */

// The REST API's bodies are generated from openapi.yaml (src/schema/openapi/generated).
import type {
  UpgradeRequest,
  UpgradeResult,
  ScaleRequest,
  ScaleResult,
  DeleteResult,
  UpgradePreview,
  ScalePreview,
  DeletePreview,
} from './schema/openapi/generated/models';
import type {
  ObjectChange,
  DependentObject,
} from './schema/openapi/generated/models';

export type {
  FieldChange,
  ObjectChange,
  DependentObject,
} from './schema/openapi/generated/models';

/**
 * Body of `POST /v1/clusters/{managementCluster}/{namespace}/{name}/upgrade`.
 *
 * @public
 */
export type UpgradeClusterRequest = UpgradeRequest;

/**
 * What an upgrade changed.
 *
 * @public
 */
export type UpgradeClusterResult = UpgradeResult;

/**
 * Body of `POST /v1/clusters/{managementCluster}/{namespace}/{name}/scale`.
 *
 * @public
 */
export type ScaleClusterRequest = ScaleRequest;

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
export type ScaleClusterResult = ScaleResult;

/**
 * The answer of `DELETE /v1/clusters/{managementCluster}/{namespace}/{name}?confirm=<name>`.
 *
 * @public
 */
export type DeleteClusterResult = DeleteResult;

/**
 * The answer of a preview route (`POST …/upgrade/preview`, `…/scale/preview`,
 * `…/delete/preview`): what the action would answer, with every write sent to the management
 * cluster with `dryRun=All` (nothing is stored). A write the API server refuses makes the
 * preview fail with the server's own message instead.
 *
 * @public
 */
export interface ActionPreview<R> {
  dryRun: boolean;
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
export type UpgradeClusterPreview = UpgradePreview;
/** @public */
export type ScaleClusterPreview = ScalePreview;
/** @public */
export type DeleteClusterPreview = DeletePreview;

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
