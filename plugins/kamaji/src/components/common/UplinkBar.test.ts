import {
  formatSeconds,
  UplinkPeriodStats,
} from '@kamaji-backstage/plugin-kamaji-common';
import { periodText } from './UplinkBar';
import { formatAgo } from '../FleetPage/model';

describe('formatSeconds', () => {
  it('counts whole minutes as formatAgo does, so "for" and "since … ago" agree', () => {
    const now = Date.parse('2026-12-06T12:00:00Z');
    for (const seconds of [61, 119, 3 * 60 + 59, 59 * 60 + 59]) {
      const since = new Date(now - seconds * 1000).toISOString();
      expect(`${formatSeconds(seconds)} ago`).toBe(formatAgo(since, now));
    }
  });
});

function period(stats: Partial<UplinkPeriodStats>): UplinkPeriodStats {
  return {
    window: '24h',
    observedSeconds: 86400,
    downtimeSeconds: 0,
    outages: 0,
    longestOutageSeconds: 0,
    ...stats,
  };
}

describe('periodText', () => {
  it('says when nothing is recorded, and counts outages', () => {
    expect(periodText(undefined)).toBe('no history recorded yet');
    expect(periodText(period({ availability: undefined }))).toBe(
      'no history recorded yet',
    );
    expect(periodText(period({ availability: 0.99949 }))).toBe(
      '99.9% available, no outage',
    );
    expect(
      periodText(
        period({ availability: 0.5, outages: 2, longestOutageSeconds: 3900 }),
      ),
    ).toBe('50.0% available, 2 outages, longest 1 h 5 min');
  });

  it('says over how long when only part of the window is recorded', () => {
    expect(
      periodText(
        period({
          availability: 0.976,
          observedSeconds: 170,
          outages: 1,
          longestOutageSeconds: 4,
        }),
      ),
    ).toBe('97.6% available over the 2 min recorded, 1 outage, longest 4 s');
    expect(
      periodText(
        period({ window: '7d', availability: 1, observedSeconds: 86400 }),
      ),
    ).toBe('100.0% available over the 24 h recorded, no outage');
    expect(
      periodText(
        period({ window: '7d', availability: 1, observedSeconds: 604_000 }),
      ),
    ).toBe('100.0% available, no outage');
  });
});
