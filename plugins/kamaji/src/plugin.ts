import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { kamajiApiRef } from './api/KamajiApi';
import { KamajiClient } from './api/KamajiClient';
import { auditRouteRef, rootRouteRef, upgradesRouteRef } from './routes';

/**
 * The Kamaji plugin for the legacy frontend system (`createApp` from `@backstage/app-defaults`).
 * The new frontend system uses the default export of `@kamaji-backstage/plugin-kamaji/alpha`.
 *
 * @public
 */
export const kamajiPlugin = createPlugin({
  id: 'kamaji',
  apis: [
    createApiFactory({
      api: kamajiApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new KamajiClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: {
    root: rootRouteRef,
    upgrades: upgradesRouteRef,
    audit: auditRouteRef,
  },
});

/**
 * The fleet topology page, for `<Route path="/kamaji" element={<KamajiFleetPage />} />`, the
 * fleet upgrade plans at `/kamaji/upgrades` and the audit trail at `/kamaji/audit`.
 *
 * @public
 */
export const KamajiFleetPage = kamajiPlugin.provide(
  createRoutableExtension({
    name: 'KamajiFleetPage',
    component: () =>
      import('./components/KamajiPages').then(m => m.KamajiPages),
    mountPoint: rootRouteRef,
  }),
);

/**
 * The cluster overview entity card, for entities with the `kamaji-backstage.io/cluster-id`
 * annotation (see `isKamajiClusterAvailable`).
 *
 * @public
 */
export const EntityKamajiClusterOverviewCard = kamajiPlugin.provide(
  createComponentExtension({
    name: 'EntityKamajiClusterOverviewCard',
    component: {
      lazy: () =>
        import('./components/ClusterOverviewCard').then(
          m => m.ClusterOverviewCard,
        ),
    },
  }),
);

/**
 * The worker pools (MachineDeployments) of a tenant cluster, with a Scale action per pool for
 * users allowed to scale it; for entities where `isKamajiTenantAvailable` holds.
 *
 * @public
 */
export const EntityKamajiWorkerPoolsCard = kamajiPlugin.provide(
  createComponentExtension({
    name: 'EntityKamajiWorkerPoolsCard',
    component: {
      lazy: () =>
        import('./components/WorkerPoolsCard').then(m => m.WorkerPoolsCard),
    },
  }),
);

/**
 * The addon sets (ClusterProfile, ClusterResourceSet, HelmChartProxy) reaching a cluster, for
 * entities where `isKamajiClusterAvailable` holds.
 *
 * @public
 */
export const EntityKamajiAddonsCard = kamajiPlugin.provide(
  createComponentExtension({
    name: 'EntityKamajiAddonsCard',
    component: {
      lazy: () => import('./components/AddonsCard').then(m => m.AddonsCard),
    },
  }),
);

/**
 * An island's connection state, hosted tenants and datastores, for entities where
 * `isKamajiIslandAvailable` holds.
 *
 * @public
 */
export const EntityKamajiIslandCard = kamajiPlugin.provide(
  createComponentExtension({
    name: 'EntityKamajiIslandCard',
    component: {
      lazy: () => import('./components/IslandCard').then(m => m.IslandCard),
    },
  }),
);

/**
 * The fleet clusters a group owns, with health counts, for Group entity pages.
 *
 * @public
 */
export const EntityKamajiGroupClustersCard = kamajiPlugin.provide(
  createComponentExtension({
    name: 'EntityKamajiGroupClustersCard',
    component: {
      lazy: () =>
        import('./components/GroupClustersCard').then(m => m.GroupClustersCard),
    },
  }),
);

/**
 * The recent changes to a cluster (creates, upgrades, scaling, deletes, denied and failed
 * attempts) from the audit trail, for its owners; for entities where `isKamajiClusterAvailable` holds.
 *
 * @public
 */
export const EntityKamajiActivityCard = kamajiPlugin.provide(
  createComponentExtension({
    name: 'EntityKamajiActivityCard',
    component: {
      lazy: () => import('./components/ActivityCard').then(m => m.ActivityCard),
    },
  }),
);

/**
 * The Kubernetes tab of an entity, in place of the Kubernetes plugin's `EntityKubernetesContent`:
 * the same parts, but a cluster whose API server refuses the user (401/403, the cluster's RBAC)
 * is shown as "not allowed", naming the cluster and the owner to ask, instead of as an error.
 * For entities where the Kubernetes plugin's `isKubernetesAvailable` holds.
 *
 * @public
 */
export const EntityKamajiKubernetesContent = kamajiPlugin.provide(
  createComponentExtension({
    name: 'EntityKamajiKubernetesContent',
    component: {
      lazy: () =>
        import('./components/KubernetesContent').then(
          m => m.KamajiKubernetesContent,
        ),
    },
  }),
);
