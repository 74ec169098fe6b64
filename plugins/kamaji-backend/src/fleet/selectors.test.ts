import { matchesSelector } from './selectors';

describe('matchesSelector', () => {
  const labels = { tier: 'tenant', site: 'lyon' };
  it.each([
    [{ matchLabels: { tier: 'tenant' } }, true],
    [{ matchLabels: { tier: 'island' } }, false],
    [
      {
        matchExpressions: [
          { key: 'site', operator: 'In', values: ['lyon', 'berlin'] },
        ],
      },
      true,
    ],
    [
      {
        matchExpressions: [
          { key: 'site', operator: 'NotIn', values: ['lyon'] },
        ],
      },
      false,
    ],
    [
      {
        matchExpressions: [{ key: 'gpu', operator: 'NotIn', values: ['yes'] }],
      },
      true,
    ],
    [{ matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, true],
    [{ matchExpressions: [{ key: 'gpu', operator: 'DoesNotExist' }] }, true],
    [
      {
        matchLabels: { tier: 'tenant' },
        matchExpressions: [{ key: 'gpu', operator: 'Exists' }],
      },
      false,
    ],
  ] as const)('%j → %p', (selector, expected) => {
    expect(matchesSelector(labels, selector as any, false)).toBe(expected);
  });

  it('treats empty and absent selectors per addon kind', () => {
    expect(matchesSelector(labels, {}, true)).toBe(true); // Helm addon provider
    expect(matchesSelector(labels, { matchLabels: {} }, false)).toBe(false); // ClusterResourceSet, Sveltos
    expect(matchesSelector(labels, undefined, true)).toBe(false);
  });
});
