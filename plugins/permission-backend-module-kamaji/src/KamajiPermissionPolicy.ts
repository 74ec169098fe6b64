import { Config } from '@backstage/config';
import {
  AuthorizeResult,
  isResourcePermission,
  PermissionCondition,
  PermissionCriteria,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  catalogEntityDeletePermission,
  catalogEntityReadPermission,
  catalogLocationCreatePermission,
  catalogLocationDeletePermission,
} from '@backstage/plugin-catalog-common/alpha';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  createScaffolderTaskConditionalDecision,
  scaffolderTaskConditions,
} from '@backstage/plugin-scaffolder-backend/alpha';
import {
  RESOURCE_TYPE_SCAFFOLDER_TASK,
  taskCancelPermission,
  taskReadPermission,
} from '@backstage/plugin-scaffolder-common/alpha';
import {
  kubernetesClustersReadPermission,
  kubernetesProxyPermission,
  kubernetesResourcesReadPermission,
} from '@backstage/plugin-kubernetes-common';
import {
  KAMAJI_CLUSTER_RESOURCE_TYPE,
  KAMAJI_ENTITY,
  kamajiAuditReadPermission,
  kamajiClusterCreatePermission,
  kamajiClusterDeletePermission,
  kamajiClusterReadPermission,
  kamajiClusterScalePermission,
  kamajiClusterUpgradePermission,
  isOwnerAmong,
} from '@kamaji-backstage/plugin-kamaji-common';
import {
  createKamajiClusterConditionalDecision,
  FLEET_SHARED_CLUSTER_ROLES,
  kamajiClusterConditions,
  kamajiClusterReadConditions,
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

/**
 * Scaffolder task permissions a user holds on the tasks they started: a task's parameters and
 * log name the clusters it creates (their owner, island and version).
 */
const OWN_TASK_PERMISSIONS = new Set([
  taskReadPermission.name,
  taskCancelPermission.name,
]);

/**
 * Kubernetes plugin reads: fleet clusters answer them as the signed-in user (impersonation), so
 * their own RBAC decides what a user sees.
 */
const KUBERNETES_READ_PERMISSIONS = new Set([
  kubernetesClustersReadPermission.name,
  kubernetesResourcesReadPermission.name,
]);
const KUBERNETES_PERMISSION_PREFIX = 'kubernetes.';

/**
 * The fleet cluster read rule (kamaji-node's {@link FLEET_SHARED_CLUSTER_ROLES}, the same one
 * `kamaji.cluster.read` applies) on catalog entities: an entity that is no fleet cluster, a
 * cluster entity the user's groups own, or one of a shared role.
 */
function catalogClusterReadConditions(
  ownershipEntityRefs: string[],
): PermissionCriteria<PermissionCondition<'catalog-entity'>> {
  return {
    anyOf: [
      {
        not: catalogConditions.hasAnnotation({
          annotation: KAMAJI_ENTITY.clusterIdAnnotation,
        }),
      },
      catalogConditions.isEntityOwner({ claims: ownershipEntityRefs }),
      ...FLEET_SHARED_CLUSTER_ROLES.map(role =>
        catalogConditions.hasLabel({
          label: KAMAJI_ENTITY.roleLabel,
          value: role,
        }),
      ),
    ],
  };
}

const isGroupRef = (ref: string) => ref.startsWith('group:');

/**
 * A permission policy for a Kamaji fleet, for every plugin of the app.
 *
 * - Members of a platform group (config `permissionPolicy.platformGroups`) may do everything.
 * - Members of a fleet reader group (config `permissionPolicy.fleetReaderGroups`, e.g. an
 *   operations or security team) may read the whole fleet, in the fleet API and the catalog;
 *   otherwise they are treated as below.
 * - Everyone else:
 *   - catalog and scaffolder: allowed, except deleting entities and managing locations; fleet
 *     cluster entities (kubernetes-cluster Resources of the catalog module) are read by the rule
 *     `kamaji.cluster.read` applies: their owners', islands and management clusters everyone's;
 *     scaffolder tasks (their parameters and logs name the clusters they create) are read and
 *     cancelled by the user who started them only;
 *   - `kubernetes.clusters.read`, `kubernetes.resources.read`: allowed — fleet clusters answer
 *     as the signed-in user (impersonation), so their RBAC decides what comes back;
 *   - `kubernetes.proxy`: members of a group only (a team): the proxy also writes (deletes Pods),
 *     and fleet clusters decide by the user's groups; a user without a group is refused.
 *     Clusters of `kubernetes.clusterLocatorMethods` are reached with their configured
 *     credential, not as the user: keep them read-only or out of a fleet's Backstage;
 *   - any other `kubernetes.*` permission: denied;
 *   - `kamaji.cluster.read`, `kamaji.cluster.upgrade`, `kamaji.cluster.scale`: on the clusters
 *     their groups own (CONDITIONAL `isOwnedBy` with the user's ownership entity refs — the owner
 *     is the Cluster's `kamaji-backstage.io/owner` label as a group ref). `kamaji.cluster.read`
 *     also accepts every island (`hasRole island`): islands are shared sites a team picks for
 *     its first tenant cluster. The fleet API shows them, and the management clusters hosting
 *     them, with other teams' tenants left out of their lists and counts;
 *   - `kamaji.cluster.delete`: denied — deleting a cluster is the platform team's job (islands
 *     host other teams' tenants, and a tenant takes its edge nodes with it);
 *   - `kamaji.audit.read` (the whole audit trail): denied — teams read the records of the
 *     clusters they may read (and their own attempts) through `kamaji.cluster.read`;
 *   - `kamaji.fleet.upgrade` (fleet upgrade plans): denied — a plan changes many teams'
 *     clusters at once, so only the platform team runs them;
 *   - `kamaji.cluster.create`: allowed — the scaffolder actions check that the chosen owner is
 *     one of the user's groups;
 *   - any other `kamaji.*` permission: denied.
 * - Requests without a user (none principal) are denied. Backend-to-backend calls with service
 *   credentials do not reach the policy.
 *
 * @public
 */
export class KamajiPermissionPolicy implements PermissionPolicy {
  /** The policy with the groups of `permissionPolicy.platformGroups` and `.fleetReaderGroups`. */
  static fromConfig(config: Config): KamajiPermissionPolicy {
    return new KamajiPermissionPolicy(
      config.getOptionalStringArray('permissionPolicy.platformGroups') ?? [],
      config.getOptionalStringArray('permissionPolicy.fleetReaderGroups') ?? [],
    );
  }

  constructor(
    private readonly platformGroups: string[],
    private readonly fleetReaderGroups: string[] = [],
  ) {}

  /** The decision for one permission request of one user (none: denied). */
  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    if (!user) {
      return { result: AuthorizeResult.DENY };
    }
    const ownership = user.info.ownershipEntityRefs;
    const isMemberOf = (groups: string[]) =>
      groups.some(group => isOwnerAmong(group, ownership));
    if (isMemberOf(this.platformGroups)) {
      return { result: AuthorizeResult.ALLOW };
    }
    const { permission } = request;
    if (
      (permission.name === kamajiClusterReadPermission.name ||
        permission.name === catalogEntityReadPermission.name) &&
      isMemberOf(this.fleetReaderGroups)
    ) {
      return { result: AuthorizeResult.ALLOW };
    }
    return (
      conditionalDecision(permission, user.info) ??
      groupDecision(permission.name, ownership)
    );
  }
}

