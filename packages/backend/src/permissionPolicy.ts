import { Config } from '@backstage/config';
import {
  AuthorizeResult,
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

/** Catalog changes only the platform team may make. */
const PLATFORM_ONLY_PERMISSIONS = new Set([
  catalogEntityDeletePermission.name,
  catalogLocationCreatePermission.name,
  catalogLocationDeletePermission.name,
]);

const KAMAJI_PERMISSION_PREFIX = 'kamaji.';

/**
 * The example policy of this project.
 *
 * - Members of a platform group (config `permissionPolicy.platformGroups`) may do everything.
 * - Everyone else may use the catalog and the scaffolder, but not delete entities or manage locations,
 *   and gets no fleet permission (`kamaji.*`): the fleet backend adds "owned by your groups" decisions.
 */
export class KamajiPermissionPolicy implements PermissionPolicy {
  static fromConfig(config: Config): KamajiPermissionPolicy {
    const groups =
      config.getOptionalStringArray('permissionPolicy.platformGroups') ?? [];
    return new KamajiPermissionPolicy(groups);
  }

  private readonly platformGroups: Set<string>;

  constructor(platformGroups: string[]) {
    this.platformGroups = new Set(
      platformGroups.map(g => g.toLocaleLowerCase('en-US')),
    );
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    if (!user) {
      return { result: AuthorizeResult.DENY };
    }
    const ownership = user.info.ownershipEntityRefs.map(ref =>
      ref.toLocaleLowerCase('en-US'),
    );
    if (ownership.some(ref => this.platformGroups.has(ref))) {
      return { result: AuthorizeResult.ALLOW };
    }
    const name = request.permission.name;
    if (
      name.startsWith(KAMAJI_PERMISSION_PREFIX) ||
      PLATFORM_ONLY_PERMISSIONS.has(name)
    ) {
      return { result: AuthorizeResult.DENY };
    }
    return { result: AuthorizeResult.ALLOW };
  }
}
