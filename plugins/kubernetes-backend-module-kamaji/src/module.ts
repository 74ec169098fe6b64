import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  kubernetesAuthStrategyExtensionPoint,
  kubernetesClusterSupplierExtensionPoint,
  kubernetesServiceLocatorExtensionPoint,
  KubernetesClustersSupplier,
} from '@backstage/plugin-kubernetes-node';
import { fleetServiceRef } from '@kamaji-backstage/plugin-kamaji-node';
import { KAMAJI_AUTH_PROVIDER, KamajiAuthStrategy } from './KamajiAuthStrategy';
import { KamajiClusterSupplier } from './KamajiClusterSupplier';
import { KamajiServiceLocator } from './KamajiServiceLocator';
import { readKubernetesSettings } from './settings';

/**
 * The Kubernetes plugin module of the Kamaji fleet: the fleet's tenant clusters and islands as
 * Kubernetes clusters, authenticated with the fleet's credentials (auth provider `kamaji`).
 * Needs the fleet service (`@kamaji-backstage/plugin-kamaji-backend`).
 *
 * @public
 */
export const kubernetesModuleKamaji = createBackendModule({
  pluginId: 'kubernetes',
  moduleId: 'kamaji',
  register(env) {
    env.registerInit({
      deps: {
        clusterSuppliers: kubernetesClusterSupplierExtensionPoint,
        authStrategies: kubernetesAuthStrategyExtensionPoint,
        serviceLocators: kubernetesServiceLocatorExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        lifecycle: coreServices.lifecycle,
        fleet: fleetServiceRef,
      },
      async init({
        clusterSuppliers,
        authStrategies,
        serviceLocators,
        config,
        logger,
        lifecycle,
        fleet,
      }) {
        const settings = readKubernetesSettings(config);
        const strategy = new KamajiAuthStrategy(
          fleet,
          logger,
          settings.credentialCacheMs,
        );
        authStrategies.addAuthStrategy(KAMAJI_AUTH_PROVIDER, strategy);
        clusterSuppliers.addClusterSupplier(async ({ getDefault }) => {
          let fallback: KubernetesClustersSupplier | undefined;
          if (settings.keepConfiguredClusters) {
            try {
              fallback = await getDefault();
            } catch (e) {
              logger.info(
                `no configured Kubernetes clusters next to the fleet's: ${e}`,
              );
            }
          }
          const supplier = new KamajiClusterSupplier(
            fleet,
            settings,
            logger,
            strategy,
            fallback,
          );
          supplier
            .start()
            .catch(e => logger.error(`kamaji cluster supplier: ${e}`));
          lifecycle.addShutdownHook(() => supplier.stop());
          return supplier;
        });
        if (settings.clusterEntityLocator) {
          serviceLocators.addServiceLocator(
            async ({ getDefault, clusterSupplier }) =>
              new KamajiServiceLocator(await getDefault(), clusterSupplier),
          );
        }
      },
    });
  },
});
