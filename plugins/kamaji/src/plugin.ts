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
import { rootRouteRef } from './routes';

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
  routes: { root: rootRouteRef },
});

/**
 * The fleet topology page, for `<Route path="/kamaji" element={<KamajiFleetPage />} />`.
 *
 * @public
 */
export const KamajiFleetPage = kamajiPlugin.provide(
  createRoutableExtension({
    name: 'KamajiFleetPage',
    component: () =>
      import('./components/FleetPage').then(m => m.FleetTopologyPage),
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
