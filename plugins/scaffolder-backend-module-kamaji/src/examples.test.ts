import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { RENDER_KINDS, RenderKind, renderKind, toYaml } from './render';

// The committed examples (examples/rendered) must be what the render functions produce today;
// scripts/check-rendered.ts (CI) checks the same and can rewrite them with --update.
const DIR = resolve(__dirname, '..', '..', '..', 'examples', 'rendered');

const cases = RENDER_KINDS.flatMap(kind =>
  readdirSync(join(DIR, kind))
    .filter(f => f.endsWith('.values.yaml'))
    .map(f => [kind, f] as [RenderKind, string]),
);

describe('examples/rendered', () => {
  it('has cases for every kind', () => {
    expect(new Set(cases.map(([k]) => k))).toEqual(new Set(RENDER_KINDS));
  });

  it.each(cases)('%s/%s renders to the committed YAML', (kind, file) => {
    const values = parse(readFileSync(join(DIR, kind, file), 'utf8'));
    const committed = readFileSync(
      join(DIR, kind, file.replace(/\.values\.yaml$/, '.yaml')),
      'utf8',
    );
    expect(committed.replace(/^(#.*\n)+/, '')).toBe(
      toYaml(renderKind(kind, values)),
    );
  });
});
