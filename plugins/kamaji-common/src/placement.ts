/**
 * Placement advice for a new tenant (`GET /v1/placement`): the islands of a site ranked by
 * load, uplink stability, Kubernetes version and connection, each with its reasons in words.
 * Load is given as counts only: a team sees how full a shared island is, never whose tenants
 * fill it.
 */
import type { ConnectionStatus } from './model';

/**
 * Label on an island Cluster: how many tenant control planes it may host (overrides
 * `kamaji.placement.islandCapacity`).
 *
 * @public
 */
export const ISLAND_CAPACITY_LABEL = 'kamaji-backstage.io/tenant-capacity';

/**
 * An island's uplink over a recent window, from the uplink history; absent until there is one.
 *
 * @public
 */
export interface UplinkFigures {
  /** Share of the window the uplink was up, 0 to 1. */
  availability: number;
  /** Number of outages in the window. */
  outages: number;
  /** The window, e.g. `7d`. */
  window: string;
}

/**
 * One island as a home for a new tenant.
 *
 * @public
 */
export interface IslandPlacement {
  islandId: string;
  name: string;
  managementCluster: string;
  site?: string;
  /** 1 for the best island; ineligible islands come last. */
  rank: number;
  /** 0 (worst) to 100 (best); 0 when ineligible. */
  score: number;
  /** False when the island cannot take the tenant now (full, disconnected, no data store, version). */
  eligible: boolean;
  /** Why it ranks where it does, in words, most important first. */
  reasons: string[];
  load: {
    /** Tenant control planes it hosts, every team's. */
    tenants: number;
    /** How many it may host, when configured. */
    capacity?: number;
    dataStores: Array<{
      name: string;
      driver: string;
      ready?: boolean;
      /** Tenant control planes using it. */
      tenants: number;
    }>;
  };
  connection: ConnectionStatus;
  /** Absent: no uplink history yet. */
  uplink?: UplinkFigures;
  kubernetesVersion?: string;
}

/**
 * The query of `GET /v1/placement`.
 *
 * @public
 */
export interface PlacementQuery {
  /** Only the islands of this site. */
  site?: string;
  /** The Kubernetes version the new tenant will run. */
  version?: string;
  managementCluster?: string;
}

/**
 * The answer of `GET /v1/placement`.
 *
 * @public
 */
export interface PlacementAdvice {
  site?: string;
  version?: string;
  /** The best eligible island's id, when there is one. */
  recommended?: string;
  islands: IslandPlacement[];
}
