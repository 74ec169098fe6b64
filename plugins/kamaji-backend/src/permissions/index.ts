import {
  BackstageCredentials,
  LoggerService,
  PermissionsRegistryService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  BasicPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  KAMAJI_CLUSTER_RESOURCE_TYPE,
  kamajiAuditReadPermission,
  kamajiClusterCreatePermission,
  kamajiClusterDeletePermission,
  kamajiClusterReadPermission,
  kamajiClusterScalePermission,
  kamajiClusterUpgradePermission,
} from '@kamaji-backstage/plugin-kamaji-common';
import {
  authorizeKamajiClusterScope,
  FleetService,
  kamajiClusterPermissionRules,
  kamajiClusterResourceRef,
  ReadScopeCache,
} from '@kamaji-backstage/plugin-kamaji-node';
import { ReadScope } from '../api/visibility';

/**
 * Registers the `kamaji-cluster` resource type (resources are fleet clusters loaded by id from
 * the fleet service), its rules and every Kamaji permission with the permission framework.
 */
export function registerKamajiPermissions(
  registry: PermissionsRegistryService,
  fleet: FleetService,
) {
  registry.addResourceType({
    resourceRef: kamajiClusterResourceRef,
    permissions: [
      kamajiClusterReadPermission,
      kamajiClusterUpgradePermission,
      kamajiClusterScalePermission,
      kamajiClusterDeletePermission,
    ],
    rules: Object.values(kamajiClusterPermissionRules),
    getResources: async ids => ids.map(id => fleet.getCluster(id)),
  });
  registry.addPermissions([
    kamajiClusterCreatePermission,
    kamajiAuditReadPermission,
  ]);
}

/**
 * Asks the permission framework and turns its answers into something the routes apply in memory:
 * a CONDITIONAL decision becomes one compiled predicate over fleet clusters.
 */
export class FleetAuthorizer {
  private readonly readScopes: ReadScopeCache;

  /** `readPermissionCacheMs`: how long a caller's read decision is reused (default 0: never). */
  constructor(
    private readonly permissions: PermissionsService,
    private readonly registry: PermissionsRegistryService,
    private readonly logger: LoggerService,
    options: { readPermissionCacheMs?: number } = {},
  ) {
    this.readScopes = new ReadScopeCache({
      ttlMs: options.readPermissionCacheMs ?? 0,
    });
  }

  /** What the caller may do with clusters under a resource permission. */
  async scope(
    permission: ResourcePermission<typeof KAMAJI_CLUSTER_RESOURCE_TYPE>,
    credentials: BackstageCredentials,
  ): Promise<ReadScope> {
    return authorizeKamajiClusterScope({
      permissions: this.permissions,
      permission,
      credentials,
      logger: this.logger,
      ruleset: this.registry.getPermissionRuleset(kamajiClusterResourceRef),
    });
  }

  /** The `kamaji.cluster.read` scope; the other permissions are asked for on every request. */
  readScope(credentials: BackstageCredentials): Promise<ReadScope> {
    return this.readScopes.get(credentials, () =>
      this.scope(kamajiClusterReadPermission, credentials),
    );
  }

  async allows(
    permission: BasicPermission,
    credentials: BackstageCredentials,
  ): Promise<boolean> {
    const [decision] = await this.permissions.authorize([{ permission }], {
      credentials,
    });
    return decision.result === AuthorizeResult.ALLOW;
  }
}
