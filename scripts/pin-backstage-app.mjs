#!/usr/bin/env node
// Pins a Backstage app to the release these plugins are built and tested on (backstage.json here), as
// `backstage-cli versions:bump --release` would, but without versions.backstage.io and more strictly:
// a yarn resolution for every @backstage package, so that no caret range pulls a later release's
// package (create-app 0.9.1's ranges alone resolve search-backend-module-pg 0.5.61, which does not
// start on backend-plugin-api 1.10.0). The versions are this repository's root resolutions (the
// release manifest's) plus those of the create-app template's packages this repository does not use.
//
//   node scripts/pin-backstage-app.mjs <app directory>      then `yarn install` in the app
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const readJson = file => JSON.parse(readFileSync(file, 'utf8'));
const writeJson = (file, value) =>
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);

/** The template's packages of the 1.54.9 manifest (backstage/versions v1/releases/1.54.9) we do not use. */
const TEMPLATE_ONLY = {
  '@backstage/plugin-auth-backend-module-github-provider': '0.5.6',
  '@backstage/plugin-permission-backend-module-allow-all-policy': '0.2.22',
  '@backstage/plugin-scaffolder-backend-module-github': '0.9.13',
  '@backstage/plugin-scaffolder-backend-module-notifications': '0.1.25',
  '@backstage/plugin-search-backend-module-pg': '0.5.58',
  '@backstage/plugin-search-backend-module-techdocs': '0.4.17',
  '@backstage/plugin-techdocs': '1.18.0',
  '@backstage/plugin-techdocs-module-addons-contrib': '1.1.39',
  // The manifest names techdocs-backend 2.2.5 and techdocs-node 1.15.6, which the npm registry does
  // not serve: the previous 1.54 patch releases.
  '@backstage/plugin-techdocs-backend': '2.2.4',
  '@backstage/plugin-techdocs-node': '1.15.5',
};

const app = resolve(process.argv[2] ?? '');
const appPackage = join(app, 'package.json');
if (!process.argv[2] || !existsSync(join(app, 'backstage.json'))) {
  console.error(
    'usage: node scripts/pin-backstage-app.mjs <app directory> (the root of a Backstage app: it has a backstage.json)',
  );
  process.exit(2);
}

const release = readJson(join(root, 'backstage.json')).version;
const ours = Object.entries(readJson(join(root, 'package.json')).resolutions);
const pins = {
  ...TEMPLATE_ONLY,
  ...Object.fromEntries(
    ours.filter(([name]) => name.startsWith('@backstage/')),
  ),
};
const pkg = readJson(appPackage);
pkg.resolutions = { ...pkg.resolutions, ...pins };
writeJson(appPackage, pkg);
writeJson(join(app, 'backstage.json'), { version: release });
console.log(
  `${app}: Backstage ${release}, ${
    Object.keys(pins).length
  } @backstage packages pinned; run yarn install`,
);
