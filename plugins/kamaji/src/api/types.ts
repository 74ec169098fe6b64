import type {
  FleetCluster,
  FleetDelta,
  FleetQuery,
  FleetPage,
  FleetResponse,
  IslandResponse,
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
export type {
  FleetCluster,
  FleetQuery,
  FleetPage,
  FleetResponse,
  IslandResponse,
};
