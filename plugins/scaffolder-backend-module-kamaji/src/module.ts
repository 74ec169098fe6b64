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
import { createPreviewRouter } from './preview/createPreview';

/**
 * The scaffolder module with the Kamaji actions: `kamaji:tenant:create`, `kamaji:island:create`,
 * `kamaji:addonset:create`, `kamaji:manifests:render`, `kamaji:cluster:wait` and
 * `kamaji:upgradeplan:create`.
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
        discovery: coreServices.discovery,
        catalog: catalogServiceRef,
        fleet: fleetServiceRef,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        audit: kamajiAuditServiceRef,
        auditor: coreServices.auditor,
      },
      async init({
        scaffolder,
        config,
        logger,
        httpRouter,
        httpAuth,
        ...deps
      }) {
        const settings = readScaffolderSettings(config);
        scaffolder.addActions(...createKamajiActions({ ...deps, settings }));
        // The create preview of the template form, under /api/scaffolder/kamaji/.
        httpRouter.use(
          createPreviewRouter({
            httpAuth,
            logger,
            deps: { ...deps, settings },
          }),
        );
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
