import type {
  ConnectionState,
  ConnectionStatus,
  Staleness,
} from '@kamaji-backstage/plugin-kamaji-common';
import type { SourceView } from './modelBuilder';

/** What the backend last saw from a cluster before it (re)started, from its database. */
export interface LastKnownState {
  status: ConnectionStatus;
  since: string;
  /** When the cluster last answered. */
  lastSeenAt: string;
  lastSyncAt?: string;
  lastError?: string;
  kinds: ReadonlyMap<string, ReadonlyMap<string, unknown>>;
}

const EMPTY: ReadonlyMap<string, any> = new Map();

/** Revision of seeded items: differs from every live watcher revision (0 and up). */
export const SEEDED_REVISION = -1;

/**
 * When a cluster not reached since start was disconnected: since it was saved as disconnected,
 * or else since it last answered (it went away while the backend was down).
 */
export function disconnectedSince(state: LastKnownState): string {
  return state.status === 'disconnected' ? state.since : state.lastSeenAt;
}

/** Stale, last seen at `lastSeenAt`; a cluster never listed (no kinds saved) was never seen. */
export function staleSince(lastSeenAt: string, listed: boolean): Staleness {
  return listed ? { stale: true, lastSeenAt } : { stale: true };
}

/**
 * A cluster known only from the database (not reached since the backend started): its last-known
 * items, disconnected, stale since it was last seen.
 */
export class SeededSource implements SourceView {
  readonly connection: ConnectionState;
  readonly staleness: Staleness;

  constructor(readonly state: LastKnownState, lastError: string) {
    this.connection = {
      status: 'disconnected',
      since: disconnectedSince(state),
      lastError: state.lastError ?? lastError,
    };
    if (state.lastSyncAt) this.connection.lastSyncAt = state.lastSyncAt;
    this.staleness = staleSince(state.lastSeenAt, state.kinds.size > 0);
  }

  has(kind: string): boolean {
    return this.state.kinds.has(kind);
  }

  readable(kind: string): boolean {
    return this.has(kind);
  }

  unreadableReason(): string | undefined {
    return undefined;
  }

  items<T>(kind: string): ReadonlyMap<string, T> {
    return (this.state.kinds.get(kind) as ReadonlyMap<string, T>) ?? EMPTY;
  }

  revision(): number {
    return SEEDED_REVISION;
  }
}
