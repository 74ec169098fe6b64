import {
  ApiBlueprint,
  createFrontendModule,
  gitlabAuthApiRef,
  googleAuthApiRef,
  microsoftAuthApiRef,
  oktaAuthApiRef,
  oneloginAuthApiRef,
} from '@backstage/frontend-plugin-api';
import {
  KubernetesAuthProviders,
  kubernetesAuthProvidersApiRef,
} from '@backstage/plugin-kubernetes-react';
import {
  KUBERNETES_ANNOTATION,
  KUBERNETES_LABEL_SELECTOR_QUERY_ANNOTATION,
} from '@backstage/plugin-kubernetes-common';
import type { Entity } from '@backstage/catalog-model';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { FleetKubernetesAuthProviders } from './FleetKubernetesAuthProviders';

/** Replaces the Kubernetes plugin's `api:kubernetes/auth-providers` with one that knows `kamaji`. */
const kubernetesAuthProviders = ApiBlueprint.make({
  name: 'auth-providers',
  params: defineParams =>
    defineParams({
      api: kubernetesAuthProvidersApiRef,
      deps: {
        gitlabAuthApi: gitlabAuthApiRef,
        googleAuthApi: googleAuthApiRef,
        microsoftAuthApi: microsoftAuthApiRef,
        oktaAuthApi: oktaAuthApiRef,
        oneloginAuthApi: oneloginAuthApiRef,
      },
      factory: ({ googleAuthApi, microsoftAuthApi, ...oidc }) =>
        new FleetKubernetesAuthProviders(
          new KubernetesAuthProviders({
            googleAuthApi,
            microsoftAuthApi,
            oidcProviders: {
              gitlab: oidc.gitlabAuthApi,
              google: googleAuthApi,
              microsoft: microsoftAuthApi,
              okta: oidc.oktaAuthApi,
              onelogin: oidc.oneloginAuthApi,
            },
          }),
        ),
    }),
});

/**
 * A module for the Kubernetes plugin (new frontend system): its auth providers API, knowing the
 * fleet's `kamaji` provider. Add it to the app's `features` next to the Kubernetes plugin.
 *
 * @alpha
 */
export const kamajiKubernetesAuthModule = createFrontendModule({
  pluginId: 'kubernetes',
  extensions: [kubernetesAuthProviders],
});

/** Where the Kubernetes plugin shows its tab: the same test as its `isKubernetesAvailable`. */
function hasKubernetesAnnotation(entity: Entity): boolean {
  const annotations = entity.metadata.annotations ?? {};
  return Boolean(
    annotations[KUBERNETES_ANNOTATION] ||
      annotations[KUBERNETES_LABEL_SELECTOR_QUERY_ANNOTATION],
  );
}

/**
 * Replaces the Kubernetes plugin's `entity-content:kubernetes/kubernetes` (same id, path, title,
 * group and filter) with the Kamaji Kubernetes content: clusters refusing the user are "not allowed".
 */
const kubernetesEntityContent = EntityContentBlueprint.make({
  name: 'kubernetes',
  params: {
    path: '/kubernetes',
    title: 'Kubernetes',
    group: 'deployment',
    filter: hasKubernetesAnnotation,
    loader: () =>
      import('../components/KubernetesContent').then(m => (
        <m.KamajiKubernetesContent />
      )),
  },
});

/**
 * A module for the Kubernetes plugin (new frontend system): its entity page tab, where a cluster
 * whose API server refuses the signed-in user (401/403) is shown as "not allowed", naming the
 * cluster and its owner, instead of as an error. Add it to the app's `features` next to the
 * Kubernetes plugin.
 *
 * @alpha
 */
export const kamajiKubernetesContentModule = createFrontendModule({
  pluginId: 'kubernetes',
  extensions: [kubernetesEntityContent],
});