/** The decisions that depend on the resource: a team's clusters, entities and tasks. */
function conditionalDecision(
  permission: PolicyQuery['permission'],
  { ownershipEntityRefs: refs, userEntityRef }: PolicyQueryUser['info'],
): PolicyDecision | undefined {
  const name = permission.name;
  if (
    OWNED_CLUSTER_PERMISSIONS.has(name) &&
    isResourcePermission(permission, KAMAJI_CLUSTER_RESOURCE_TYPE)
  ) {
    // A team sees its clusters and the shared ones, but acts only on what it owns.
    return createKamajiClusterConditionalDecision(
      permission,
      name === kamajiClusterReadPermission.name
        ? kamajiClusterReadConditions(refs)
        : kamajiClusterConditions.isOwnedBy({ ownershipEntityRefs: refs }),
    );
  }
  if (
    name === catalogEntityReadPermission.name &&
    isResourcePermission(permission, 'catalog-entity')
  ) {
    return createCatalogConditionalDecision(
      permission,
      catalogClusterReadConditions(refs),
    );
  }
  if (
    OWN_TASK_PERMISSIONS.has(name) &&
    isResourcePermission(permission, RESOURCE_TYPE_SCAFFOLDER_TASK)
  ) {
    return createScaffolderTaskConditionalDecision(
      permission,
      scaffolderTaskConditions.isTaskOwner({
        createdBy: [userEntityRef],
      }),
    );
  }
  return undefined;
}

/** The decisions that depend only on the permission and whether the user is in a group. */
function groupDecision(name: string, refs: string[]): PolicyDecision {
  const allowed =
    KUBERNETES_READ_PERMISSIONS.has(name) ||
    (name === kubernetesProxyPermission.name && refs.some(isGroupRef)) ||
    name === kamajiClusterCreatePermission.name;
  if (allowed) return { result: AuthorizeResult.ALLOW };
  if (
    name === kamajiClusterDeletePermission.name ||
    name === kamajiAuditReadPermission.name ||
    name.startsWith(KAMAJI_PERMISSION_PREFIX) ||
    name.startsWith(KUBERNETES_PERMISSION_PREFIX) ||
    PLATFORM_ONLY_PERMISSIONS.has(name)
  ) {
    return { result: AuthorizeResult.DENY };
  }
  return { result: AuthorizeResult.ALLOW };
}
