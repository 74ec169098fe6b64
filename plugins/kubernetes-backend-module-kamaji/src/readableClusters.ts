import {
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { kamajiClusterReadPermission } from '@kamaji-backstage/plugin-kamaji-common';
import {
  authorizeKamajiClusterScope,
  ReadScopeCache,
} from '@kamaji-backstage/plugin-kamaji-node';
import { ReadableClusters } from './KamajiClusterSupplier';

/**
 * The fleet clusters a caller may be offered: those its `kamaji.cluster.read` decision accepts,
 * applied with the kamaji plugin's rules, so the Kubernetes plugin shows a team what the fleet
 * API and the catalog show it. A decision that cannot be applied offers none (logged). The
 * decision is reused for `readPermissionCacheMs` (default 0: asked on every request).
 *
 * @public
 */
export function readableClustersOf(
  permissions: PermissionsService,
  logger: LoggerService,
  options: { readPermissionCacheMs?: number } = {},
): ReadableClusters {
  const scopes = new ReadScopeCache({
    ttlMs: options.readPermissionCacheMs ?? 0,
  });
  return async credentials => {
    const scope = await scopes.get(credentials, () =>
      authorizeKamajiClusterScope({
        permissions,
        permission: kamajiClusterReadPermission,
        credentials,
        logger,
      }),
    );
    if (scope.kind === 'conditional') return scope.predicate;
    return () => scope.kind === 'all';
  };
}
