import {
  UplinkFigures,
  UplinkWindow,
} from '@kamaji-backstage/plugin-kamaji-common';
import { UplinkStatsProvider } from '../durable/UplinkHistory';

/** Where placement reads how stable each island's uplink was. */
export interface UplinkHistorySource {
  /** Figures per island id over the recent window; islands without history are left out. */
  figures(islandIds: string[]): Promise<Map<string, UplinkFigures>>;
}

/**
 * Placement's view of the uplink history: availability and outages of each island over one
 * window (7 days by default: long enough to tell a flaky site from one bad afternoon).
 */
export function uplinkFiguresFrom(
  history: UplinkStatsProvider,
  window: UplinkWindow = '7d',
): UplinkHistorySource {
  return {
    async figures(islandIds) {
      const stats = await history.statsFor(islandIds);
      const figures = new Map<string, UplinkFigures>();
      for (const [id, { periods }] of stats) {
        const period = periods.find(p => p.window === window);
        if (period?.availability === undefined) continue;
        figures.set(id, {
          availability: period.availability,
          outages: period.outages,
          window,
          observedSeconds: period.observedSeconds,
        });
      }
      return figures;
    },
  };
}
