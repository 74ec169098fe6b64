import {
  AuthService,
  coreServices,
  createBackendModule,
  LifecycleService,
  LoggerService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  kubernetesAuthStrategyExtensionPoint,
  kubernetesClusterSupplierExtensionPoint,
  kubernetesFetcherExtensionPoint,
  kubernetesRouterExtensionPoint,
  kubernetesServiceLocatorExtensionPoint,
  KubernetesClustersSupplier,
} from '@backstage/plugin-kubernetes-node';
import {
  FleetService,
  fleetServiceRef,
} from '@kamaji-backstage/plugin-kamaji-node';
import { KAMAJI_AUTH_PROVIDER, KamajiAuthStrategy } from './KamajiAuthStrategy';
import { KamajiClusterSupplier } from './KamajiClusterSupplier';
import { KamajiServiceLocator } from './KamajiServiceLocator';
import { KamajiFetcher } from './KamajiFetcher';
import { ImpersonatorTokens } from './ImpersonatorTokens';
import { impersonatingRouter } from './impersonatingProxy';
import { impersonatedUserOf } from './impersonation';
import { KamajiKubernetesSettings, readKubernetesSettings } from './settings';
import { readableClustersOf } from './readableClusters';
import { builtInAuthStrategies } from './builtInAuthStrategies';

/** The clusters configured next to the fleet's; undefined when there are none. */
async function configuredClusters(
  getDefault: () => Promise<KubernetesClustersSupplier>,
  logger: LoggerService,
): Promise<KubernetesClustersSupplier | undefined> {
  try {
    return await getDefault();
  } catch (e) {
    logger.info(`no configured Kubernetes clusters next to the fleet's: ${e}`);
    return undefined;
  }
}

/** The fleet's cluster supplier, started now and stopped with the backend. */
function startClusterSupplier(
  deps: {
    auth: AuthService;
    userInfo: UserInfoService;
    permissions: PermissionsService;
    logger: LoggerService;
    lifecycle: LifecycleService;
    fleet: FleetService;
  },
  settings: KamajiKubernetesSettings,
  strategy: KamajiAuthStrategy,
  fallback: KubernetesClustersSupplier | undefined,
): KamajiClusterSupplier {
  const { auth, userInfo, logger } = deps;
  const supplier = new KamajiClusterSupplier(
    deps.fleet,
    settings,
    logger,
    async credentials =>
      auth.isPrincipal(credentials, 'user')
        ? impersonatedUserOf(await userInfo.getUserInfo(credentials))
        : undefined,
    readableClustersOf(deps.permissions, logger, {
      readPermissionCacheMs: settings.readPermissionCacheMs,
    }),
    strategy,
    fallback,
  );
  supplier.start().catch(e => logger.error(`kamaji cluster supplier: ${e}`));
  deps.lifecycle.addShutdownHook(() => supplier.stop());
  return supplier;
}

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
      async init(deps) {
        const { config, logger, fleet, authStrategies } = deps;
        const settings = readKubernetesSettings(config);
        const strategy = new KamajiAuthStrategy(
          new ImpersonatorTokens(fleet, settings.impersonator, logger),
        );
        for (const [name, builtIn] of builtInAuthStrategies({ config, logger }))
          authStrategies.addAuthStrategy(name, builtIn);
        authStrategies.addAuthStrategy(KAMAJI_AUTH_PROVIDER, strategy);
        deps.fetchers.addFetcher(
          async ({ getDefault }) => new KamajiFetcher(await getDefault()),
        );
        deps.routers.addRouter(impersonatingRouter(deps.httpAuth));
        deps.clusterSuppliers.addClusterSupplier(async ({ getDefault }) => {
          const fallback = settings.keepConfiguredClusters
            ? await configuredClusters(getDefault, logger)
            : undefined;
          return startClusterSupplier(deps, settings, strategy, fallback);
        });
        if (settings.clusterEntityLocator) {
          deps.serviceLocators.addServiceLocator(
            async ({ getDefault, clusterSupplier }) =>
              new KamajiServiceLocator(await getDefault(), clusterSupplier),
          );
        }
      },
    });
  },
});
