/*
 * src/schema/openapi/generated is written from openapi.yaml by `backstage-repo-tools package schema
 * openapi generate --server` (scripts/openapi.sh generate); scripts/openapi.sh check (CI) regenerates
 * it and fails on any difference. This test keeps the spec the router serves equal to the YAML.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { spec } from './openapi';

function loadSpecYaml(): any {
  return YAML.parse(readFileSync(join(__dirname, 'openapi.yaml'), 'utf8'));
}

describe('openapi.yaml', () => {
  it('is the spec of the generated router', () => {
    expect(spec).toEqual(loadSpecYaml());
  });

  it('bounds every parameter and request field (strings by length or pattern, numbers by range)', () => {
    const doc = loadSpecYaml();
    const resolve = (ref: any): any =>
      ref?.$ref
        ? ref.$ref
            .replace(/^#\//, '')
            .split('/')
            .reduce((o: any, k: string) => o[k], doc)
        : ref;
    const unbounded: string[] = [];
    const check = (where: string, schema: any) => {
      const s = resolve(schema);
      if (!s) return;
      if (s.type === 'string' && !s.enum && s.maxLength === undefined) {
        unbounded.push(where);
      }
      if (
        s.type === 'integer' &&
        (s.minimum === undefined || s.maximum === undefined)
      ) {
        unbounded.push(where);
      }
      if (s.type === 'array') {
        if (s.maxItems === undefined) unbounded.push(where);
        check(`${where}[]`, s.items);
      }
      if (s.type === 'object') {
        for (const [k, v] of Object.entries<any>(s.properties ?? {})) {
          check(`${where}.${k}`, v);
        }
      }
    };
    for (const [path, item] of Object.entries<any>(doc.paths)) {
      const shared = item.parameters ?? [];
      for (const method of ['get', 'post', 'delete']) {
        const op = item[method];
        if (!op) continue;
        for (const p of [...shared, ...(op.parameters ?? [])].map(resolve)) {
          check(`${method} ${path} ${p.in}:${p.name}`, p.schema);
        }
        const body = op.requestBody?.content?.['application/json']?.schema;
        if (body) check(`${method} ${path} body`, body);
      }
    }
    expect(unbounded).toEqual([]);
  });
});
