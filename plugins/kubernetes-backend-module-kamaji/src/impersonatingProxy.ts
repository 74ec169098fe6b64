import { Request } from 'express';
import Router from 'express-promise-router';
import { HttpAuthService } from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { KubernetesRouterFactory } from '@backstage/plugin-kubernetes-node';
import {
  HEADER_KUBERNETES_AUTH,
  HEADER_KUBERNETES_CLUSTER,
} from '@backstage/plugin-kubernetes-backend';
import { isFleetCluster } from './KamajiFetcher';
import {
  impersonationHeaders,
  impersonationOf,
  isImpersonationHeader,
} from './impersonation';

/**
 * The Kubernetes plugin's router (`kubernetesRouterExtensionPoint`) with one step in front of its
 * proxy (`/proxy`): for a request to a fleet cluster it drops every `Impersonate-*` header the
 * caller sent and any `Backstage-Kubernetes-Authorization*` header (so the `kamaji` auth strategy
 * always supplies the credential), and sets the impersonation headers of the caller the cluster
 * details were handed out for. A caller without a user identity is refused (403). The proxy
 * copies the request's headers to the cluster. Requests to other clusters pass unchanged.
 */
export function impersonatingRouter(
  httpAuth: HttpAuthService,
): KubernetesRouterFactory {
  return ({ getDefault, clusterSupplier }) => {
    const router = Router();
    router.use('/proxy', async (req, _res, next) => {
      const credentials = await httpAuth.credentials(req);
      const clusters = await clusterSupplier.getClusters({ credentials });
      // As the proxy picks it: the named cluster, or the only one.
      const name = req.header(HEADER_KUBERNETES_CLUSTER);
      const only = clusters.length === 1 ? clusters[0] : undefined;
      const cluster = name ? clusters.find(c => c.name === name) : only;
      if (cluster && isFleetCluster(cluster))
        impersonate(req, cluster.authMetadata);
      next();
    });
    router.use(getDefault());
    return router;
  };
}

function impersonate(req: Request, authMetadata: Record<string, string>) {
  const auth = HEADER_KUBERNETES_AUTH.toLowerCase();
  for (const header of Object.keys(req.headers))
    if (isImpersonationHeader(header) || header.startsWith(auth))
      delete req.headers[header];
  const who = impersonationOf(authMetadata);
  if (!who)
    throw new NotAllowedError(
      'fleet clusters are reached only as a signed-in user',
    );
  Object.assign(req.headers, impersonationHeaders(who));
}
