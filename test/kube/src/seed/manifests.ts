import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { AnyObject } from './FleetObjectApi';

/** One object from a manifest file, with where it came from (for messages). */
export interface ManifestObject {
  obj: AnyObject;
  /** `<file relative to the fleet dir>#<document index>`, e.g. `central/30-tenant-x.yaml#2`. */
  source: string;
}

/**
 * Reads every `*.yaml`/`*.yml` file directly in `dir` (sorted by name), all documents of each,
 * skipping empty documents. Throws on YAML errors and on documents without apiVersion/kind/name.
 * `optionalName` allows objects whose name is filled in later (seeded TenantControlPlanes).
 */
export function readManifests(
  dir: string,
  baseDir: string,
  optionalName: (obj: AnyObject) => boolean = () => false,
): ManifestObject[] {
  const files = readdirSync(dir)
    .filter(f => /\.ya?ml$/.test(f) && statSync(join(dir, f)).isFile())
    .sort();
  const out: ManifestObject[] = [];
  for (const file of files) {
    const path = join(dir, file);
    const docs = parseAllDocuments(readFileSync(path, 'utf8'));
    docs.forEach((doc, index) => {
      const source = `${relative(baseDir, path)}#${index}`;
      if (doc.errors.length) {
        throw new Error(
          `${source}: ${doc.errors.map(e => e.message).join('; ')}`,
        );
      }
      const obj = doc.toJS() as AnyObject | null;
      if (obj === null || obj === undefined) return;
      if (typeof obj !== 'object' || !obj.apiVersion || !obj.kind) {
        throw new Error(
          `${source}: not a Kubernetes object (apiVersion and kind are required)`,
        );
      }
      if (!obj.metadata?.name && !optionalName(obj)) {
        throw new Error(`${source}: ${obj.kind} without metadata.name`);
      }
      out.push({ obj, source });
    });
  }
  return out;
}

/** Human-readable `Kind namespace/name` (or `Kind name`). */
export function describe(obj: AnyObject): string {
  const { namespace, name } = obj.metadata ?? {};
  return `${obj.kind} ${namespace ? `${namespace}/` : ''}${
    name ?? '<unnamed>'
  }`;
}
