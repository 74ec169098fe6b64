import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { KamajiPermissionPolicy } from './KamajiPermissionPolicy';

/**
 * Installs {@link KamajiPermissionPolicy} into the permission backend, configured by
 * `permissionPolicy.platformGroups` and `permissionPolicy.fleetReaderGroups`.
 *
 * @public
 */
export const permissionModuleKamajiPolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'kamaji-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint, config: coreServices.rootConfig },
      async init({ policy, config }) {
        policy.setPolicy(KamajiPermissionPolicy.fromConfig(config));
      },
    });
  },
});
