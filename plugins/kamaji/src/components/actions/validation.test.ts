import {
  parseReplicas,
  replicasError,
  upgradeVersionError,
} from './validation';

describe('upgradeVersionError', () => {
  it.each([
    ['v1.34.2', 'v1.34.3'],
    ['v1.34.2', ' v1.35.0 '],
    ['1.34.2', 'v1.35.1'],
    ['v1.34.2', '1.35.0'],
    [undefined, 'v1.36.0'],
  ])('accepts %p → %p', (current, input) => {
    expect(upgradeVersionError(current, input)).toBeUndefined();
  });

  it.each([
    ['v1.34.2', '', /version is required/],
    ['v1.34.2', 'v1.35', /semver form/],
    ['v1.34.2', 'latest', /semver form/],
    ['v1.34.2', 'v1.34.1', /downgrades are not supported/],
    ['v1.33.4', 'v1.35.0', /skips a minor release.*v1\.34\.x/],
    ['v1.34.2', 'v1.34.2', /already the declared version/],
  ])('refuses %p → %p', (current, input, message) => {
    expect(upgradeVersionError(current, input)).toMatch(message);
  });
});

describe('replicasError', () => {
  it('accepts whole numbers from 0 to the API maximum that change the pool', () => {
    expect(replicasError('0', 2)).toBeUndefined();
    expect(replicasError(' 7 ', 2)).toBeUndefined();
    expect(replicasError('1000', 2)).toBeUndefined();
    expect(parseReplicas(' 7 ')).toBe(7);
  });

  it.each(['', '-1', '2.5', 'abc', '1001', '1e3'])(
    'refuses %p with the bounds',
    input => {
      expect(replicasError(input, 2)).toBe(
        'replicas must be a whole number from 0 to 1000',
      );
    },
  );

  it('refuses the count the pool already has', () => {
    expect(replicasError('2', 2)).toBe(
      'replicas is already 2: choose another count',
    );
  });
});
