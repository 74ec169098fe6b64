import {
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { kamajiClusterReadPermission } from '@kamaji-backstage/plugin-kamaji-common';
import { kamajiClusterScopeOf } from '@kamaji-backstage/plugin-kamaji-node';
import { ReadableClusters } from './KamajiClusterSupplier';

/**
 * The fleet clusters a caller may be offered: those its `kamaji.cluster.read` decision accepts,
 * applied with the kamaji plugin's rules, so the Kubernetes plugin shows a team what the fleet
 * API and the catalog show it. A decision that cannot be applied offers none.
 *
 * @public
 */
export function readableClustersOf(
  permissions: PermissionsService,
  logger: LoggerService,
): ReadableClusters {
  return async credentials => {
    const [decision] = await permissions.authorizeConditional(
      [{ permission: kamajiClusterReadPermission }],
      { credentials },
    );
    try {
      const scope = kamajiClusterScopeOf(decision);
      if (scope.kind === 'conditional') return scope.predicate;
      return () => scope.kind === 'all';
    } catch (e) {
      logger.warn(
        `kamaji.cluster.read could not be applied (${
          (e as Error).message
        }): no fleet cluster offered to the Kubernetes plugin`,
      );
      return () => false;
    }
  };
}
