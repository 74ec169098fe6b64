import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import {
  fleetServiceRef,
  kamajiAuditServiceRef,
} from '@kamaji-backstage/plugin-kamaji-node';
import { createKamajiActions } from './actions';
import { readScaffolderSettings } from './config';

/**
 * The scaffolder module with the Kamaji actions: `kamaji:tenant:create`, `kamaji:island:create`,
 * `kamaji:addonset:create`, `kamaji:manifests:render` and `kamaji:cluster:wait`.
 * Needs the fleet service and the audit trail service (`@kamaji-backstage/plugin-kamaji-backend`)
 * in the same backend: every create, denied and failed ones included, is recorded there.
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
        catalog: catalogServiceRef,
        fleet: fleetServiceRef,
        audit: kamajiAuditServiceRef,
        auditor: coreServices.auditor,
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
