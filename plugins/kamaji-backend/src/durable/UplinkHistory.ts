import {
  ClusterId,
  ConnectionState,
  UPLINK_WINDOWS,
  uplinkSegments,
  uplinkStats,
  UplinkRanking,
  UplinkStats,
  UplinkTimeline,
  UplinkWindow,
} from '@kamaji-backstage/plugin-kamaji-common';
import type { FleetStateStore, UplinkTransition } from './FleetStateStore';

/**
 * Uplink availability per cluster, for rankings elsewhere (e.g. placement advice): one query
 * for any number of clusters.
 *
 * @public
 */
export interface UplinkStatsProvider {
  statsFor(
    clusterIds: ClusterId[],
    now?: Date,
  ): Promise<Map<ClusterId, UplinkStats>>;
}

const LONGEST = Math.max(...Object.values(UPLINK_WINDOWS));

function byCluster(rows: UplinkTransition[]): Map<string, UplinkTransition[]> {
  const out = new Map<string, UplinkTransition[]>();
  for (const r of rows) {
    let list = out.get(r.clusterId);
    if (!list) out.set(r.clusterId, (list = []));
    list.push(r);
  }
  return out;
}

/** A cluster's connection as the fleet model has it now; undefined for a cluster it does not know. */
export type LiveConnection = (
  clusterId: ClusterId,
) => ConnectionState | undefined;

/**
 * A cluster's recorded transitions (oldest first) with its live connection after them, when that
 * differs from the last one recorded and began after it and by `to`: the persister writes in
 * batches, so for a few seconds the fleet model shows a transition the database does not have
 * yet. A cluster with nothing recorded keeps its empty history.
 */
function withLiveConnection(
  clusterId: ClusterId,
  rows: UplinkTransition[],
  live: ConnectionState | undefined,
  to: Date,
): UplinkTransition[] {
  const last = rows[rows.length - 1];
  if (!live || !last || last.status === live.status) return rows;
  const since = Date.parse(live.since);
  if (since <= Date.parse(last.at) || since > to.getTime()) return rows;
  return [...rows, { clusterId, at: live.since, status: live.status }];
}

const availabilityOf = (s: UplinkStats, window: UplinkWindow) =>
  s.periods.find(p => p.window === window)!;

/** The uplink history read back: timelines, statistics and the fleet-wide ranking. */
export class UplinkHistory implements UplinkStatsProvider {
  constructor(
    private readonly store: FleetStateStore,
    private readonly live: LiveConnection = () => undefined,
  ) {}

  async timeline(
    clusterId: ClusterId,
    from: Date,
    to: Date,
    now = new Date(),
  ): Promise<UplinkTimeline> {
    const rows = withLiveConnection(
      clusterId,
      await this.store.transitions(from, to, [clusterId]),
      this.live(clusterId),
      to,
    );
    const stats = await this.statsFor([clusterId], now);
    return {
      clusterId,
      from: from.toISOString(),
      to: to.toISOString(),
      segments: uplinkSegments(rows, from, to),
      stats: stats.get(clusterId)!,
    };
  }

  async statsFor(
    clusterIds: ClusterId[],
    now = new Date(),
  ): Promise<Map<ClusterId, UplinkStats>> {
    const rows = clusterIds.length
      ? await this.store.transitions(
          new Date(now.getTime() - LONGEST),
          now,
          clusterIds,
        )
      : [];
    const grouped = byCluster(rows);
    return new Map(
      clusterIds.map(id => {
        const recorded = grouped.get(id) ?? [];
        const all = withLiveConnection(id, recorded, this.live(id), now);
        return [id, uplinkStats(id, all, now)];
      }),
    );
  }

  /** The given islands, least available over `window` first (then most outages, then id). */
  async ranking(
    islandIds: ClusterId[],
    window: UplinkWindow,
    now = new Date(),
  ): Promise<UplinkRanking> {
    const stats = [...(await this.statsFor(islandIds, now)).values()];
    stats.sort((a, b) => {
      const pa = availabilityOf(a, window);
      const pb = availabilityOf(b, window);
      const va = pa.availability ?? 2;
      const vb = pb.availability ?? 2;
      if (va !== vb) return va - vb;
      if (pa.outages !== pb.outages) return pb.outages - pa.outages;
      return a.clusterId < b.clusterId ? -1 : 1;
    });
    return { window, generatedAt: now.toISOString(), items: stats };
  }
}
