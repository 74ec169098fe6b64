import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { KamajiPermissionPolicy } from './permissionPolicy';

/** Installs the project's permission policy into the permission backend. */
export const kamajiPermissionPolicyModule = createBackendModule({
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
