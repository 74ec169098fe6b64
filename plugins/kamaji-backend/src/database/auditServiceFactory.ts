import {
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { NewAuditEvent } from '@kamaji-backstage/plugin-kamaji-common';
import {
  KamajiAuditService,
  kamajiAuditServiceRef,
} from '@kamaji-backstage/plugin-kamaji-node';
import { AuditStore } from './AuditStore';

/** How long a write waits for the kamaji plugin to have opened its database. */
const STORE_WAIT_MS = 60_000;

/**
 * The audit store of this backend process, handed over by the `kamaji` plugin once it has opened
 * (and migrated) its database, so other plugins' modules write to the same table with the same
 * connection pool.
 */
export class AuditStoreSlot {
  private store?: AuditStore;
  private readonly waiting: Array<(store: AuditStore) => void> = [];

  fill(store: AuditStore) {
    this.store = store;
    this.waiting.splice(0).forEach(resolve => resolve(store));
  }

  get(): Promise<AuditStore> {
    if (this.store) return Promise.resolve(this.store);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.waiting.indexOf(ready);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(
          new Error(
            'the kamaji backend plugin has not opened its audit table: is @kamaji-backstage/plugin-kamaji-backend installed?',
          ),
        );
      }, STORE_WAIT_MS);
      const ready = (store: AuditStore) => {
        clearTimeout(timer);
        resolve(store);
      };
      this.waiting.push(ready);
    });
  }
}

/** One slot per backend process, shared by the `kamaji` plugin and the service below. */
export const auditStoreSlotRef = createServiceRef<AuditStoreSlot>({
  id: 'kamaji.audit-store-slot',
  scope: 'root',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: {},
      factory: () => new AuditStoreSlot(),
    }),
});

/**
 * Implements `kamajiAuditServiceRef` (`@kamaji-backstage/plugin-kamaji-node`): writes go to the
 * `kamaji` plugin's audit table.
 *
 * @public
 */
export const kamajiAuditServiceFactory = createServiceFactory({
  service: kamajiAuditServiceRef,
  deps: { slot: auditStoreSlotRef },
  factory({ slot }): KamajiAuditService {
    return {
      async record(event: NewAuditEvent) {
        await (await slot.get()).record(event);
      },
    };
  },
});
