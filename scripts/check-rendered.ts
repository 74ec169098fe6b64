// CI step: re-renders every examples/rendered/<kind>/<case>.values.yaml with the render functions
// of plugin-scaffolder-backend-module-kamaji (the same code as the actions and `kamaji-render`) and
// fails when the committed <case>.yaml differs. `--update` rewrites the committed files instead.
// Usage: node --require ./node_modules/@backstage/cli/config/nodeTransform.cjs scripts/check-rendered.ts [--update]
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import {
  RENDER_KINDS,
  renderKind,
  toYaml,
} from '@kamaji-backstage/plugin-scaffolder-backend-module-kamaji';

const ROOT = resolve(__dirname, '..');
const DIR = join(ROOT, 'examples', 'rendered');

/** What a committed rendered example holds: a header naming its source, then the objects. */
export function renderedExample(kind: string, valuesFile: string): string {
  const values = parse(readFileSync(join(DIR, kind, valuesFile), 'utf8'), { merge: true });
  const objects = renderKind(kind as (typeof RENDER_KINDS)[number], values);
  return `# Rendered from ${valuesFile} by kamaji-render (plugins/scaffolder-backend-module-kamaji).\n# Do not edit: CI re-renders it (scripts/check-rendered.ts; --update rewrites it).\n${toYaml(
    objects,
  )}`;
}

function firstDifference(a: string, b: string): string {
  const al = a.split('\n');
  const bl = b.split('\n');
  for (let i = 0; i < Math.max(al.length, bl.length); i++) {
    if (al[i] !== bl[i]) {
      return `line ${i + 1}: committed ${JSON.stringify(
        al[i] ?? '(end of file)',
      )}, rendered ${JSON.stringify(bl[i] ?? '(end of file)')}`;
    }
  }
  return 'no difference';
}

function main(): number {
  const update = process.argv.includes('--update');
  const problems: string[] = [];
  let checked = 0;
  for (const kind of readdirSync(DIR)) {
    if (!(RENDER_KINDS as readonly string[]).includes(kind)) {
      if (!kind.endsWith('.md'))
        problems.push(`${kind}: not a kind (use ${RENDER_KINDS.join(', ')})`);
      continue;
    }
    for (const file of readdirSync(join(DIR, kind)).sort()) {
      const rel = `${kind}/${file}`;
      if (file.endsWith('.values.yaml')) {
        const target = join(
          DIR,
          kind,
          file.replace(/\.values\.yaml$/, '.yaml'),
        );
        let rendered: string;
        try {
          rendered = renderedExample(kind, file);
        } catch (e: any) {
          problems.push(`${rel}: ${e?.message ?? e}`);
          continue;
        }
        checked++;
        const committed = existsSync(target)
          ? readFileSync(target, 'utf8')
          : undefined;
        if (committed === rendered) continue;
        if (update) {
          writeFileSync(target, rendered);
          console.log(
            `updated ${kind}/${file.replace(/\.values\.yaml$/, '.yaml')}`,
          );
        } else {
          problems.push(
            committed === undefined
              ? `${rel}: ${file.replace(/\.values\.yaml$/, '.yaml')} is missing`
              : `${kind}/${file.replace(
                  /\.values\.yaml$/,
                  '.yaml',
                )} differs from what ${file} renders (${firstDifference(
                  committed,
                  rendered,
                )})`,
          );
        }
      } else if (file.endsWith('.yaml')) {
        if (
          !existsSync(join(DIR, kind, file.replace(/\.yaml$/, '.values.yaml')))
        )
          problems.push(
            `${rel}: has no ${file.replace(/\.yaml$/, '.values.yaml')}`,
          );
      }
    }
  }
  console.log(
    `rendered examples: ${checked} checked, ${problems.length} problems`,
  );
  for (const p of problems) console.log(`  ${p}`);
  if (problems.length && !update)
    console.log(
      '  re-render with: node --require ./node_modules/@backstage/cli/config/nodeTransform.cjs scripts/check-rendered.ts --update',
    );
  return problems.length ? 1 : 0;
}

if (require.main === module) process.exit(main());
