import { UplinkFigures } from '@kamaji-backstage/plugin-kamaji-common';

/**
 * Where placement reads how stable each island's uplink was. The uplink history store plugs in
 * here; until it does, {@link noUplinkHistory} answers that there is no history yet.
 */
export interface UplinkHistorySource {
  /** Figures per island id over the recent window; islands without history are left out. */
  figures(islandIds: string[]): Promise<Map<string, UplinkFigures>>;
}

export const noUplinkHistory: UplinkHistorySource = {
  async figures() {
    return new Map();
  },
};
