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
  const values = parse(readFileSync(join(DIR, kind, valuesFile), 'utf8'), {
    merge: true,
  });
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

const outputOf = (valuesFile: string) =>
  valuesFile.replace(/\.values\.yaml$/, '.yaml');

/**
 * Compares (or with `update` rewrites) the committed output of one values file; returns the
 * problem, if any. `checked` counts the files that rendered.
 */
function checkValuesFile(
  kind: string,
  file: string,
  update: boolean,
  counter: { checked: number },
): string | undefined {
  const rel = `${kind}/${file}`;
  const target = join(DIR, kind, outputOf(file));
  let rendered: string;
  try {
    rendered = renderedExample(kind, file);
  } catch (e: any) {
    return `${rel}: ${e?.message ?? e}`;
  }
  counter.checked++;
  const committed = existsSync(target)
    ? readFileSync(target, 'utf8')
    : undefined;
  if (committed === rendered) return undefined;
  if (update) {
    writeFileSync(target, rendered);
    console.log(`updated ${kind}/${outputOf(file)}`);
    return undefined;
  }
  return committed === undefined
    ? `${rel}: ${outputOf(file)} is missing`
    : `${kind}/${outputOf(
        file,
      )} differs from what ${file} renders (${firstDifference(
        committed,
        rendered,
      )})`;
}

/** The problems of one kind's folder: each values file against its output, each output with its values file. */
function checkKind(
  kind: string,
  update: boolean,
  counter: { checked: number },
): string[] {
  const problems: string[] = [];
  for (const file of readdirSync(join(DIR, kind)).sort()) {
    let problem: string | undefined;
    if (file.endsWith('.values.yaml')) {
      problem = checkValuesFile(kind, file, update, counter);
    } else if (file.endsWith('.yaml')) {
      const values = file.replace(/\.yaml$/, '.values.yaml');
      if (!existsSync(join(DIR, kind, values)))
        problem = `${kind}/${file}: has no ${values}`;
    }
    if (problem) problems.push(problem);
  }
  return problems;
}

function main(): number {
  const update = process.argv.includes('--update');
  const problems: string[] = [];
  const counter = { checked: 0 };
  for (const kind of readdirSync(DIR)) {
    if ((RENDER_KINDS as readonly string[]).includes(kind))
      problems.push(...checkKind(kind, update, counter));
    else if (!kind.endsWith('.md'))
      problems.push(`${kind}: not a kind (use ${RENDER_KINDS.join(', ')})`);
  }
  console.log(
    `rendered examples: ${counter.checked} checked, ${problems.length} problems`,
  );
  for (const p of problems) console.log(`  ${p}`);
  if (problems.length && !update)
    console.log(
      '  re-render with: node --require ./node_modules/@backstage/cli/config/nodeTransform.cjs scripts/check-rendered.ts --update',
    );
  return problems.length ? 1 : 0;
}

if (require.main === module) process.exit(main());
