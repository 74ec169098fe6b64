import { ConfigReader } from '@backstage/config';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { PolicyQueryUser } from '@backstage/plugin-permission-node';
import {
  catalogEntityDeletePermission,
  catalogEntityReadPermission,
} from '@backstage/plugin-catalog-common/alpha';
import {
  kamajiClusterReadPermission,
  kamajiClusterUpgradePermission,
} from '@kamaji-backstage/plugin-kamaji-common';
import { KamajiPermissionPolicy } from './permissionPolicy';

function userWith(ownershipEntityRefs: string[]): PolicyQueryUser {
  return {
    info: { userEntityRef: ownershipEntityRefs[0], ownershipEntityRefs },
    credentials: {} as PolicyQueryUser['credentials'],
  };
}

describe('KamajiPermissionPolicy', () => {
  const policy = KamajiPermissionPolicy.fromConfig(
    new ConfigReader({
      permissionPolicy: { platformGroups: ['group:default/platform-team'] },
    }),
  );
  const platform = userWith([
    'user:default/pat',
    'group:default/platform-team',
  ]);
  const appTeam = userWith(['user:default/alice', 'group:default/team-retail']);

  it('allows the platform team everything, fleet actions included', async () => {
    for (const permission of [
      kamajiClusterUpgradePermission,
      catalogEntityDeletePermission,
    ]) {
      await expect(policy.handle({ permission }, platform)).resolves.toEqual({
        result: AuthorizeResult.ALLOW,
      });
    }
  });

  it('matches group refs without regard to case', async () => {
    const shouting = userWith([
      'user:default/pat',
      'group:default/Platform-Team',
    ]);
    await expect(
      policy.handle({ permission: kamajiClusterUpgradePermission }, shouting),
    ).resolves.toEqual({
      result: AuthorizeResult.ALLOW,
    });
  });

  it('lets application teams read the catalog', async () => {
    await expect(
      policy.handle({ permission: catalogEntityReadPermission }, appTeam),
    ).resolves.toEqual({
      result: AuthorizeResult.ALLOW,
    });
  });

  it('denies application teams fleet permissions and catalog deletes', async () => {
    for (const permission of [
      kamajiClusterReadPermission,
      kamajiClusterUpgradePermission,
      catalogEntityDeletePermission,
    ]) {
      await expect(policy.handle({ permission }, appTeam)).resolves.toEqual({
        result: AuthorizeResult.DENY,
      });
    }
  });

  it('denies requests without a user', async () => {
    await expect(
      policy.handle({ permission: catalogEntityReadPermission }),
    ).resolves.toEqual({
      result: AuthorizeResult.DENY,
    });
  });
});
