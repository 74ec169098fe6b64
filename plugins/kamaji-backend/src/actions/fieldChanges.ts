import { FieldChange } from '@kamaji-backstage/plugin-kamaji-common';
import { isDeepStrictEqual as isEqual } from 'node:util';

/** The parts of an object a day-2 change can touch (status and bookkeeping are left out). */
const COMPARED = ['/metadata/labels', '/metadata/annotations', '/spec'];

function escape(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function at(obj: any, pointer: string): unknown {
  return pointer
    .split('/')
    .slice(1)
    .reduce(
      (o, key) => (o === undefined || o === null ? undefined : o[key]),
      obj,
    );
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function walk(path: string, from: unknown, to: unknown, out: FieldChange[]) {
  if (isEqual(from, to)) return;
  if (isObject(from) && isObject(to)) {
    const keys = new Set([...Object.keys(from), ...Object.keys(to)]);
    for (const key of [...keys].sort()) {
      walk(`${path}/${escape(key)}`, from[key], to[key], out);
    }
    return;
  }
  out.push({
    path,
    ...(from === undefined ? {} : { from }),
    ...(to === undefined ? {} : { to }),
  });
}

/**
 * The leaf fields that differ between a stored object and the object the API server answered
 * to a (dry-run) write: labels, annotations and spec, as JSON pointers. Arrays count as leaves.
 */
export function fieldChanges(before: unknown, after: unknown): FieldChange[] {
  const out: FieldChange[] = [];
  for (const pointer of COMPARED) {
    walk(pointer, at(before, pointer), at(after, pointer), out);
  }
  return out;
}
