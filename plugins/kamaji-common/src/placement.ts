/**
 * Placement advice for a new tenant (`GET /v1/placement`): the islands of a site ranked by
 * load, uplink stability, Kubernetes version and connection, each with its reasons in words.
 * Load is given as counts only: a team sees how full a shared island is, never whose tenants
 * fill it.
 */

// The REST API's bodies are generated from openapi.yaml (src/schema/openapi/generated).
import type { GetPlacement } from './schema/openapi/generated/apis';

export type {
  UplinkFigures,
  IslandPlacement,
  PlacementAdvice,
} from './schema/openapi/generated/models';

/**
 * Label on an island Cluster: how many tenant control planes it may host (overrides
 * `kamaji.placement.islandCapacity`).
 *
 * @public
 */
export const ISLAND_CAPACITY_LABEL = 'kamaji-backstage.io/tenant-capacity';

/**
 * The query of `GET /v1/placement`.
 *
 * @public
 */
export type PlacementQuery = GetPlacement['query'];
