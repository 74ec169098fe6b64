import type { ConnectionState } from '@kamaji-backstage/plugin-kamaji-common';
import { formatAgo } from '../FleetPage/model';

/** "in 40 s", "in 3 min", "now" for a time still to come (a retry). */
export function formatIn(iso: string | undefined, now = Date.now()): string {
  if (!iso) return 'not planned';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return 'not planned';
  const s = Math.round((t - now) / 1000);
  if (s <= 0) return 'now';
  if (s < 90) return `in ${s} s`;
  return `in ${Math.round(s / 60)} min`;
}

const STATUS_TEXT: Record<ConnectionState['status'], string> = {
  connected: 'Connected',
  degraded: 'Connected, some kinds unreadable',
  disconnected: 'Disconnected',
};

/** `Connected since 3 min ago`, `Disconnected since 2 h ago`. */
export function connectionSince(c: ConnectionState): string {
  return `${STATUS_TEXT[c.status] ?? c.status} since ${formatAgo(c.since)}`;
}
