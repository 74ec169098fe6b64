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
  private fillStore!: (store: AuditStore) => void;
  private readonly store = new Promise<AuditStore>(resolve => {
    this.fillStore = resolve;
  });

  fill(store: AuditStore) {
    this.fillStore(store);
  }

  async get(): Promise<AuditStore> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(
              'the kamaji backend plugin has not opened its audit table: is @kamaji-backstage/plugin-kamaji-backend installed?',
            ),
          ),
        STORE_WAIT_MS,
      );
    });
    try {
      return await Promise.race([this.store, timeout]);
    } finally {
      clearTimeout(timer);
    }
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
