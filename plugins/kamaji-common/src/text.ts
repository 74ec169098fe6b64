/**
 * `1 tenant`, `3 tenants`: a count with its noun, in the plural unless the count is 1.
 *
 * @public
 */
export function countOf(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
