import { matchesSelector, parseSelector } from './selector';

describe('label selectors', () => {
  it('parses the string form', () => {
    expect(parseSelector('a=b, c!=d,e,!f, g in (x, y), h notin (z)')).toEqual({
      matchLabels: { a: 'b' },
      matchExpressions: [
        { key: 'c', operator: 'NotIn', values: ['d'] },
        { key: 'e', operator: 'Exists' },
        { key: 'f', operator: 'DoesNotExist' },
        { key: 'g', operator: 'In', values: ['x', 'y'] },
        { key: 'h', operator: 'NotIn', values: ['z'] },
      ],
    });
    expect(() => parseSelector('a=(b')).toThrow(/cannot parse/);
  });

  it('matches labels', () => {
    const sel = parseSelector('site in (lyon,berlin),!skip');
    expect(matchesSelector({ site: 'lyon' }, sel)).toBe(true);
    expect(matchesSelector({ site: 'paris' }, sel)).toBe(false);
    expect(matchesSelector({ site: 'lyon', skip: '' }, sel)).toBe(false);
    expect(matchesSelector({}, undefined)).toBe(true);
  });
});
