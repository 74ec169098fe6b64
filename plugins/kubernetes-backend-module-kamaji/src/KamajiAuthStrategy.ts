import { readFileSync } from 'node:fs';
import { LoggerService } from '@backstage/backend-plugin-api';
import {
  AuthMetadata,
  AuthenticationStrategy,
  ClusterDetails,
  KubernetesCredential,
} from '@backstage/plugin-kubernetes-node';
import {
  ClusterId,
  KAMAJI_ENTITY,
} from '@kamaji-backstage/plugin-kamaji-common';
import {
  ClusterAccess,
  FleetService,
} from '@kamaji-backstage/plugin-kamaji-node';

/** The auth provider name in `authMetadata['kubernetes.io/auth-provider']` of fleet clusters. @public */
export const KAMAJI_AUTH_PROVIDER = KAMAJI_ENTITY.kubernetesAuthProvider;
/** The authMetadata key carrying the fleet cluster id. @public */
export const KAMAJI_CLUSTER_ID_METADATA = 'kamaji-backstage.io/cluster-id';

/** A kubeconfig credential field: inline base64 data, else the file it names. */
function inlineOrFile(data?: string, file?: string): string | undefined {
  if (data) return Buffer.from(data, 'base64').toString('utf8');
  return file ? readFileSync(file, 'utf8') : undefined;
}

/**
 * The credential a cluster's KubeConfig (from the fleet's `getClusterAccess`) holds: a bearer
 * token, or a client certificate and key. Never leaves the backend.
 */
export function credentialOf(access: ClusterAccess): KubernetesCredential {
  const user = access.kubeConfig.getCurrentUser();
  if (user?.token) return { type: 'bearer token', token: user.token };
  const cert = inlineOrFile(user?.certData, user?.certFile);
  const key = inlineOrFile(user?.keyData, user?.keyFile);
  if (cert && key) return { type: 'x509 client certificate', cert, key };
  return { type: 'anonymous' };
}

/**
 * Authenticates the Kubernetes plugin to fleet clusters with the credentials of the fleet service
 * (the CAPI `<cluster>-kubeconfig` Secret, read inside the backend). The frontend only ever sees
 * the auth provider name: {@link KamajiAuthStrategy.presentAuthMetadata} returns nothing.
 *
 * @public
 */
export class KamajiAuthStrategy implements AuthenticationStrategy {
  private readonly cache = new Map<
    ClusterId,
    { at: number; credential: KubernetesCredential }
  >();

  constructor(
    private readonly fleet: FleetService,
    private readonly logger: LoggerService,
    private readonly cacheMs = 60_000,
  ) {}

  async getCredential(
    clusterDetails: ClusterDetails,
  ): Promise<KubernetesCredential> {
    const id = clusterDetails.authMetadata[KAMAJI_CLUSTER_ID_METADATA];
    if (!id) return { type: 'anonymous' };
    const hit = this.cache.get(id);
    if (hit && Date.now() - hit.at < this.cacheMs) return hit.credential;
    const access = await this.fleet.getClusterAccess(id);
    if (!access) {
      this.cache.delete(id);
      this.logger.warn(`no access to fleet cluster ${id}`);
      return { type: 'anonymous' };
    }
    const credential = credentialOf(access);
    this.cache.set(id, { at: Date.now(), credential });
    return credential;
  }

  /** Forgets a cluster's cached credential (e.g. when the cluster changed or is gone). */
  forget(id: ClusterId) {
    this.cache.delete(id);
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
