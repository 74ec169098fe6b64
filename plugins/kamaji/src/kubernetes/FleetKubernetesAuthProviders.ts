import { KubernetesRequestBody } from '@backstage/plugin-kubernetes-common';
import {
  KubernetesAuthProvidersApi,
  ServerSideKubernetesAuthProvider,
} from '@backstage/plugin-kubernetes-react';
import { KAMAJI_ENTITY } from '@kamaji-backstage/plugin-kamaji-common';

/**
 * The Kubernetes plugin's auth providers, plus the fleet's (`kamaji`): the backend module resolves
 * the credentials of fleet clusters itself, so the browser adds none, as for `serviceAccount`.
 * Wraps the providers an app already has (a `KubernetesAuthProviders`).
 *
 * @public
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
