/**
 * The Kamaji plugin for Backstage's new frontend system: add the default export to the app's
 * `features` (or let feature discovery find it).
 *
 * @packageDocumentation
 */
import {
  ApiBlueprint,
  PageBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { convertLegacyRouteRef } from '@backstage/core-compat-api';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import CloudIcon from '@material-ui/icons/CloudQueue';
import { kamajiApiRef } from './api/KamajiApi';
import { KamajiClient } from './api/KamajiClient';
import { rootRouteRef } from './routes';
import { isKamajiClusterAvailable } from './conditions';

/** The fleet API client. @alpha */
export const kamajiApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: kamajiApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new KamajiClient({ discoveryApi, fetchApi }),
    }),
});

/**
 * The fleet topology page at `/kamaji`. Its title and icon make its navigation item
 * (frontend-plugin-api 0.18 has no separate NavItemBlueprint: the app's nav lists pages).
 *
 * @alpha
 */
export const kamajiFleetPage = PageBlueprint.make({
  params: {
    path: '/kamaji',
    title: 'Kamaji fleet',
    icon: <CloudIcon />,
    routeRef: convertLegacyRouteRef(rootRouteRef),
    noHeader: true,
    loader: () =>
      import('./components/FleetPage').then(m => <m.FleetTopologyPage />),
  },
});

/**
 * The cluster overview card on the pages of entities with the
 * `kamaji-backstage.io/cluster-id` annotation.
 *
 * @alpha
 */
export const kamajiClusterOverviewCard = EntityCardBlueprint.make({
  name: 'cluster-overview',
  params: {
    filter: isKamajiClusterAvailable,
    loader: () =>
      import('./components/ClusterOverviewCard').then(m => (
        <m.ClusterOverviewCard />
      )),
  },
});

/**
 * The Kamaji plugin for the new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'kamaji',
  title: 'Kamaji fleet',
  icon: <CloudIcon />,
  info: { packageJson: () => import('../package.json') },
  extensions: [kamajiApi, kamajiFleetPage, kamajiClusterOverviewCard],
  routes: { root: convertLegacyRouteRef(rootRouteRef) },
});
