import { countOf } from './text';

describe('countOf', () => {
  it.each([
    [0, 'tenants'],
    [1, 'tenant'],
    [2, 'tenants'],
  ])('puts %i in words', (count, noun) => {
    expect(countOf(count, 'tenant')).toBe(`${count} ${noun}`);
  });
});
