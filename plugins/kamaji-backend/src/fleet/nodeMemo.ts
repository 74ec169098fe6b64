/**
 * Memoises node builds by everything they read. A build is a module-level function of one
 * `inputs` record and nothing else; the memo compares every field of that record with the
 * previous build's (the same object, an equal primitive, or, for small flat records such as
 * staleness and connection state, equal fields) and builds again when any field differs. What a
 * build reads is what it is keyed by: no dependency can be left out of a hand-written list.
 */
export class NodeMemo {
  private previous = new Map<string, Entry>();
  private current = new Map<string, Entry>();

  /** Starts a build of the whole fleet: nodes not asked for again are forgotten at `end`. */
  begin(): void {
    this.current = new Map();
  }

  end(): void {
    this.previous = this.current;
    this.current = new Map();
  }

  /** The node `id`: the previous one when `build` and every input are the same, else built. */
  node<I extends object, T>(id: string, build: (inputs: I) => T, inputs: I): T {
    const prev = this.previous.get(id);
    const value =
      prev && prev.build === build && sameInputs(prev.inputs, inputs)
        ? (prev.value as T)
        : build(inputs);
    this.current.set(id, { build, inputs, value });
    return value;
  }

  /** After `end`: `value` (equal to what the last build made for `id`) is remembered instead. */
  adopt(id: string, value: unknown): void {
    const entry = this.previous.get(id);
    if (entry) entry.value = value;
  }
}

interface Entry {
  build: Function;
  inputs: object;
  value: unknown;
}

/** Builds without remembering anything (no cache given). */
export const NO_MEMO = {
  node: <I extends object, T>(
    _id: string,
    build: (inputs: I) => T,
    inputs: I,
  ) => build(inputs),
};

export type Memo = Pick<NodeMemo, 'node'>;

function sameInputs(a: object, b: object): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every(k => sameValue((a as any)[k], (b as any)[k]));
}

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || (isFlatRecord(a) && isFlatRecord(b) && sameFlat(a, b));
}

type Flat = Record<string, string | number | boolean | undefined | null>;

/** A plain object whose values are all primitives. */
function isFlatRecord(v: unknown): v is Flat {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
  return Object.values(v).every(x => x === null || typeof x !== 'object');
}

function sameFlat(a: Flat, b: Flat): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every(k => a[k] === b[k]);
}
