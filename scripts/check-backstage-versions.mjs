#!/usr/bin/env node
// Fails when any @backstage/* package resolves to more than one version in yarn.lock,
// or to a version other than the one the root package.json pins for the release in backstage.json.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lock = readFileSync(join(root, 'yarn.lock'), 'utf8');
const pins =
  JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).resolutions ??
  {};
const release = JSON.parse(
  readFileSync(join(root, 'backstage.json'), 'utf8'),
).version;

const versions = new Map();
let current;
for (const line of lock.split('\n')) {
  const header = /^"?(@backstage\/[^@"]+)@/.exec(line);
  if (header) {
    current = header[1];
    continue;
  }
  if (/^\S/.test(line)) current = undefined;
  const version = /^ {2}version: "?([^"\s]+)"?/.exec(line);
  if (current && version) {
    if (!versions.has(current)) versions.set(current, new Set());
    versions.get(current).add(version[1]);
  }
}

const problems = [];
for (const [name, set] of [...versions].sort()) {
  if (set.size > 1)
    problems.push(`${name}: several versions ${[...set].join(', ')}`);
  const pinned = pins[name];
  if (pinned && !set.has(pinned))
    problems.push(
      `${name}: resolves to ${[...set].join(', ')} but ${pinned} is pinned`,
    );
  if (!pinned)
    problems.push(
      `${name}: not pinned in package.json resolutions (add its ${release} version)`,
    );
}
console.log(
  `backstage ${release}: ${versions.size} @backstage packages in yarn.lock, ${problems.length} problems`,
);
for (const p of problems) console.log(`  ${p}`);
process.exit(problems.length ? 1 : 0);
