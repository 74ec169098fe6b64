import type {
  ClusterId,
  ClusterRole,
  FleetCluster,
  FleetDelta,
  FleetSnapshot,
  HealthStatus,
  IslandNode,
  TenantNode,
} from '@kamaji-backstage/plugin-kamaji-common';

/**
 * Filters and paging of `GET /v1/fleet` (they combine with AND).
 *
 * @public
 */
export interface FleetQuery {
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
  /** Tenants per page (1–1000). */
  limit?: number;
  offset?: number;
}

/**
 * Paging of the tenants of a fleet response.
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
 * The body of `GET /v1/islands/...`.
 *
 * @public
 */
export interface IslandResponse {
  island: IslandNode;
  tenants: TenantNode[];
}

/**
 * One server-sent event of `GET /v1/events`, parsed.
 *
 * @public
 */
export type FleetStreamEvent =
  | {
      type: 'snapshot-version';
      id?: string;
      data: { version: number; generatedAt: string; epoch?: string };
    }
  | { type: 'delta'; id?: string; data: FleetDelta }
  | {
      type: 'resync';
      id?: string;
      data: {
        version: number;
        generatedAt: string;
        epoch?: string;
        reason?: string;
      };
    };

/**
 * The state of the live-update connection.
 * `connecting`: the first snapshot or stream is being opened; `live`: deltas arrive;
 * `reconnecting`: the stream broke, the data shown may be out of date until it is back.
 *
 * @public
 */
export type LiveStatus = 'connecting' | 'live' | 'reconnecting';

/**
 * Receives a live fleet.
 *
 * @public
 */
export interface FleetObserver {
  /** A new snapshot: the first one, one with a delta applied, or a re-fetched one. */
  next(snapshot: FleetResponse): void;
  /** A failure. `fatal` errors (401, 403) end the watch; others are retried. */
  error?(error: Error, fatal: boolean): void;
  status?(status: LiveStatus): void;
}

/** @public */
export type { FleetCluster };
