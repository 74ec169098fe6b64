import { PermissionsService } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { FleetCluster } from '@kamaji-backstage/plugin-kamaji-common';
import { readableClustersOf } from './readableClusters';
import { readKubernetesSettings } from './settings';

/** Answers `kamaji.cluster.read` with `result`, counting the questions. */
function permissionsAnswering(
  result: AuthorizeResult.ALLOW | AuthorizeResult.DENY,
) {
  const asked = { count: 0, result };
  const permissions: PermissionsService = {
    authorizeConditional: async requests => {
      asked.count++;
      return requests.map(() => ({ result: asked.result })) as any;
    },
    authorize: async () => {
      throw new Error('not asked');
    },
  };
  return { permissions, asked };
}

const anyCluster = {} as FleetCluster;
const alice = mockCredentials.user('user:default/alice');

describe('readableClustersOf', () => {
  it('asks for the read decision on every request by default', async () => {
    const { permissions, asked } = permissionsAnswering(AuthorizeResult.ALLOW);
    const readable = readableClustersOf(
      permissions,
      mockServices.logger.mock(),
    );
    await readable(alice);
    await readable(alice);
    expect(asked.count).toBe(2);
  });

  it("reuses a caller's decision for readPermissionCacheMs", async () => {
    const { permissions, asked } = permissionsAnswering(AuthorizeResult.ALLOW);
    const readable = readableClustersOf(
      permissions,
      mockServices.logger.mock(),
      {
        readPermissionCacheMs: 10_000,
      },
    );
    expect((await readable(alice))(anyCluster)).toBe(true);
    asked.result = AuthorizeResult.DENY;
    expect((await readable(alice))(anyCluster)).toBe(true);
    expect(
      (await readable(mockCredentials.user('user:default/bob')))(anyCluster),
    ).toBe(false);
    expect(asked.count).toBe(2);
  });
});

describe('kamaji.kubernetes.readPermissionCacheSeconds', () => {
  const settings = (kubernetes: Record<string, number>) =>
    readKubernetesSettings(
      mockServices.rootConfig({ data: { kamaji: { kubernetes } } }),
    );

  it('is 10 s unless configured', () => {
    expect(settings({}).readPermissionCacheMs).toBe(10_000);
    expect(
      settings({ readPermissionCacheSeconds: 0 }).readPermissionCacheMs,
    ).toBe(0);
  });

  it('names the setting and its range when out of range', () => {
    expect(() => settings({ readPermissionCacheSeconds: 3600 })).toThrow(
      'kamaji.kubernetes.readPermissionCacheSeconds must be a number of seconds from 0 (ask on every read) to 300',
    );
  });
});
