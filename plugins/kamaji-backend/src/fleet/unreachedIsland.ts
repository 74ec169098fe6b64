import type { ConnectionState } from '@kamaji-backstage/plugin-kamaji-common';
import type { PersistableSource } from '../durable/FleetStatePersister';

const NONE = new Map<string, never>();

/**
 * An island the fleet cannot connect to (its kubeconfig Secret is missing, unreadable or
 * refused) and of which the database holds no objects: saved as its connection alone, so that
 * every replica, which serves the fleet from the database, shows why.
 */
export class UnreachedIsland implements PersistableSource {
  readonly synced = true;

  constructor(readonly connection: ConnectionState) {}

  /** Never listed: no kinds, and "seen" only as the time it was found unreachable. */
  lastSeen(): { kinds: string[]; lastSeenAt: Date } {
    return { kinds: [], lastSeenAt: new Date(this.connection.since) };
  }

  revision(): number {
    return 0;
  }

  items<T>(): ReadonlyMap<string, T> {
    return NONE;
  }
}
