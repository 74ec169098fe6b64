import {
  ApiBlueprint,
  createFrontendModule,
  gitlabAuthApiRef,
  googleAuthApiRef,
  microsoftAuthApiRef,
  oktaAuthApiRef,
  oneloginAuthApiRef,
} from '@backstage/frontend-plugin-api';
import { KubernetesRequestBody } from '@backstage/plugin-kubernetes-common';
import {
  KubernetesAuthProviders,
  KubernetesAuthProvidersApi,
  kubernetesAuthProvidersApiRef,
  ServerSideKubernetesAuthProvider,
} from '@backstage/plugin-kubernetes-react';
import { KAMAJI_ENTITY } from '@kamaji-backstage/plugin-kamaji-common';

/**
 * The Kubernetes plugin's auth providers, plus the fleet's (`kamaji`): the backend module resolves
 * the credentials of fleet clusters itself, so the browser adds none, as for `serviceAccount`.
 */
export class FleetKubernetesAuthProviders
  implements KubernetesAuthProvidersApi
{
  private readonly fleet = new ServerSideKubernetesAuthProvider();

  constructor(private readonly others: KubernetesAuthProvidersApi) {}

  decorateRequestBodyForAuth(
    authProvider: string,
    requestBody: KubernetesRequestBody,
  ): Promise<KubernetesRequestBody> {
    return authProvider === KAMAJI_ENTITY.kubernetesAuthProvider
      ? this.fleet.decorateRequestBodyForAuth(requestBody)
      : this.others.decorateRequestBodyForAuth(authProvider, requestBody);
  }

  getCredentials(authProvider: string): Promise<{ token?: string }> {
    return authProvider === KAMAJI_ENTITY.kubernetesAuthProvider
      ? this.fleet.getCredentials()
      : this.others.getCredentials(authProvider);
  }
}

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

export const kubernetesAuthModule = createFrontendModule({
  pluginId: 'kubernetes',
  extensions: [kubernetesAuthProviders],
});
