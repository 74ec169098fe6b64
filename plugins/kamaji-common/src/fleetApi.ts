/**
 * Request and response bodies of the fleet reads of the REST API (`openapi.yaml`: GetFleet,
 * GetIsland), shared by the backend routes and the frontend client.
 */

// The REST API's bodies are generated from openapi.yaml (src/schema/openapi/generated).
import type { Page } from './schema/openapi/generated/models';
import type {
  GetFleet,
  GetFleetSnapshot,
} from './schema/openapi/generated/apis';

export type {
  FleetResponse,
  IslandResponse,
} from './schema/openapi/generated/models';

/**
 * Filters of `GET /v1/fleet` (they combine with AND).
 *
 * @public
 */
export type FleetFilters = Omit<GetFleetSnapshot['query'], 'atVersion'>;

/**
 * Filters and paging of `GET /v1/fleet`.
 *
 * @public
 */
export type FleetQuery = GetFleet['query'];

/**
 * Paging of a list response (the tenants of a fleet response, the audit trail).
 *
 * @public
 */
export type FleetPage = Page;
