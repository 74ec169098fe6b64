import type { ClusterId, ConnectionStatus } from './model';

// The REST API's bodies are generated from openapi.yaml (src/schema/openapi/generated).
import type { GetUplinkRanking } from './schema/openapi/generated/apis';
import type {
  UplinkSegment,
  UplinkStats,
  UplinkStatsCurrent,
  UplinkPeriodStats,
} from './schema/openapi/generated/models';

export type {
  UplinkSegment,
  UplinkPeriodStats,
  UplinkStats,
  UplinkTimeline,
  UplinkRanking,
} from './schema/openapi/generated/models';

/**
 * A period the uplink statistics are computed over, ending now.
 *
 * @public
 */
export type UplinkWindow = NonNullable<GetUplinkRanking['query']['window']>;

/**
 * A duration in words: `1 h 5 min`, `12 min`, `40 s`, `3 days`. Whole units elapsed, as the
 * frontend's "… ago" counts them, so that "connected for" and "connected since … ago" side by
 * side agree.
 *
 * @public
 */
export function formatSeconds(total: number): string {
  if (total < 60) return `${Math.floor(total)} s`;
  const min = Math.floor(total / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return min % 60 ? `${h} h ${min % 60} min` : `${h} h`;
  return `${Math.floor(h / 24)} days`;
}

/**
 * The length of each {@link UplinkWindow} in milliseconds.
 *
 * @public
 */
export const UPLINK_WINDOWS: Record<UplinkWindow, number> = {
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
};

/**
 * The share of its window that uplink figures were recorded over, from 0 to 1: less than 1 for
 * an island added lately, or a history younger than the window.
 *
 * @public
 */
export function recordedShare(figures: {
  window: UplinkWindow;
  observedSeconds: number;
}): number {
  return Math.min(
    1,
    (figures.observedSeconds * 1000) / UPLINK_WINDOWS[figures.window],
  );
}

/**
 * Whether uplink figures were recorded over (nearly) their whole window; if not, whoever shows
 * them says over how long.
 *
 * @public
 */
export function coversWindow(figures: {
  window: UplinkWindow;
  observedSeconds: number;
}): boolean {
  return recordedShare(figures) >= 0.99;
}

/**
 * The status an uplink is in now and for how long.
 *
 * @public
 */
export type UplinkStreak = UplinkStatsCurrent;

/**
 * A connection transition as the uplink history stores it.
 *
 * @public
 */
export interface UplinkTransitionRecord {
  at: string;
  status: ConnectionStatus;
  reason?: string;
}

/**
 * The segments of `[from, to]` from a cluster's transitions (oldest first, starting with the
 * last one before `from` when there is one).
 *
 * @public
 */
export function uplinkSegments(
  transitions: UplinkTransitionRecord[],
  from: Date,
  to: Date,
): UplinkSegment[] {
  const out: UplinkSegment[] = [];
  const start = from.getTime();
  const end = to.getTime();
  const first = transitions.length ? Date.parse(transitions[0].at) : end;
  if (first > start) {
    out.push({
      status: 'unknown',
      from: from.toISOString(),
      to: new Date(Math.min(first, end)).toISOString(),
    });
  }
  transitions.forEach((t, i) => {
    const a = Math.max(Date.parse(t.at), start);
    const next = transitions[i + 1];
    const b = Math.min(next ? Date.parse(next.at) : end, end);
    if (b <= a) return;
    const segment: UplinkSegment = {
      status: t.status,
      from: new Date(a).toISOString(),
      to: new Date(b).toISOString(),
    };
    if (t.reason) segment.reason = t.reason;
    out.push(segment);
  });
  return out;
}

/**
 * Availability, outages and the current streak of one cluster, from its transitions over the
 * longest window (oldest first, starting with the last one before it).
 *
 * @public
 */
export function uplinkStats(
  clusterId: ClusterId,
  transitions: UplinkTransitionRecord[],
  now: Date,
): UplinkStats {
  const periods = (Object.keys(UPLINK_WINDOWS) as UplinkWindow[]).map(
    window => {
      const segments = uplinkSegments(
        transitions,
        new Date(now.getTime() - UPLINK_WINDOWS[window]),
        now,
      );
      let observed = 0;
      let down = 0;
      let outages = 0;
      let longest = 0;
      for (const s of segments) {
        if (s.status === 'unknown') continue;
        const ms = Date.parse(s.to) - Date.parse(s.from);
        observed += ms;
        if (s.status === 'disconnected') {
          down += ms;
          outages++;
          longest = Math.max(longest, ms);
        }
      }
      const period: UplinkPeriodStats = {
        window,
        observedSeconds: Math.round(observed / 1000),
        downtimeSeconds: Math.round(down / 1000),
        outages,
        longestOutageSeconds: Math.round(longest / 1000),
      };
      if (observed > 0) period.availability = 1 - down / observed;
      return period;
    },
  );
  const stats: UplinkStats = { clusterId, periods };
  const last = transitions[transitions.length - 1];
  if (last) {
    stats.current = {
      status: last.status,
      since: last.at,
      seconds: Math.max(
        0,
        Math.round((now.getTime() - Date.parse(last.at)) / 1000),
      ),
    };
  }
  return stats;
}
