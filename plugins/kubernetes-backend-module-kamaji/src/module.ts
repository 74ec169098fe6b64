import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  kubernetesAuthStrategyExtensionPoint,
  kubernetesClusterSupplierExtensionPoint,
  kubernetesFetcherExtensionPoint,
  kubernetesRouterExtensionPoint,
  kubernetesServiceLocatorExtensionPoint,
  KubernetesClustersSupplier,
} from '@backstage/plugin-kubernetes-node';
import { fleetServiceRef } from '@kamaji-backstage/plugin-kamaji-node';
import { KAMAJI_AUTH_PROVIDER, KamajiAuthStrategy } from './KamajiAuthStrategy';
import { KamajiClusterSupplier } from './KamajiClusterSupplier';
import { KamajiServiceLocator } from './KamajiServiceLocator';
import { KamajiFetcher } from './KamajiFetcher';
import { ImpersonatorTokens } from './ImpersonatorTokens';
import { impersonatingRouter } from './impersonatingProxy';
import { impersonatedUserOf } from './impersonation';
import { readKubernetesSettings } from './settings';
import { readableClustersOf } from './readableClusters';
import { builtInAuthStrategies } from './builtInAuthStrategies';

/**
 * The Kubernetes plugin module of the Kamaji fleet: the fleet's tenant clusters and islands as
 * Kubernetes clusters (auth provider `kamaji`), reached as the signed-in user through Kubernetes
 * impersonation: the supplier hands out cluster details carrying the user's identity, the auth
 * strategy gives the cluster's impersonate-only ServiceAccount token, and the fetcher and the
 * proxy send the `Impersonate-*` headers. Needs the fleet service (`@kamaji-backstage/plugin-kamaji-backend`).
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
        fetchers: kubernetesFetcherExtensionPoint,
        routers: kubernetesRouterExtensionPoint,
        auth: coreServices.auth,
        httpAuth: coreServices.httpAuth,
        userInfo: coreServices.userInfo,
        permissions: coreServices.permissions,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        lifecycle: coreServices.lifecycle,
        fleet: fleetServiceRef,
      },
      async init({
        clusterSuppliers,
        authStrategies,
        serviceLocators,
        fetchers,
        routers,
        auth,
        httpAuth,
        userInfo,
        permissions,
        config,
        logger,
        lifecycle,
        fleet,
      }) {
        const settings = readKubernetesSettings(config);
        const strategy = new KamajiAuthStrategy(
          new ImpersonatorTokens(fleet, settings.impersonator, logger),
        );
        for (const [name, builtIn] of builtInAuthStrategies({ config, logger }))
          authStrategies.addAuthStrategy(name, builtIn);
        authStrategies.addAuthStrategy(KAMAJI_AUTH_PROVIDER, strategy);
        fetchers.addFetcher(
          async ({ getDefault }) => new KamajiFetcher(await getDefault()),
        );
        routers.addRouter(impersonatingRouter(httpAuth));
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
            async credentials =>
              auth.isPrincipal(credentials, 'user')
                ? impersonatedUserOf(await userInfo.getUserInfo(credentials))
                : undefined,
            readableClustersOf(permissions, logger, {
              readPermissionCacheMs: settings.readPermissionCacheMs,
            }),
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
