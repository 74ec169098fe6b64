import { Config } from '@backstage/config';
import {
  AuthorizeResult,
  isResourcePermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  catalogEntityDeletePermission,
  catalogLocationCreatePermission,
  catalogLocationDeletePermission,
} from '@backstage/plugin-catalog-common/alpha';
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
  createKamajiClusterConditionalDecision,
  kamajiClusterConditions,
} from '@kamaji-backstage/plugin-kamaji-node';

/** Catalog changes only the platform team may make. */
const PLATFORM_ONLY_PERMISSIONS = new Set([
  catalogEntityDeletePermission.name,
  catalogLocationCreatePermission.name,
  catalogLocationDeletePermission.name,
]);

/** Fleet permissions an application team holds on the clusters it owns. */
const OWNED_CLUSTER_PERMISSIONS = new Set([
  kamajiClusterReadPermission.name,
  kamajiClusterUpgradePermission.name,
  kamajiClusterScalePermission.name,
]);

const KAMAJI_PERMISSION_PREFIX = 'kamaji.';

const lower = (ref: string) => ref.toLocaleLowerCase('en-US');

/**
 * The example policy of this project.
 *
 * - Members of a platform group (config `permissionPolicy.platformGroups`) may do everything.
 * - Members of a fleet reader group (config `permissionPolicy.fleetReaderGroups`, e.g. an
 *   operations or security team) may read the whole fleet; otherwise they are treated as below.
 * - Everyone else:
 *   - catalog and scaffolder: allowed, except deleting entities and managing locations;
 *   - `kamaji.cluster.read`, `kamaji.cluster.upgrade`, `kamaji.cluster.scale`: on the clusters
 *     their groups own (CONDITIONAL `isOwnedBy` with the user's ownership entity refs — the owner
 *     is the Cluster's `kamaji-backstage.io/owner` label as a group ref). `kamaji.cluster.read`
 *     also accepts every island (`hasRole island`): islands are shared sites a team picks for
 *     its first tenant cluster. The fleet API shows them, and the management clusters hosting
 *     them, with other teams' tenants left out of their lists and counts;
 *   - `kamaji.cluster.delete`: denied — deleting a cluster is the platform team's job (islands
 *     host other teams' tenants, and a tenant takes its edge nodes with it);
 *   - `kamaji.audit.read`: denied;
 *   - `kamaji.fleet.upgrade` (fleet upgrade plans): denied — a plan changes many teams'
 *     clusters at once, so only the platform team runs them;
 *   - `kamaji.cluster.create`: allowed — the scaffolder actions check that the chosen owner is
 *     one of the user's groups;
 *   - any other `kamaji.*` permission: denied.
 * - Requests without a user (none principal) are denied. Backend-to-backend calls with service
 *   credentials do not reach the policy.
 */
export class KamajiPermissionPolicy implements PermissionPolicy {
  static fromConfig(config: Config): KamajiPermissionPolicy {
    return new KamajiPermissionPolicy(
      config.getOptionalStringArray('permissionPolicy.platformGroups') ?? [],
      config.getOptionalStringArray('permissionPolicy.fleetReaderGroups') ?? [],
    );
  }

  private readonly platformGroups: Set<string>;
  private readonly fleetReaderGroups: Set<string>;

  constructor(platformGroups: string[], fleetReaderGroups: string[] = []) {
    this.platformGroups = new Set(platformGroups.map(lower));
    this.fleetReaderGroups = new Set(fleetReaderGroups.map(lower));
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    if (!user) {
      return { result: AuthorizeResult.DENY };
    }
    const ownership = user.info.ownershipEntityRefs.map(lower);
    if (ownership.some(ref => this.platformGroups.has(ref))) {
      return { result: AuthorizeResult.ALLOW };
    }
    const { permission } = request;
    const name = permission.name;

    if (
      name === kamajiClusterReadPermission.name &&
      ownership.some(ref => this.fleetReaderGroups.has(ref))
    ) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (
      OWNED_CLUSTER_PERMISSIONS.has(name) &&
      isResourcePermission(permission, KAMAJI_CLUSTER_RESOURCE_TYPE)
    ) {
      const owned = kamajiClusterConditions.isOwnedBy({
        ownershipEntityRefs: user.info.ownershipEntityRefs,
      });
      return createKamajiClusterConditionalDecision(
        permission,
        name === kamajiClusterReadPermission.name
          ? // Islands are shared sites: a team picks one for its first tenant cluster. It sees
            // them (their other teams' tenants left out), but acts only on what it owns.
            {
              anyOf: [
                owned,
                kamajiClusterConditions.hasRole({ role: 'island' }),
              ],
            }
          : owned,
      );
    }
    if (name === kamajiClusterCreatePermission.name) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (
      name === kamajiClusterDeletePermission.name ||
      name === kamajiAuditReadPermission.name ||
      name.startsWith(KAMAJI_PERMISSION_PREFIX) ||
      PLATFORM_ONLY_PERMISSIONS.has(name)
    ) {
      return { result: AuthorizeResult.DENY };
    }
    return { result: AuthorizeResult.ALLOW };
  }
}
