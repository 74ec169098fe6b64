import type {
  DatabaseService,
  LifecycleService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import type { FleetService } from '@kamaji-backstage/plugin-kamaji-node';
import { KubeFleetService } from '../fleet/KubeFleetService';
import { readDurableStateConfig } from './config';
import { FleetStateStore } from './FleetStateStore';
import { UplinkHistory } from './UplinkHistory';

const DAY_MS = 86_400_000;
const TOMBSTONE_RETENTION_MS = 3_600_000;

/**
 * Durable fleet state for the `kamaji` plugin: the fleet service seeds itself from the plugin's
 * database and writes behind into it; the uplink history is pruned by a scheduler global task
 * (one run across replicas), and so are the tombstones of deleted state rows. The plugin's migrations must have run (AuditStore.create).
 */
export async function setUpDurableState(options: {
  config: Config;
  database: DatabaseService;
  fleet: FleetService;
  scheduler: SchedulerService;
  lifecycle: LifecycleService;
  logger: LoggerService;
}): Promise<UplinkHistory> {
  const { config, database, fleet, scheduler, lifecycle, logger } = options;
  const settings = readDurableStateConfig(config);
  const store = new FleetStateStore(await database.getClient());
  if (fleet instanceof KubeFleetService) {
    await fleet.attachDurableState(store, settings);
    lifecycle.addShutdownHook(() => fleet.detachDurableState());
  }
  await scheduler.scheduleTask({
    id: 'kamaji-uplink-history-prune',
    scope: 'global',
    frequency: { hours: 1 },
    timeout: { minutes: 5 },
    initialDelay: { minutes: 1 },
    fn: async () => {
      const cut = new Date(Date.now() - settings.retentionDays * DAY_MS);
      const pruned = await store.pruneTransitions(cut);
      if (pruned) logger.info(`uplink history: pruned ${pruned} transitions`);
      // Deletions are kept as tombstones for replicas following the state; an hour is plenty.
      const tombstones = await store.pruneTombstones(
        new Date(Date.now() - TOMBSTONE_RETENTION_MS),
      );
      if (tombstones)
        logger.info(`fleet state: pruned ${tombstones} tombstones`);
    },
  });
  return new UplinkHistory(store, id => {
    const cluster = fleet.getCluster(id);
    return cluster && cluster.role !== 'tenant'
      ? cluster.connection
      : undefined;
  });
}
