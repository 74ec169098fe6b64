/* Where and how the scripts that record real backend answers write the frontend's fixtures. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@internal/test-kube';

// prettier 2 ships no types; these two functions are all this module uses
const prettier: {
  resolveConfig(file: string): Promise<object | null>;
  format(text: string, options: object): string;
} = require('prettier');

/** plugins/kamaji/src/__fixtures__/recorded */
export const RECORDED_DIR = join(
  REPO_ROOT,
  'plugins',
  'kamaji',
  'src',
  '__fixtures__',
  'recorded',
);

/**
 * Writes one recorded answer as JSON formatted as the repo's prettier check wants it, so a
 * re-recording diffs cleanly; returns the file written.
 */
export async function writeRecordedFixture(
  name: string,
  body: unknown,
): Promise<string> {
  mkdirSync(RECORDED_DIR, { recursive: true });
  const file = join(RECORDED_DIR, name);
  const options = await prettier.resolveConfig(file);
  writeFileSync(
    file,
    prettier.format(JSON.stringify(body), { ...options, parser: 'json' }),
  );
  return file;
}
