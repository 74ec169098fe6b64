import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { fleetServiceRef } from '@kamaji-backstage/plugin-kamaji-node';
import { createKamajiActions } from './actions';
import { readScaffolderSettings } from './config';

/**
 * The scaffolder module with the Kamaji actions: `kamaji:tenant:create`, `kamaji:island:create`,
 * `kamaji:addonset:create`, `kamaji:manifests:render`, `kamaji:cluster:wait` and
 * `kamaji:upgradeplan:create`.
 * Needs the fleet service (`@kamaji-backstage/plugin-kamaji-backend`) in the same backend.
 *
 * @public
 */
export const scaffolderModuleKamaji = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'kamaji',
  register(reg) {
    reg.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        permissions: coreServices.permissions,
        userInfo: coreServices.userInfo,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        catalog: catalogServiceRef,
        fleet: fleetServiceRef,
      },
      async init({ scaffolder, config, logger, ...deps }) {
        const settings = readScaffolderSettings(config);
        scaffolder.addActions(...createKamajiActions({ ...deps, settings }));
        logger.info(
          `Kamaji scaffolder actions ready (Kubernetes v1.${
            settings.kubernetesVersions.minMinor
          } to v1.${settings.kubernetesVersions.maxMinor}, ${
            Object.keys(settings.islandProfiles).length
          } island profile(s))`,
        );
      },
    });
  },
});
