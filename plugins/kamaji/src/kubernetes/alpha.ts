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
