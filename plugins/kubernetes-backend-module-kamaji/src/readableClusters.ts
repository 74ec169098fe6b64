import {
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { kamajiClusterReadPermission } from '@kamaji-backstage/plugin-kamaji-common';
import { authorizeKamajiClusterScope } from '@kamaji-backstage/plugin-kamaji-node';
import { ReadableClusters } from './KamajiClusterSupplier';

/**
 * The fleet clusters a caller may be offered: those its `kamaji.cluster.read` decision accepts,
 * applied with the kamaji plugin's rules, so the Kubernetes plugin shows a team what the fleet
 * API and the catalog show it. A decision that cannot be applied offers none (logged).
 *
 * @public
 */
export function readableClustersOf(
  permissions: PermissionsService,
  logger: LoggerService,
): ReadableClusters {
  return async credentials => {
    const scope = await authorizeKamajiClusterScope({
      permissions,
      permission: kamajiClusterReadPermission,
      credentials,
      logger,
    });
    if (scope.kind === 'conditional') return scope.predicate;
    return () => scope.kind === 'all';
  };
}
