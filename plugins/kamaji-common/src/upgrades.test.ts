import {
  checkKubernetesUpgrade,
  compareKubeVersions,
  parseKubeVersion,
  type VersionCeiling,
} from './upgrades';

const ceiling: VersionCeiling = { major: 1, minor: 36, text: 'v1.36' };

describe('parseKubeVersion', () => {
  it.each(['v1.34.2', 'v1.35.0-rc.1', 'v1.34.2+build.5', 'v0.0.0'])(
    'accepts %p',
    v => expect(parseKubeVersion(v)).toBeDefined(),
  );
  it.each([
    '1.34.2',
    'v1.34',
    'v1',
    'V1.34.2',
    'v01.34.2',
    'v1.34.2 ',
    'v1.34.2-',
    'latest',
    '',
    `v1.34.${'9'.repeat(100)}`,
  ])('rejects %p', v => expect(parseKubeVersion(v)).toBeUndefined());
  it('accepts a missing v when lenient', () => {
    expect(parseKubeVersion('1.34.2', { lenient: true })?.text).toBe('v1.34.2');
  });
  it('orders releases and pre-releases', () => {
    const order = [
      'v1.34.0-alpha.1',
      'v1.34.0-alpha.2',
      'v1.34.0-rc.1',
      'v1.34.0',
      'v1.34.1',
      'v1.35.0',
    ];
    for (let i = 1; i < order.length; i++) {
      expect(
        compareKubeVersions(
          parseKubeVersion(order[i - 1])!,
          parseKubeVersion(order[i])!,
        ),
      ).toBe(-1);
    }
  });
});

describe('checkKubernetesUpgrade', () => {
  it.each([
    ['v1.34.2', 'v1.34.3'],
    ['v1.34.2', 'v1.35.0'],
    ['1.34.2', 'v1.35.1'],
    ['v1.34.2', '1.35.0'],
    [undefined, 'v1.36.0'],
  ])('allows %p → %p', (from, to) => {
    expect(checkKubernetesUpgrade(from, to, ceiling).kind).toBe('ok');
  });
  it('says when nothing changes', () => {
    expect(checkKubernetesUpgrade('v1.34.2', 'v1.34.2', ceiling).kind).toBe(
      'same',
    );
  });
  it.each([
    ['v1.34.2', 'v1.35', /semver/],
    ['v1.34.2', 'v1.34.1', /downgrades are not supported/],
    ['v1.34.2', 'v1.33.9', /downgrades/],
    ['v1.33.4', 'v1.35.0', /skips a minor release.*v1\.34\.x/],
    ['v1.35.2', 'v1.37.0', /above the supported ceiling v1\.36/],
    ['v1.35.2', 'v2.0.0', /above the supported ceiling/],
    [
      'v1.35.2',
      'v0.0.0',
      /v0\.0\.0 is not a v1 release: choose a v1\.x release up to v1\.36\.x/,
    ],
  ])('rejects %p → %p', (from, to, message) => {
    const check = checkKubernetesUpgrade(from, to, ceiling);
    expect(check.kind).toBe('invalid');
    expect(check.kind === 'invalid' && check.message).toMatch(/^version /);
    expect(check.kind === 'invalid' && check.message).toMatch(message);
  });
  it('applies no ceiling when none is given', () => {
    expect(checkKubernetesUpgrade('v1.36.1', 'v1.37.0').kind).toBe('ok');
    expect(checkKubernetesUpgrade('v1.36.1', 'v1.38.0').kind).toBe('invalid');
  });
});
