/**
 * Request and response bodies of the fleet reads of the REST API (`openapi.yaml`: GetFleet,
 * GetIsland), shared by the backend routes and the frontend client.
 */
import type {
  ClusterId,
  ClusterRole,
  FleetSnapshot,
  HealthStatus,
  IslandNode,
  TenantNode,
} from './model';

/**
 * Filters of `GET /v1/fleet` (they combine with AND).
 *
 * @public
 */
export interface FleetFilters {
  managementCluster?: string;
  /** An island id; keeps the island and the tenants it hosts. */
  island?: ClusterId;
  /** `group:default/team-edge` or an owner label value. */
  owner?: string;
  health?: HealthStatus[];
  /** A Kubernetes version prefix, e.g. `v1.34`. */
  version?: string;
  /** Free text over id, name, title, site and labels. */
  q?: string;
  role?: ClusterRole[];
}

/**
 * Filters and paging of `GET /v1/fleet`.
 *
 * @public
 */
export interface FleetQuery extends FleetFilters {
  /** Tenants per page (1–1000). */
  limit?: number;
  offset?: number;
  /**
   * Read this model version (the `version` of the first page) rather than the current one, so
   * that every page comes from one version; 410 once the backend no longer holds it.
   */
  atVersion?: number;
}

/**
 * Paging of a list response (the tenants of a fleet response, the audit trail).
 *
 * @public
 */
export interface FleetPage {
  total: number;
  offset: number;
  limit: number;
}

/**
 * The body of `GET /v1/fleet`: a snapshot plus the backend's model epoch and the tenant page.
 *
 * @public
 */
export interface FleetResponse extends FleetSnapshot {
  /** Identifies the backend process's model; versions restart with the backend. */
  epoch?: string;
  page: FleetPage;
}

/**
 * The body of `GET /v1/islands/{managementCluster}/{namespace}/{name}`.
 *
 * @public
 */
export interface IslandResponse {
  island: IslandNode;
  tenants: TenantNode[];
}
