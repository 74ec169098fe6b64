import {
  isOwnerAmong,
  normalizedEntityRef,
  ownerEntityRef,
  parseClusterOwner,
} from './owners';

describe('parseClusterOwner', () => {
  it.each([
    ['team-retail', 'group:default/team-retail', 'team-retail'],
    ['Team-Retail', 'group:default/team-retail', 'team-retail'],
    ['group:Default/Team-Retail', 'group:default/team-retail', 'team-retail'],
    ['GROUP:team-retail', 'group:default/team-retail', 'team-retail'],
    ['default/team-retail', 'group:default/team-retail', 'team-retail'],
    [' team-retail ', 'group:default/team-retail', 'team-retail'],
    ['shops.team-retail', 'group:shops/team-retail', 'shops.team-retail'],
    ['group:Shops/Team-Retail', 'group:shops/team-retail', 'shops.team-retail'],
    // A dotted name in the default namespace keeps its namespace in the label, so it reads back.
    [
      'group:default/team.retail',
      'group:default/team.retail',
      'default.team.retail',
    ],
    ['default.team.retail', 'group:default/team.retail', 'default.team.retail'],
  ])('%s is %s, label %s', (value, entityRef, labelValue) => {
    expect(parseClusterOwner(value)).toMatchObject({ entityRef, labelValue });
  });

  it('reads back its own label value', () => {
    for (const v of ['team-retail', 'group:x/a.b', 'group:default/a.b']) {
      const owner = parseClusterOwner(v) as {
        entityRef: string;
        labelValue: string;
      };
      expect(ownerEntityRef(owner.labelValue)).toBe(owner.entityRef);
    }
  });

  it.each([
    ['user:default/alice', /must be a group, not a user/],
    ['component:default/shop', /must be a group, not a component/],
    ['', /give a catalog group/],
    ['group:default/', /give a catalog group/],
    ['group:/team', /give a catalog group/],
    ['team retail', /give a catalog group/],
    ['a/b/c', /give a catalog group/],
    [`group:default/${'t'.repeat(70)}`, /give a catalog group/],
    [
      `group:${'n'.repeat(40)}/${'t'.repeat(30)}`,
      /longer than the 63 characters/,
    ],
    ['team-retail\nx: y', /^give a catalog group.*; got 'team-retail\\nx: y'$/],
  ])('refuses %j', (value, problem) => {
    const parsed = parseClusterOwner(value);
    expect(parsed).toEqual({ problem: expect.stringMatching(problem) });
  });
});

describe('ownerEntityRef and isOwnerAmong', () => {
  it('give one ref for every form of the same group', () => {
    const forms = [
      'group:Default/Team-Retail',
      'team-retail',
      'TEAM-RETAIL',
      'group:team-retail',
    ];
    expect(new Set(forms.map(ownerEntityRef))).toEqual(
      new Set(['group:default/team-retail']),
    );
    expect(ownerEntityRef(undefined)).toBeUndefined();
    expect(ownerEntityRef('user:default/alice')).toBeUndefined();
  });

  it('match an owner against ownership refs in any case', () => {
    const mine = ['user:default/alice', 'group:Default/Team-Retail'];
    expect(isOwnerAmong('team-retail', mine)).toBe(true);
    expect(isOwnerAmong('group:default/team-retail', mine)).toBe(true);
    expect(isOwnerAmong('team-factory', mine)).toBe(false);
    expect(isOwnerAmong(undefined, mine)).toBe(false);
    expect(isOwnerAmong('alice', ['user:default/alice'])).toBe(false);
  });
});

describe('normalizedEntityRef', () => {
  it('lower-cases any kind, and reads a bare name as an owner group', () => {
    expect(normalizedEntityRef('User:Default/Alice')).toBe(
      'user:default/alice',
    );
    expect(normalizedEntityRef('user:alice')).toBe('user:default/alice');
    expect(normalizedEntityRef('group:Default/Team-Retail')).toBe(
      'group:default/team-retail',
    );
    expect(normalizedEntityRef('Team-Retail')).toBe(
      'group:default/team-retail',
    );
    expect(normalizedEntityRef('user:default/a b')).toBeUndefined();
  });
});
