import {
  DEFAULT_KUBERNETES_VERSION_RANGE,
  checkSupportedKubernetesVersion,
  parseKubernetesVersion,
  parseMinorVersion,
  readKubernetesVersionRange,
} from './supportedVersions';

const range = { minMinor: 31, maxMinor: 36 };

describe('checkSupportedKubernetesVersion', () => {
  it.each(['v1.31.0', 'v1.34.2', 'v1.36.15'])('accepts %s', v => {
    const checked = checkSupportedKubernetesVersion(v, range);
    expect(checked).toEqual({ version: parseKubernetesVersion(v) });
  });

  it('reads a version without its leading v, with a note', () => {
    expect(checkSupportedKubernetesVersion('1.34.2', range)).toEqual({
      version: parseKubernetesVersion('v1.34.2'),
      note: "'1.34.2' has no leading 'v': read as 'v1.34.2'",
    });
    expect(checkSupportedKubernetesVersion('1.30.2', range)).toEqual({
      problem: expect.stringMatching(/^v1\.30\.2 is not supported/),
    });
  });

  it.each([
    ['v1.34', /like 'v1\.35\.2'.*got 'v1\.34'$/],
    ['v1.35.0-rc.1', /no pre-releases/],
    [
      'v1.30.9',
      /^v1\.30\.9 is not supported: pick a version from v1\.31 to v1\.36/,
    ],
    ['v1.37.0', /kamaji\.scaffolder\.kubernetesVersions/],
    ['x'.repeat(60), /\(60 characters\)$/],
  ])('rejects %p with a message saying how to fix it', (v, message) => {
    const checked = checkSupportedKubernetesVersion(v, range);
    expect('problem' in checked && checked.problem).toMatch(message);
  });
});

describe('readKubernetesVersionRange', () => {
  it('defaults to v1.31 – v1.36 and reads either bound', () => {
    expect(readKubernetesVersionRange({})).toEqual({
      range: DEFAULT_KUBERNETES_VERSION_RANGE,
      problems: [],
    });
    expect(readKubernetesVersionRange({ min: '1.33', max: 'v1.35' })).toEqual({
      range: { minMinor: 33, maxMinor: 35 },
      problems: [],
    });
  });

  it('names the config key of a bad bound', () => {
    expect(
      readKubernetesVersionRange({ min: 'v1.33.1', max: 'v1.32' }).problems,
    ).toEqual([
      {
        key: 'kubernetesVersions.min',
        message: "must be a minor version like 'v1.31'; got 'v1.33.1'",
      },
    ]);
    expect(
      readKubernetesVersionRange({ min: 'v1.35', max: 'v1.32' }).problems,
    ).toEqual([
      { key: 'kubernetesVersions', message: 'min is newer than max' },
    ]);
  });

  it('parses minor bounds with or without v', () => {
    expect(parseMinorVersion('v1.31')).toBe(31);
    expect(parseMinorVersion('1.31')).toBe(31);
    expect(parseMinorVersion('v2.31')).toBeUndefined();
  });
});
