import {
  compareKubernetesVersions,
  hasVersionSkew,
  isKubernetesVersion,
  normalizeKubernetesVersion,
} from './versions';

describe('Kubernetes versions', () => {
  it.each([
    ['1.34.2', 'v1.34.2'],
    ['v1.34.2', 'v1.34.2'],
    [' v1.33.7 ', 'v1.33.7'],
    ['1.35.0-rc.1', 'v1.35.0-rc.1'],
    ['1.34', 'v1.34'],
    ['', undefined],
    [undefined, undefined],
    ['banana', 'banana'],
  ])('normalises %p to %p', (input, expected) => {
    expect(normalizeKubernetesVersion(input as any)).toBe(expected);
  });

  it('recognises versions', () => {
    expect(isKubernetesVersion('v1.34.2')).toBe(true);
    expect(isKubernetesVersion('1.34.2')).toBe(true);
    expect(isKubernetesVersion('latest')).toBe(false);
  });

  it.each([
    [['v1.34.2', '1.34.2', 'v1.34.2'], false],
    [['v1.34.2', 'v1.33.7', 'v1.33.7'], true],
    [['v1.34.2', undefined, 'v1.34.2'], false],
    [[undefined, undefined], false],
    [['v1.34.2', 'v1.34.3'], true],
  ])('skew of %p is %p', (versions, skew) => {
    expect(hasVersionSkew(versions)).toBe(skew);
  });

  it('compares versions numerically', () => {
    expect(compareKubernetesVersions('v1.9.0', 'v1.10.0')).toBeLessThan(0);
    expect(compareKubernetesVersions('1.34.2', 'v1.34.2')).toBe(0);
    expect(compareKubernetesVersions('v1.34.3', 'v1.34.2')).toBeGreaterThan(0);
  });
});
