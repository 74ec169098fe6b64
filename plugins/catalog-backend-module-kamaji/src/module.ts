import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { fleetServiceRef } from '@kamaji-backstage/plugin-kamaji-node';
import { readCatalogSettings } from './config';
import { KamajiEntityProvider } from './KamajiEntityProvider';
import { TenantRelationsProcessor } from './TenantRelationsProcessor';

/**
 * The catalog module of the Kamaji fleet: management clusters, islands and tenant clusters as
 * `Resource` entities. Needs the fleet service (`@kamaji-backstage/plugin-kamaji-backend`).
 *
 * @public
 */
export const catalogModuleKamaji = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'kamaji',
  register(env) {
    env.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
        lifecycle: coreServices.lifecycle,
        fleet: fleetServiceRef,
      },
      async init({ catalog, config, logger, scheduler, lifecycle, fleet }) {
        const settings = readCatalogSettings(config);
        const provider = new KamajiEntityProvider(fleet, settings, logger);
        catalog.addEntityProvider(provider);
        catalog.addProcessor(new TenantRelationsProcessor());
        lifecycle.addShutdownHook(() => provider.stop());
        await scheduler.scheduleTask({
          id: 'kamaji-fleet-entity-provider:refresh',
          ...settings.schedule,
          scope: 'local',
          fn: async () => {
            await fleet.ready();
            await provider.refresh();
          },
        });
      },
    });
  },
});
