/* Applies the README's code and config steps (blocks `backend`, `app`, `config`) to a fresh
 * create-app app, as a user following the README would edit it:
 *   node scripts/registry-check/apply-readme.mjs <app dir>
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { readmeBlock } from './readme.mjs';

const appDir = process.argv[2];
if (!appDir) throw new Error('usage: apply-readme.mjs <app dir>');

function edit(path, change) {
  const file = join(appDir, path);
  const before = readFileSync(file, 'utf8');
  const after = change(before);
  if (after === before)
    throw new Error(`${path}: the README's edit changed nothing`);
  writeFileSync(file, after);
  console.log(`  edited ${path}`);
}

// Step 2: the backend.add lines before backend.start(); the permission module in place of the app's
// policy module (create-app's allow-all one).
const ALLOW_ALL_POLICY =
  /^backend\.add\(\s*import\('@backstage\/plugin-permission-backend-module-allow-all-policy'\),?\s*\);\n/m;
edit('packages/backend/src/index.ts', text => {
  if (!text.includes('backend.start();'))
    throw new Error('packages/backend/src/index.ts has no backend.start()');
  const block = readmeBlock('backend');
  let out = text;
  if (block.includes('plugin-permission-backend-module-kamaji')) {
    if (!ALLOW_ALL_POLICY.test(out))
      throw new Error(
        'packages/backend/src/index.ts has no allow-all policy module to replace',
      );
    out = out.replace(ALLOW_ALL_POLICY, '');
  }
  return out.replace('backend.start();', `${block}\nbackend.start();`);
});

// Step 3: the import after the app's last import, the features appended to its features list.
edit('packages/app/src/App.tsx', text => {
  const block = readmeBlock('app');
  const imports = block.match(/^import[\s\S]*?;\n/gm) ?? [];
  const wanted = /features:\s*\[([^\]]*)\]/
    .exec(block)[1]
    .split(',')
    .map(s => s.trim())
    .filter(Boolean);
  const features = /features:\s*\[([^\]]*)\]/.exec(text);
  if (!features)
    throw new Error('packages/app/src/App.tsx has no `features: [...]`');
  const have = features[1]
    .split(',')
    .map(s => s.trim())
    .filter(Boolean);
  const list = [...have, ...wanted.filter(f => !have.includes(f))];
  let out = text.replace(features[0], `features: [${list.join(', ')}]`);
  const lastImport = [...out.matchAll(/^import[\s\S]*?;\n/gm)].pop();
  const at = lastImport ? lastImport.index + lastImport[0].length : 0;
  out = out.slice(0, at) + imports.join('') + out.slice(at);
  return out;
});

// Step 4: the config block merged into app-config.yaml: a key the app does not set yet is added as the
// README writes it (comments included); a map the app already has is merged (lists and values replaced).
function merge(into, from) {
  for (const [key, value] of Object.entries(from)) {
    const target = into[key];
    into[key] = isMap(value) && isMap(target) ? merge(target, value) : value;
  }
  return into;
}
const isMap = v => v && typeof v === 'object' && !Array.isArray(v);
edit('app-config.yaml', text => {
  const doc = parseDocument(text);
  const readme = parseDocument(readmeBlock('config'));
  for (const key of Object.keys(readme.toJSON())) {
    const have = doc.get(key);
    if (have === undefined || have === null)
      doc.set(key, readme.get(key, true));
    else doc.set(key, merge(have.toJSON(), readme.get(key, true).toJSON()));
  }
  return doc.toString({ lineWidth: 0 });
});
