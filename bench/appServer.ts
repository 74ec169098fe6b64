/*
 * Serves the production build of packages/app (backstage-cli package build → packages/app/dist)
 * as a static site, the way a CDN or the app backend would: hashed assets gzip-compressed and
 * cached, every other path answered with index.html carrying the runtime config (app and backend
 * URLs) in a `backstage.io/config` script tag, which the app's config loader reads over the build's.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { Server, createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { gzipSync } from 'node:zlib';
import { REPO_ROOT } from '@internal/test-kube';

export const APP_DIST = join(REPO_ROOT, 'packages', 'app', 'dist');

/** Sources a production build of the app depends on (checked by modification time). */
const APP_SOURCES = [
  'packages/app/src',
  'packages/app/public',
  'packages/app/package.json',
  'plugins/kamaji/src',
  'plugins/kamaji-common/src',
];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(path))
    newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** Builds packages/app for production unless dist/ is newer than its sources; returns ms spent. */
export function ensureAppBuilt(
  force: boolean,
  log: (s: string) => void,
): number {
  const index = join(APP_DIST, 'index.html');
  const built = existsSync(index) ? statSync(index).mtimeMs : 0;
  const sources = Math.max(
    ...APP_SOURCES.map(p => newestMtime(join(REPO_ROOT, p))),
  );
  if (!force && built > sources) {
    log('packages/app/dist is newer than its sources: no build');
    return 0;
  }
  log('production build of packages/app (backstage-cli package build)');
  const t = Date.now();
  const r = spawnSync('yarn', ['workspace', 'app', 'build'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0)
    throw new Error(
      `the app build failed (exit ${
        r.status ?? r.signal
      }):\n${`${r.stdout}${r.stderr}`.slice(-4000)}`,
    );
  log(`app built in ${((Date.now() - t) / 1000).toFixed(0)} s`);
  return Date.now() - t;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
};

export interface AppServer {
  url: string;
  close(): Promise<void>;
}

/** `runtimeConfig` gets the app's own URL (known once listening) and returns its config. */
/**
 * `runtimeConfig` gets the app's own URL and returns the config injected into index.html; it is
 * asked on every page load, so the backend behind the app may change between loads.
 */
export async function serveApp(
  runtimeConfig: (appUrl: string) => object,
): Promise<AppServer> {
  let url = '';
  const template = readFileSync(join(APP_DIST, 'index.html'), 'utf8');
  const indexHtml = () =>
    template.replace(
      '</head>',
      `<script type="backstage.io/config">${JSON.stringify([
        { context: 'bench', data: runtimeConfig(url) },
      ]).replace(/</g, '\\u003c')}</script></head>`,
    );
  const assets = new Map<string, { body: Buffer; gzip?: Buffer }>();
  const server: Server = createServer((req, res) => {
    const path = normalize(
      decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname),
    );
    const file = join(APP_DIST, path);
    const isAsset =
      file.startsWith(APP_DIST) &&
      path.startsWith('/static/') &&
      existsSync(file) &&
      statSync(file).isFile();
    const type = isAsset
      ? TYPES[extname(file)] ?? 'application/octet-stream'
      : TYPES['.html'];
    let entry = isAsset ? assets.get(file) : undefined;
    if (!entry) {
      const body = isAsset ? readFileSync(file) : Buffer.from(indexHtml());
      entry = {
        body,
        gzip: /text|json|svg/.test(type) ? gzipSync(body) : undefined,
      };
      if (isAsset) assets.set(file, entry);
    }
    const gzip =
      entry.gzip && /\bgzip\b/.test(String(req.headers['accept-encoding']));
    res.writeHead(200, {
      'content-type': type,
      'cache-control': isAsset
        ? 'public, max-age=31536000, immutable'
        : 'no-store',
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
    });
    res.end(gzip ? entry.gzip : entry.body);
  });
  await new Promise<void>(resolve =>
    server.listen(0, '127.0.0.1', () => resolve()),
  );
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    url,
    close: () =>
      new Promise(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
