/* The README's install steps as data: the fenced block after each `<!-- registry-check:NAME -->`
 * marker of README.md. scripts/registry-check.sh runs and applies exactly these blocks. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const README = fileURLToPath(new URL('../../README.md', import.meta.url));

export function readmeBlock(name) {
  const text = readFileSync(README, 'utf8');
  const marker = `<!-- registry-check:${name} -->`;
  const at = text.indexOf(marker);
  if (at < 0) throw new Error(`README.md has no ${marker}`);
  const block = /```[a-z]*\n([\s\S]*?)```/.exec(text.slice(at + marker.length));
  if (!block) throw new Error(`README.md: no code block after ${marker}`);
  return block[1];
}

/** The shell commands of a block, without comments. */
export function readmeCommands(name) {
  return readmeBlock(name)
    .split('\n')
    .map(line => line.replace(/\s+#.*$/, '').trim())
    .filter(line => line && !line.startsWith('#'));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // node readme.mjs commands install  → one command a line
  const [what, name] = process.argv.slice(2);
  process.stdout.write(
    what === 'commands'
      ? `${readmeCommands(name).join('\n')}\n`
      : readmeBlock(name),
  );
}
