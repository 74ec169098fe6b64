import type {
  FleetCluster,
  FleetDelta,
  FleetQuery,
  FleetPage,
  FleetResponse,
  IslandResponse,
  UpgradePlanProgress,
} from '@kamaji-backstage/plugin-kamaji-common';

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
    }
  | { type: 'upgrade-plan'; id?: string; data: UpgradePlanProgress };

/**
 * The state of the live-update connection.
 * `connecting`: the first snapshot or stream is being opened; `live`: deltas arrive;
 * `reconnecting`: the stream broke, the data shown may be out of date until it is back.
 *
 * @public
 */
export type LiveStatus = 'connecting' | 'live' | 'reconnecting';

/**
 * Receives the progress of upgrade plans from the live-update stream.
 *
 * @public
 */
export interface UpgradePlanObserver {
  /** A plan changed: its status, revision and the steps that changed. */
  progress(progress: UpgradePlanProgress): void;
  /**
   * `live`: progress arrives (it may have missed changes while it was not: read the plan again);
   * otherwise the stream is down and the caller reads plans itself.
   */
  status?(status: LiveStatus): void;
}

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
export type {
  FleetCluster,
  FleetQuery,
  FleetPage,
  FleetResponse,
  IslandResponse,
};
