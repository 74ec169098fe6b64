import {
  AuthorizeResult,
  PermissionCondition,
  PermissionCriteria,
} from '@backstage/plugin-permission-common';
import { createConditionTransformer } from '@backstage/plugin-permission-node';
import {
  FleetCluster,
  kamajiClusterReadPermission,
} from '@kamaji-backstage/plugin-kamaji-common';
import {
  compileKamajiClusterCriteria,
  createKamajiClusterConditionalDecision,
  KamajiClusterFilter,
  hasRole,
  isInManagementCluster,
  isOwnedBy,
  kamajiClusterConditions,
  kamajiClusterPermissionRules,
  ownerEntityRefOf,
} from '.';

function cluster(partial: Partial<FleetCluster>): FleetCluster {
  return {
    id: 'central/fleet-tenants/shop-1',
    role: 'tenant',
    name: 'shop-1',
    managementCluster: 'central',
    labels: {},
    health: { status: 'healthy', reasons: [] },
    staleness: { stale: false },
    ...partial,
  } as FleetCluster;
}

const toFilters = (criteria: PermissionCriteria<PermissionCondition>) =>
  createConditionTransformer(Object.values(kamajiClusterPermissionRules))(
    criteria,
  ) as PermissionCriteria<KamajiClusterFilter>;

describe('owner refs', () => {
  it.each([
    ['team-retail'],
    ['Team-Retail'],
    ['group:default/team-retail'],
    ['group:Default/Team-Retail'],
    ['group:team-retail'],
  ])('an owner written %p is group:default/team-retail', owner => {
    expect(ownerEntityRefOf(cluster({ owner }))).toBe(
      'group:default/team-retail',
    );
    expect(
      ownerEntityRefOf(
        cluster({ labels: { 'kamaji-backstage.io/owner': owner } }),
      ),
    ).toBe('group:default/team-retail');
  });

  it('the owner filter matches every written form of the same group', () => {
    const labelled = cluster({
      labels: { 'kamaji-backstage.io/owner': 'Team-Retail' },
    });
    for (const value of ['group:Default/Team-Retail', 'team-retail']) {
      const filter = { key: 'owner' as const, values: [value] };
      expect(compileKamajiClusterCriteria(filter)(labelled)).toBe(true);
    }
    expect(
      compileKamajiClusterCriteria({ key: 'owner', values: ['team-factory'] })(
        labelled,
      ),
    ).toBe(false);
  });

  it('takes the model owner first, then the owner label', () => {
    expect(
      ownerEntityRefOf(cluster({ owner: 'group:default/Team-Factory' })),
    ).toBe('group:default/team-factory');
    expect(
      ownerEntityRefOf(
        cluster({ labels: { 'kamaji-backstage.io/owner': 'team-retail' } }),
      ),
    ).toBe('group:default/team-retail');
    expect(ownerEntityRefOf(cluster({}))).toBeUndefined();
  });
});

describe('rules', () => {
  const retail = cluster({ owner: 'group:default/team-retail' });
  const island = cluster({
    id: 'central/fleet-islands/island-a',
    role: 'island',
    owner: 'group:default/platform-team',
  });

  it('isOwnedBy matches any of the ownership refs, without regard to case', () => {
    expect(
      isOwnedBy.apply(retail, {
        ownershipEntityRefs: [
          'user:default/alice',
          'group:default/TEAM-RETAIL',
        ],
      }),
    ).toBe(true);
    expect(
      isOwnedBy.apply(island, {
        ownershipEntityRefs: ['group:default/team-retail'],
      }),
    ).toBe(false);
    expect(isOwnedBy.apply(cluster({}), { ownershipEntityRefs: [] })).toBe(
      false,
    );
  });

  it('hasRole and isInManagementCluster', () => {
    expect(hasRole.apply(island, { role: 'island' })).toBe(true);
    expect(hasRole.apply(retail, { role: 'island' })).toBe(false);
    expect(isInManagementCluster.apply(retail, { name: 'central' })).toBe(true);
    expect(isInManagementCluster.apply(retail, { name: 'other' })).toBe(false);
  });

  it('apply and the compiled query agree', () => {
    const transform = toFilters;
    const cases = [
      kamajiClusterConditions.isOwnedBy({
        ownershipEntityRefs: ['group:default/team-retail'],
      }),
      kamajiClusterConditions.hasRole({ role: 'island' }),
      kamajiClusterConditions.isInManagementCluster({ name: 'central' }),
    ];
    for (const condition of cases) {
      const predicate = compileKamajiClusterCriteria(transform(condition));
      const rule = Object.values(kamajiClusterPermissionRules).find(
        r => r.name === condition.rule,
      )!;
      for (const c of [retail, island]) {
        expect(predicate(c)).toBe(rule.apply(c, condition.params as any));
      }
    }
  });

  it('compiles allOf / anyOf / not', () => {
    const transform = toFilters;
    const predicate = compileKamajiClusterCriteria(
      transform({
        anyOf: [
          kamajiClusterConditions.isOwnedBy({
            ownershipEntityRefs: ['group:default/team-retail'],
          }),
          {
            allOf: [
              kamajiClusterConditions.hasRole({ role: 'island' }),
              {
                not: kamajiClusterConditions.isInManagementCluster({
                  name: 'central',
                }),
              },
            ],
          },
        ],
      }),
    );
    expect(predicate(retail)).toBe(true);
    expect(predicate(island)).toBe(false);
    expect(predicate({ ...island, managementCluster: 'east' })).toBe(true);
  });

  it('rejects malformed parameters', () => {
    const transform = toFilters;
    expect(() =>
      transform({
        rule: 'IS_OWNED_BY',
        resourceType: 'kamaji-cluster',
        params: { ownershipEntityRefs: 'group:default/x' } as any,
      }),
    ).toThrow(/invalid/);
    expect(() =>
      transform({
        rule: 'HAS_ROLE',
        resourceType: 'kamaji-cluster',
        params: { role: 'admin' },
      }),
    ).toThrow(/invalid/);
  });

  it('builds conditional decisions for the kamaji plugin', () => {
    const decision = createKamajiClusterConditionalDecision(
      kamajiClusterReadPermission,
      kamajiClusterConditions.isOwnedBy({
        ownershipEntityRefs: ['group:default/team-retail'],
      }),
    );
    expect(decision).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'kamaji',
      resourceType: 'kamaji-cluster',
      conditions: {
        rule: 'IS_OWNED_BY',
        resourceType: 'kamaji-cluster',
        params: { ownershipEntityRefs: ['group:default/team-retail'] },
      },
    });
  });
});
