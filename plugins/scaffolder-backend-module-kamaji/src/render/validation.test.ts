import {
  Problems,
  checkOwner,
  cidrsOverlap,
  parseCidr,
  parseKubernetesVersion,
  shown,
} from './validation';

describe('parseCidr', () => {
  it.each([
    ['10.244.0.0/16', 4, 16, false],
    ['10.244.1.0/16', 4, 16, true],
    ['0.0.0.0/0', 4, 0, false],
    ['fd00:10:244::/56', 6, 56, false],
    ['fd00::1/64', 6, 64, true],
    ['::/0', 6, 0, false],
    ['::ffff:10.0.0.0/104', 6, 104, false],
    ['2001:db8:0:0:0:0:0:0/32', 6, 32, false],
  ])('%s', (text, family, prefix, hostBitsSet) => {
    expect(parseCidr(text)).toMatchObject({ family, prefix, hostBitsSet });
  });

  it.each([
    '10.244.0.0',
    '10.244.0.0/33',
    '256.0.0.0/8',
    '10.0.0/8',
    '01.0.0.0/8',
    '10.0.0.0/08',
    'fd00::/129',
    'fd00:::/64',
    '1:2:3:4:5:6:7:8:9/64',
    'fd00::g/64',
    ' 10.0.0.0/8',
    '',
  ])('rejects %j', text => expect(parseCidr(text)).toBeUndefined());

  it('suggests the network address', () => {
    expect(parseCidr('10.244.1.7/16')?.network).toBe('10.244.0.0/16');
    expect(parseCidr('fd00:10:244::1/56')?.network).toBe('fd00:10:244::/56');
  });

  it('detects overlaps within one family only', () => {
    const c = (t: string) => parseCidr(t)!;
    expect(cidrsOverlap(c('10.0.0.0/8'), c('10.96.0.0/16'))).toBe(true);
    expect(cidrsOverlap(c('10.244.0.0/16'), c('10.96.0.0/16'))).toBe(false);
    expect(cidrsOverlap(c('fd00::/48'), c('fd00:0:0:1::/64'))).toBe(true);
    expect(cidrsOverlap(c('fd00::/48'), c('10.0.0.0/8'))).toBe(false);
  });
});

describe('parseKubernetesVersion', () => {
  it('accepts v1.MINOR.PATCH only', () => {
    expect(parseKubernetesVersion('v1.34.2')).toEqual({
      major: 1,
      minor: 34,
      patch: 2,
      text: 'v1.34.2',
    });
    for (const v of [
      '1.34.2',
      'v1.34',
      'v1.34.2-rc.1',
      'v2.0.0',
      'v1.034.2',
      'v1.34.02',
    ])
      expect(parseKubernetesVersion(v)).toBeUndefined();
  });
});

describe('checkOwner', () => {
  it.each([
    ['team-retail', 'group:default/team-retail', 'team-retail'],
    ['group:team-retail', 'group:default/team-retail', 'team-retail'],
    ['Group:default/team-retail', 'group:default/team-retail', 'team-retail'],
    ['group:edge/team-retail', 'group:edge/team-retail', 'edge.team-retail'],
    ['group:Default/Team-Retail', 'group:default/team-retail', 'team-retail'],
    ['Team-Retail', 'group:default/team-retail', 'team-retail'],
  ])('%s', (text, entityRef, labelValue) => {
    expect(checkOwner(new Problems(), 'owner', text)).toMatchObject({
      entityRef,
      labelValue,
    });
  });
});

describe('shown', () => {
  it('escapes and shortens values for messages', () => {
    expect(shown('a\nb')).toBe("'a\\nb'");
    expect(shown("it's")).toBe("'it\\'s'");
    expect(shown('x'.repeat(60))).toBe(`'${'x'.repeat(48)}…' (60 characters)`);
    expect(shown(undefined)).toBe('nothing');
  });
});
