import type { ConnectionState } from '@kamaji-backstage/plugin-kamaji-common';
import type { PersistableSource } from '../durable/FleetStatePersister';
import { LastKnownState, SEEDED_REVISION } from './seededSource';

const NONE = new Map<string, never>();

/**
 * An island the fleet cannot connect to (its kubeconfig Secret is missing, unreadable or
 * refused): saved as its connection, with the objects last saved of it when there are any, so
 * that every replica, which serves the fleet from the database, shows why.
 */
export class UnreachedIsland implements PersistableSource {
  readonly synced = true;

  constructor(
    readonly connection: ConnectionState,
    private readonly saved?: LastKnownState,
  ) {}

  /** The saved kinds and when it last answered; never listed: no kinds, "seen" when found unreachable. */
  lastSeen(): { kinds: string[]; lastSeenAt: Date } {
    if (this.saved?.kinds.size) {
      return {
        kinds: [...this.saved.kinds.keys()],
        lastSeenAt: new Date(this.saved.lastSeenAt),
      };
    }
    return { kinds: [], lastSeenAt: new Date(this.connection.since) };
  }

  revision(): number {
    return SEEDED_REVISION;
  }

  items<T>(kind: string): ReadonlyMap<string, T> {
    return (this.saved?.kinds.get(kind) as ReadonlyMap<string, T>) ?? NONE;
  }
}
