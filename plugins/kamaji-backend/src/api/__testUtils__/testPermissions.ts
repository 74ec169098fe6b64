/*
 * TEST HELPER. A PermissionsService answering like the project's example policy
 * (plugins/permission-backend-module-kamaji), with users of the example org, so routes are tested
 * with real CONDITIONAL decisions evaluated by the plugin. Tests can override single answers.
 */
import {
  BackstageCredentials,
  PermissionsService,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  Permission,
  PolicyDecision,
  isResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  createKamajiClusterConditionalDecision,
  kamajiClusterConditions,
} from '@kamaji-backstage/plugin-kamaji-node';

export const USERS = {
  /** Platform team: everything. */
  pat: 'user:default/pat',
  /** team-retail */
  alice: 'user:default/alice',
  /** team-factory */
  bob: 'user:default/bob',
  /** In no group: sees nothing of the fleet. */
  eve: 'user:default/eve',
} as const;

export const GROUPS: Record<string, string[]> = {
  [USERS.pat]: ['group:default/platform-team'],
  [USERS.alice]: ['group:default/team-retail'],
  [USERS.bob]: ['group:default/team-factory'],
  [USERS.eve]: [],
};

export type Answer = 'ALLOW' | 'DENY' | 'CONDITIONAL';

/** Overrides by permission name, then by user ref ('*' for everyone). */
export type Overrides = Record<string, Record<string, Answer>>;

function decide(
  permission: Permission,
  credentials: BackstageCredentials,
  overrides: Overrides,
): PolicyDecision {
  const principal = credentials.principal as any;
  if (principal.type === 'service') return { result: AuthorizeResult.ALLOW };
  if (principal.type !== 'user') return { result: AuthorizeResult.DENY };
  const user: string = principal.userEntityRef;
  const ownership = [user, ...(GROUPS[user] ?? [])];
  const conditional = () =>
    isResourcePermission(permission, 'kamaji-cluster')
      ? createKamajiClusterConditionalDecision(
          permission,
          kamajiClusterConditions.isOwnedBy({ ownershipEntityRefs: ownership }),
        )
      : ({ result: AuthorizeResult.DENY } as PolicyDecision);
  const override =
    overrides[permission.name]?.[user] ?? overrides[permission.name]?.['*'];
  if (override === 'ALLOW') return { result: AuthorizeResult.ALLOW };
  if (override === 'DENY') return { result: AuthorizeResult.DENY };
  if (override === 'CONDITIONAL') return conditional();

  if (ownership.includes('group:default/platform-team')) {
    return { result: AuthorizeResult.ALLOW };
  }
  switch (permission.name) {
    case 'kamaji.cluster.read':
    case 'kamaji.cluster.upgrade':
    case 'kamaji.cluster.scale':
      return (GROUPS[user] ?? []).length
        ? conditional()
        : { result: AuthorizeResult.DENY };
    case 'kamaji.cluster.create':
      return { result: AuthorizeResult.ALLOW };
    default:
      return { result: AuthorizeResult.DENY };
  }
}

export class TestPermissions implements PermissionsService {
  overrides: Overrides = {};
  readonly calls: Array<{ permission: string; user?: string }> = [];

  factory() {
    return createServiceFactory({
      service: coreServices.permissions,
      deps: {},
      factory: () => this,
    });
  }

  private record(permission: Permission, credentials: BackstageCredentials) {
    this.calls.push({
      permission: permission.name,
      user: (credentials.principal as any).userEntityRef,
    });
  }

  async authorize(requests: any[], options: any): Promise<any[]> {
    return requests.map(r => {
      this.record(r.permission, options.credentials);
      const d = decide(r.permission, options.credentials, this.overrides);
      if (d.result === AuthorizeResult.CONDITIONAL) {
        throw new Error('authorize() got a conditional decision');
      }
      return d;
    });
  }

  async authorizeConditional(requests: any[], options: any): Promise<any[]> {
    return requests.map(r => {
      this.record(r.permission, options.credentials);
      return decide(r.permission, options.credentials, this.overrides);
    });
  }
}
