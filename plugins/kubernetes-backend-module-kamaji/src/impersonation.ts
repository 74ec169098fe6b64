import { BackstageUserInfo } from '@backstage/backend-plugin-api';
import {
  AuthMetadata,
  ClusterDetails,
} from '@backstage/plugin-kubernetes-node';
import { normalizedEntityRef } from '@kamaji-backstage/plugin-kamaji-common';

/**
 * The Kubernetes identity a signed-in Backstage user acts as on a fleet cluster: the user's entity
 * ref as the user name, the groups among the user's ownership entity refs as groups, both in the
 * normalised lower-case form `kind:namespace/name` (`user:default/alice`,
 * `group:default/team-retail`) that RoleBindings in tenant clusters name.
 *
 * @public
 */
export interface ImpersonatedUser {
  user: string;
  groups: string[];
}

/** authMetadata keys of a fleet cluster handed out for one caller (never shown: presentAuthMetadata is empty). */
export const IMPERSONATE_USER_METADATA = 'kamaji-backstage.io/impersonate-user';
export const IMPERSONATE_GROUPS_METADATA =
  'kamaji-backstage.io/impersonate-groups';

/**
 * The identity of a Backstage user on fleet clusters. The one place that turns ownership refs
 * into Kubernetes names, with the project's owner normalisation.
 *
 * @public
 */
export function impersonatedUserOf(info: BackstageUserInfo): ImpersonatedUser {
  const groups = info.ownershipEntityRefs
    .map(ref => normalizedEntityRef(ref))
    .filter((ref): ref is string => ref?.startsWith('group:') ?? false);
  return {
    user:
      normalizedEntityRef(info.userEntityRef) ??
      info.userEntityRef.toLocaleLowerCase('en-US'),
    groups: [...new Set(groups)].sort(),
  };
}

/** A copy of a fleet cluster's details that carries the caller's identity. */
export function withImpersonation(
  cluster: ClusterDetails,
  who: ImpersonatedUser,
): ClusterDetails {
  return {
    ...cluster,
    authMetadata: {
      ...cluster.authMetadata,
      [IMPERSONATE_USER_METADATA]: who.user,
      // Entity refs hold no commas.
      [IMPERSONATE_GROUPS_METADATA]: who.groups.join(','),
    },
  };
}

/** The identity a cluster's details were handed out for; undefined without a signed-in user. */
export function impersonationOf(
  authMetadata: AuthMetadata,
): ImpersonatedUser | undefined {
  const user = authMetadata[IMPERSONATE_USER_METADATA];
  if (!user) return undefined;
  const groups = authMetadata[IMPERSONATE_GROUPS_METADATA];
  return { user, groups: groups ? groups.split(',') : [] };
}

/**
 * The request headers of Kubernetes impersonation: one `Impersonate-Group` line per group (the API
 * server does not split a comma-joined value).
 */
export function impersonationHeaders(
  who: ImpersonatedUser,
): Record<string, string | string[]> {
  return {
    'impersonate-user': who.user,
    ...(who.groups.length ? { 'impersonate-group': who.groups } : {}),
  };
}

/** Whether a request header is one of Kubernetes' impersonation headers (`Impersonate-*`). */
export function isImpersonationHeader(name: string): boolean {
  return name.toLowerCase().startsWith('impersonate-');
}
