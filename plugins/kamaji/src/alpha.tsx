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
import { FormFieldBlueprint } from '@backstage/plugin-scaffolder-react/alpha';
import CloudIcon from '@material-ui/icons/CloudQueue';
import { kamajiApiRef } from './api/KamajiApi';
import { KamajiClient } from './api/KamajiClient';
import { auditRouteRef, rootRouteRef, upgradesRouteRef } from './routes';

export {
  kamajiKubernetesAuthModule,
  kamajiKubernetesContentModule,
} from './kubernetes/alpha';
import {
  isGroupEntity,
  isKamajiClusterAvailable,
  isKamajiIslandAvailable,
  isKamajiTenantAvailable,
} from './conditions';

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
      import('./components/KamajiPages').then(m => <m.KamajiPages />),
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
 * The template form's island picker (`ui:field: KamajiIslandPicker`). Form fields attach to the
 * scaffolder's `api:scaffolder/form-fields`, which hands them to the template wizard.
 *
 * @alpha
 */
export const kamajiIslandPickerFormField = FormFieldBlueprint.make({
  name: 'island-picker',
  params: {
    field: () =>
      import('./components/scaffolder/formFields').then(
        m => m.islandPickerFormField,
      ),
  },
});

/** The create preview (`ui:field: KamajiCreatePreview`) of a template's last step. @alpha */
export const kamajiCreatePreviewFormField = FormFieldBlueprint.make({
  name: 'create-preview',
  params: {
    field: () =>
      import('./components/scaffolder/formFields').then(
        m => m.createPreviewFormField,
      ),
  },
});

/** The data store picker (`ui:field: KamajiDatastorePicker`). @alpha */
export const kamajiDatastorePickerFormField = FormFieldBlueprint.make({
  name: 'datastore-picker',
  params: {
    field: () =>
      import('./components/scaffolder/formFields').then(
        m => m.datastorePickerFormField,
      ),
  },
});

/** The Kubernetes version picker (`ui:field: KamajiKubernetesVersionPicker`). @alpha */
export const kamajiKubernetesVersionPickerFormField = FormFieldBlueprint.make({
  name: 'kubernetes-version-picker',
  params: {
    field: () =>
      import('./components/scaffolder/formFields').then(
        m => m.kubernetesVersionPickerFormField,
      ),
  },
});

/** The addon set picker (`ui:field: KamajiAddonSetPicker`). @alpha */
export const kamajiAddonSetPickerFormField = FormFieldBlueprint.make({
  name: 'addon-set-picker',
  params: {
    field: () =>
      import('./components/scaffolder/formFields').then(
        m => m.addonSetPickerFormField,
      ),
  },
});

/** The owner group picker (`ui:field: KamajiOwnerPicker`). @alpha */
export const kamajiOwnerPickerFormField = FormFieldBlueprint.make({
  name: 'owner-picker',
  params: {
    field: () =>
      import('./components/scaffolder/formFields').then(
        m => m.ownerPickerFormField,
      ),
  },
});

/**
 * The worker pools card (with the Scale action) on the pages of tenant cluster entities.
 *
 * @alpha
 */
export const kamajiWorkerPoolsCard = EntityCardBlueprint.make({
  name: 'worker-pools',
  params: {
    filter: isKamajiTenantAvailable,
    loader: () =>
      import('./components/WorkerPoolsCard').then(m => <m.WorkerPoolsCard />),
  },
});

/**
 * The addons card on the pages of cluster entities.
 *
 * @alpha
 */
export const kamajiAddonsCard = EntityCardBlueprint.make({
  name: 'addons',
  params: {
    filter: isKamajiClusterAvailable,
    loader: () => import('./components/AddonsCard').then(m => <m.AddonsCard />),
  },
});

/**
 * The island card on the pages of island entities.
 *
 * @alpha
 */
export const kamajiIslandCard = EntityCardBlueprint.make({
  name: 'island',
  params: {
    filter: isKamajiIslandAvailable,
    loader: () => import('./components/IslandCard').then(m => <m.IslandCard />),
  },
});

/**
 * The "fleet clusters owned by this group" card on Group pages.
 *
 * @alpha
 */
export const kamajiGroupClustersCard = EntityCardBlueprint.make({
  name: 'group-clusters',
  params: {
    filter: isGroupEntity,
    loader: () =>
      import('./components/GroupClustersCard').then(m => (
        <m.GroupClustersCard />
      )),
  },
});

/**
 * The activity card (the cluster's audit trail) on the pages of cluster entities.
 *
 * @alpha
 */
export const kamajiActivityCard = EntityCardBlueprint.make({
  name: 'activity',
  params: {
    filter: isKamajiClusterAvailable,
    loader: () =>
      import('./components/ActivityCard').then(m => <m.ActivityCard />),
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
  extensions: [
    kamajiApi,
    kamajiFleetPage,
    kamajiClusterOverviewCard,
    kamajiWorkerPoolsCard,
    kamajiAddonsCard,
    kamajiIslandCard,
    kamajiGroupClustersCard,
    kamajiActivityCard,
    kamajiIslandPickerFormField,
    kamajiDatastorePickerFormField,
    kamajiKubernetesVersionPickerFormField,
    kamajiAddonSetPickerFormField,
    kamajiOwnerPickerFormField,
    kamajiCreatePreviewFormField,
  ],
  routes: {
    root: convertLegacyRouteRef(rootRouteRef),
    upgrades: convertLegacyRouteRef(upgradesRouteRef),
    audit: convertLegacyRouteRef(auditRouteRef),
  },
});
