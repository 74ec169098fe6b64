/**
 * One copy of the texts many objects repeat: namespaces, label values, versions, condition
 * reasons and messages, owner refs. `JSON.parse` gives every occurrence in a list body its own
 * string, which at 10,000 tenants is megabytes of copies of a few hundred values.
 */
const MAX_SHARED = 50_000;
const known = new Map<string, string>();

/** The kept copy of `text`. The pool is bounded: when full it starts again (a cache, never a leak). */
export function shared(text: string): string {
  const kept = known.get(text);
  if (kept !== undefined) return kept;
  if (known.size >= MAX_SHARED) known.clear();
  known.set(text, text);
  return text;
}
