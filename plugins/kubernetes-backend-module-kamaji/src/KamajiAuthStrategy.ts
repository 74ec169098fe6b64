import {
  AuthMetadata,
  AuthenticationStrategy,
  ClusterDetails,
  KubernetesCredential,
} from '@backstage/plugin-kubernetes-node';
import { KAMAJI_ENTITY } from '@kamaji-backstage/plugin-kamaji-common';
import { impersonationOf } from './impersonation';
import { ImpersonatorTokens } from './ImpersonatorTokens';

/** The auth provider name in `authMetadata['kubernetes.io/auth-provider']` of fleet clusters. @public */
export const KAMAJI_AUTH_PROVIDER = KAMAJI_ENTITY.kubernetesAuthProvider;
/** The authMetadata key carrying the fleet cluster id. @public */
export const KAMAJI_CLUSTER_ID_METADATA = 'kamaji-backstage.io/cluster-id';

/**
 * Authenticates the Kubernetes plugin to fleet clusters as the cluster's impersonating
 * ServiceAccount ({@link ImpersonatorTokens}), and only for cluster details handed out to a
 * signed-in user (the cluster supplier adds the user's identity to them; the fetcher and the
 * proxy send it as `Impersonate-*` headers). Anything else gets no credential. The identity of
 * the CAPI kubeconfig Secret is never given out. The frontend only ever sees the auth provider
 * name: {@link KamajiAuthStrategy.presentAuthMetadata} returns nothing.
 *
 * @public
 */
export class KamajiAuthStrategy implements AuthenticationStrategy {
  constructor(private readonly tokens: ImpersonatorTokens) {}

  async getCredential(
    clusterDetails: ClusterDetails,
  ): Promise<KubernetesCredential> {
    const id = clusterDetails.authMetadata[KAMAJI_CLUSTER_ID_METADATA];
    if (!id || !impersonationOf(clusterDetails.authMetadata))
      return { type: 'anonymous' };
    const token = await this.tokens.get(id);
    return token ? { type: 'bearer token', token } : { type: 'anonymous' };
  }

  /** Forgets a cluster's cached token (e.g. when the cluster changed or is gone). */
  forget(id: string) {
    this.tokens.forget(id);
  }

  validateCluster(authMetadata: AuthMetadata): Error[] {
    return authMetadata[KAMAJI_CLUSTER_ID_METADATA]
      ? []
      : [new Error(`authMetadata has no ${KAMAJI_CLUSTER_ID_METADATA}`)];
  }

  presentAuthMetadata(_authMetadata: AuthMetadata): AuthMetadata {
    return {};
  }
}
