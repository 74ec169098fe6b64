import type { HealthCounts, HealthStatus } from './model';

/**
 * Counts of every health status, all zero.
 *
 * @public
 */
export function emptyHealthCounts(): HealthCounts {
  return { healthy: 0, progressing: 0, degraded: 0, unhealthy: 0, unknown: 0 };
}

/**
 * How many of `statuses` are of each health status.
 *
 * @public
 */
export function countHealth(statuses: Iterable<HealthStatus>): HealthCounts {
  const counts = emptyHealthCounts();
  for (const s of statuses) counts[s]++;
  return counts;
}
