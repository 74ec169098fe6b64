/*
 * Browser benchmark of the fleet topology page (issue 7): `yarn bench:browser`. Seeds a large fleet
 * (central a real kube-apiserver with every Cluster + KamajiControlPlane, islands served by
 * `kubeplane fake-islands`), starts the real packages/backend on it, serves the production build
 * of packages/app, and opens /kamaji in headless Chromium (Debian's /usr/bin/chromium through
 * playwright-core) at each size: time until the tree is rendered with the whole fleet and answers
 * a key press, and the page's JS heap. Targets at 10,000 tenants: interactive ≤ 2 s, heap ≤ 150 MB.
 *
 * Options: --sizes 1000,10000  --runs 3  --build (rebuild the app even when dist/ looks current).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  chromium,
  type Browser,
  type Page,
  type Response,
} from 'playwright-core';
import {
  FleetObjectApi,
  LocalControlPlane,
  REPO_ROOT,
  rbacDocuments,
} from '@internal/test-kube';
import { serveApp, ensureAppBuilt } from './appServer';
import { Backend } from './backend';
import { kubeconfigYaml, startFakeIslands } from './fakeIslands';
import {
  cleanupOnExit,
  sleep,
  waitFor,
  waitForQuiet,
  writeResults,
} from './lib';
import {
  apply,
  islandName,
  islandSecret,
  planTenants,
  seedCentral,
} from './seed';

const args = process.argv.slice(2);
const opt = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const SIZES = (opt('sizes') ?? '1000,10000')
  .split(',')
  .map(Number)
  .sort((a, b) => a - b);
const RUNS = Number(opt('runs') ?? 3);
const PER_ISLAND = 20;
const CHROMIUM = process.env.KB_CHROMIUM ?? '/usr/bin/chromium';
const TARGET = { interactiveMs: 2000, heapMb: 150, atTenants: 10_000 };
const FLEET_USER = { name: 'kamaji-backstage', groups: ['kamaji-backstage'] };

const log = (s: string) =>
  // eslint-disable-next-line no-console
  console.log(`[bench:browser ${new Date().toISOString().slice(11, 19)}] ${s}`);

const cleanups = cleanupOnExit(log);

interface Run {
  /** From navigation start (performance.timeOrigin) in the page. */
  treeMs: number;
  interactiveMs: number;
  /** Key press → the island's tenants rendered. */
  responseMs: number;
  heapUsedMb: number;
  heapAfterGcMb: number;
  domNodes: number;
  /** Whole-fleet snapshots the load read (GET /v1/fleet/snapshot) and their bytes on the wire. */
  snapshotReads: number;
  snapshotKb: number;
}

interface SizeResult {
  tenants: number;
  islands: number;
  runs: Run[];
  backendQuietWaitMs: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
};
const mb = (bytes: number) => bytes / 1024 / 1024;

async function signIn(page: Page, appUrl: string) {
  const errors: string[] = [];
  page.on('pageerror', e => errors.push(String(e)));
  page.on('console', m => {
    if (m.type() === 'error') errors.push(m.text());
  });
  try {
    await page.goto(appUrl, { timeout: 120_000 });
    await page
      .getByRole('button', { name: 'Enter' })
      .click({ timeout: 60_000 });
    await page
      .getByRole('link', { name: 'Kamaji fleet' })
      .waitFor({ timeout: 60_000 });
  } catch (e) {
    const shot = join(tmpdir(), 'kamaji-bench-browser-sign-in.png');
    await page.screenshot({ path: shot }).catch(() => undefined);
    throw new Error(
      `guest sign-in failed (screenshot ${shot}; page errors: ${
        errors.slice(0, 5).join(' | ') || 'none'
      }): ${(e as Error).message}`,
    );
  }
}

/**
 * One cold load of /kamaji in a page that is signed in: until the whole fleet is in the tree, then
 * a key press on the first island (ArrowRight expands it) until its tenants are rendered.
 */
async function measure(page: Page, appUrl: string, tenants: number) {
  const snapshotReads: Array<Promise<number>> = [];
  const onResponse = (r: Response) => {
    if (new URL(r.url()).pathname.endsWith('/api/kamaji/v1/fleet/snapshot'))
      snapshotReads.push(
        r
          .request()
          .sizes()
          .then(x => x.responseBodySize),
      );
  };
  page.on('response', onResponse);
  // Every load is cold: the app bundle and the fleet are fetched again (no 304 revalidation).
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await page.goto(`${appUrl}/kamaji`, { waitUntil: 'commit' });
  const tree = await page.waitForFunction(
    (n: number) => {
      const text = document.body.innerText.replace(/[,\u202f\u00a0]/g, '');
      const island = document.querySelector(
        '[role="tree"] [role="treeitem"][aria-level="2"]',
      );
      return island && text.includes(`${n} tenants on`)
        ? performance.now()
        : false;
    },
    tenants,
    { polling: 'raf', timeout: 120_000 },
  );
  const treeMs = (await tree.jsonValue()) as number;
  await page.evaluate(() => {
    document.addEventListener(
      'keydown',
      () => ((window as any).__benchKeyAt = performance.now()),
      { capture: true, once: true },
    );
  });
  const island = page
    .locator('[role="tree"] [role="treeitem"][aria-level="2"]')
    .first();
  await island.focus();
  await island.press('ArrowRight');
  const expanded = await page.waitForFunction(
    () => {
      const row = document.querySelector(
        '[role="tree"] [role="treeitem"][aria-level="2"]',
      );
      const child = document.querySelector(
        '[role="tree"] [role="treeitem"][aria-level="3"]',
      );
      return row?.getAttribute('aria-expanded') === 'true' && child
        ? performance.now()
        : false;
    },
    undefined,
    { polling: 'raf', timeout: 30_000 },
  );
  const interactiveMs = (await expanded.jsonValue()) as number;
  const keyAt = (await page.evaluate(
    () => (window as any).__benchKeyAt,
  )) as number;
  await cdp.send('Performance.enable');
  const metrics = await cdp.send('Performance.getMetrics');
  const heapUsed =
    metrics.metrics.find(m => m.name === 'JSHeapUsedSize')?.value ?? NaN;
  await cdp.send('HeapProfiler.collectGarbage');
  const afterGc = await cdp.send('Runtime.getHeapUsage');
  const domNodes = await page.evaluate(
    () => document.getElementsByTagName('*').length,
  );
  await cdp.detach();
  page.off('response', onResponse);
  const snapshotBytes = (await Promise.all(snapshotReads)).reduce(
    (a, b) => a + b,
    0,
  );
  // The summary counts what the API says the fleet holds; the page must have read it in one snapshot.
  if (!snapshotReads.length)
    throw new Error(
      'the page did not read the whole-fleet snapshot (GET /api/kamaji/v1/fleet/snapshot)',
    );
  return {
    treeMs,
    interactiveMs,
    responseMs: interactiveMs - keyAt,
    heapUsedMb: mb(heapUsed),
    heapAfterGcMb: mb(afterGc.usedSize),
    domNodes,
    snapshotReads: snapshotReads.length,
    snapshotKb: snapshotBytes / 1024,
  } satisfies Run;
}

/** The commit measured, and whether the working tree differed from it (shared tree). */
function treeState(): string {
  const git = (...a: string[]) =>
    spawnSync('git', a, { cwd: REPO_ROOT, encoding: 'utf8' }).stdout.trim();
  const dirty = git(
    'status',
    '--porcelain',
    '--',
    'packages/app',
    'plugins/kamaji',
    'plugins/kamaji-common',
    'plugins/kamaji-backend',
  );
  return `commit ${git('rev-parse', '--short', 'HEAD')}${
    dirty ? ' with uncommitted changes in the app or the kamaji plugins' : ''
  }`;
}

async function main() {
  const started = Date.now();
  if (!existsSync(CHROMIUM))
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install Debian's package (sudo apt-get install chromium, or bash scripts/chromium.sh as root) or set KB_CHROMIUM`,
    );
  const buildMs = ensureAppBuilt(args.includes('--build'), log);

  const workDir = mkdtempSync(join(tmpdir(), 'kamaji-bench-browser-'));
  cleanups.push(async () => rmSync(workDir, { recursive: true, force: true }));
  const maxIslands = Math.ceil(SIZES[SIZES.length - 1] / PER_ISLAND);
  const allIslands = Array.from({ length: maxIslands }, (_, i) =>
    islandName(i, maxIslands >= 100 ? 3 : 2),
  );
  const allTenants = planTenants(allIslands, PER_ISLAND);

  log('starting the control plane (central)');
  const plane = await LocalControlPlane.start({
    clusters: { central: ['capi', 'kamaji', 'addons'] },
    users: [FLEET_USER],
    startTimeoutMs: 300_000,
    quiet: true,
  });
  cleanups.push(() => plane.stop());
  const central = FleetObjectApi.forConfig(plane.kubeConfig('central'));
  for (const o of rbacDocuments('management')) await apply(central, o as any);
  const caDir = join(plane.stateDir, 'pki');
  const centralKubeconfig =
    plane.state.users[FLEET_USER.name].kubeconfigs.central;

  const token = randomBytes(24).toString('base64url');
  let backend: Backend | undefined;
  let backendUrl = '';
  // The app reads the backend's URL at load time; the backend changes per size, the app does not.
  const app = await serveApp(url => ({
    app: { baseUrl: url },
    backend: { baseUrl: backendUrl },
  }));
  cleanups.push(() => app.close());
  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
  });
  cleanups.push(() => browser.close());

  const results: SizeResult[] = [];
  let seededIslands = 0;
  let fakeIslands: { stop: () => Promise<void> } | undefined;
  for (const size of SIZES) {
    const islandCount = Math.ceil(size / PER_ISLAND);
    const islands = allIslands.slice(0, islandCount);
    const tenants = allTenants.filter(t => islands.includes(t.island));
    log(
      `== ${tenants.length} tenants on ${islandCount} islands: seeding ${
        islandCount - seededIslands
      } more islands`,
    );
    let t = Date.now();
    await seedCentral(
      central,
      allIslands.slice(seededIslands, islandCount),
      tenants.filter(
        tn => !islands.slice(0, seededIslands).includes(tn.island),
      ),
      24,
      log,
    );
    seededIslands = islandCount;
    log(`seeded in ${((Date.now() - t) / 1000).toFixed(0)} s (not measured)`);

    await backend?.stop();
    await fakeIslands?.stop();
    const { proc, out } = await startFakeIslands(
      workDir,
      caDir,
      tenants,
      islands,
    );
    fakeIslands = {
      stop: async () => {
        if (proc.exitCode !== null) return;
        const done = new Promise(r => proc.once('exit', r));
        proc.kill('SIGTERM');
        await Promise.race([done, sleep(5000)]);
      },
    };
    cleanups.push(() => fakeIslands!.stop());
    const fakeCa = readFileSync(out.caFile ?? join(caDir, 'ca.crt')).toString(
      'base64',
    );
    for (const island of islands)
      await apply(
        central,
        islandSecret(
          island,
          kubeconfigYaml(
            out.clusters[island].server,
            fakeCa,
            'bench-fake-island-token',
          ),
        ),
      );

    backend = await Backend.start({
      label: `browser-${size}`,
      workDir,
      token,
      centralKubeconfig,
      kubernetesClusters: [],
      nodeEnv: 'production',
      cwd: 'scratch',
      extraConfig: {
        backend: { cors: { origin: app.url, credentials: true } },
        auth: {
          providers: {
            guest: {
              userEntityRef: 'user:default/guest',
              dangerouslyAllowOutsideDevelopment: true,
            },
          },
        },
        // The guest user and its group (the permission policy gives platform-team the fleet).
        catalog: {
          locations: [
            {
              type: 'file',
              target: join(REPO_ROOT, 'examples', 'org.yaml'),
              rules: [{ allow: ['User', 'Group'] }],
            },
          ],
        },
        // Only management clusters become catalog entities: 10,000 entities would keep the
        // backend's CPU busy for minutes, which is catalog work, not what this page costs.
        kamaji: { catalog: { selector: 'kamaji-backstage.io/bench-none' } },
      },
    });
    const current = backend;
    cleanups.push(() => current.stop());
    backendUrl = backend.baseUrl;
    await backend.waitReady();
    await waitFor(
      `the fleet model to hold ${tenants.length} tenants on ${islandCount} connected islands`,
      async () => {
        const f = await current.json('/api/kamaji/v1/fleet?limit=1');
        const connected = f.islands.filter(
          (i: any) => i.connection?.status === 'connected',
        ).length;
        return f.page.total === tenants.length && connected === islandCount;
      },
      600_000,
      250,
    );
    const quiet = await waitForQuiet(backend.pid);
    log(
      `backend synced; settled after ${(quiet.waitedMs / 1000).toFixed(0)} s${
        quiet.settled ? '' : ' (NOT settled: figures are contended)'
      }`,
    );

    const context = await browser.newContext({
      viewport: { width: 1400, height: 900 },
    });
    const page = await context.newPage();
    t = Date.now();
    await signIn(page, app.url);
    log(`signed in as guest in ${Date.now() - t} ms`);
    const runs: Run[] = [];
    for (let r = 0; r < RUNS; r++) {
      const run = await measure(page, app.url, tenants.length);
      runs.push(run);
      log(
        `run ${r + 1}: tree ${run.treeMs.toFixed(
          0,
        )} ms, interactive ${run.interactiveMs.toFixed(
          0,
        )} ms (key → response ${run.responseMs.toFixed(
          0,
        )} ms), heap ${run.heapUsedMb.toFixed(
          1,
        )} MB (${run.heapAfterGcMb.toFixed(1)} MB after GC), ${
          run.domNodes
        } DOM elements; the page read ${
          run.snapshotReads
        } fleet snapshot(s) (${(run.snapshotKb / 1024).toFixed(
          2,
        )} MB on the wire)`,
      );
    }
    await context.close();
    results.push({
      tenants: tenants.length,
      islands: islandCount,
      runs,
      backendQuietWaitMs: quiet.waitedMs,
    });
  }

  // ---- report ----
  const date = new Date().toISOString().slice(0, 10);
  const lines: string[] = [];
  const p = (s = '') => lines.push(s);
  p(`# Browser benchmark ${date} — the fleet topology page (/kamaji)`);
  p();
  p(
    `- Command: \`yarn bench:browser${
      args.length ? ` ${args.join(' ')}` : ''
    }\``,
  );
  p(
    `- Browser: ${CHROMIUM} ${browser.version()} headless (playwright-core), viewport 1400×900, no CPU throttling; ${RUNS} loads of /kamaji per size in one signed-in tab, each cold (HTTP cache disabled through CDP: the app bundle and the fleet snapshot are fetched again).`,
  );
  p(
    `- App: the production build of packages/app${
      buildMs ? ` (built in ${(buildMs / 1000).toFixed(0)} s)` : ''
    }, served statically with gzip from loopback; backend: the real packages/backend, NODE_ENV=production; central a real kube-apiserver, islands \`kubeplane fake-islands\` (${PER_ISLAND} tenants each). Catalog entities for management clusters only.`,
  );
  p(
    `- Interactive: from navigation start until the tree shows the whole fleet ("N tenants on M islands") and the first island, focused, answered ArrowRight with its tenant rows. Heap: CDP Performance.getMetrics JSHeapUsedSize at that moment, and Runtime.getHeapUsage after HeapProfiler.collectGarbage.`,
  );
  p(`- Tree: ${treeState()}.`);
  p(
    `- Machine: ${cpus().length} cores shared with other work, Node ${
      process.version
    }.`,
  );
  p();
  p(
    '| tenants | islands | fleet read by the page | tree rendered (ms, median) | interactive (ms, median / max) | key → response (ms, median) | JS heap used (MB, max) | after GC (MB, max) | DOM elements |',
  );
  p('|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    const maxOf = (f: (x: Run) => number) => Math.max(...r.runs.map(f));
    p(
      `| ${r.tenants} | ${r.islands} | ${r.runs[0].snapshotReads} snapshot, ${(
        r.runs[0].snapshotKb / 1024
      ).toFixed(2)} MB gzip | ${median(r.runs.map(x => x.treeMs)).toFixed(
        0,
      )} | ${median(r.runs.map(x => x.interactiveMs)).toFixed(0)} / ${maxOf(
        x => x.interactiveMs,
      ).toFixed(0)} | ${median(r.runs.map(x => x.responseMs)).toFixed(
        0,
      )} | ${maxOf(x => x.heapUsedMb).toFixed(1)} | ${maxOf(
        x => x.heapAfterGcMb,
      ).toFixed(1)} | ${maxOf(x => x.domNodes)} |`,
    );
  }
  p();
  const atTarget = results.find(r => r.tenants === TARGET.atTenants);
  if (atTarget) {
    const interactive = median(atTarget.runs.map(x => x.interactiveMs));
    const heap = Math.max(...atTarget.runs.map(x => x.heapUsedMb));
    const pf = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
    p('| target at 10,000 tenants | measured | result |');
    p('|---|---|---|');
    p(
      `| interactive ≤ ${TARGET.interactiveMs} ms | ${interactive.toFixed(
        0,
      )} ms (median) | ${pf(interactive <= TARGET.interactiveMs)} |`,
    );
    p(
      `| JS heap ≤ ${TARGET.heapMb} MB | ${heap.toFixed(
        1,
      )} MB (used, max of the loads, before GC) | ${pf(
        heap <= TARGET.heapMb,
      )} |`,
    );
  } else {
    p(`No 10,000-tenant size in this run: the targets were not checked.`);
  }
  const written = writeResults(
    `${lines.join('\n')}\n`,
    'latest-browser.md',
    `${date}-browser.md`,
  );
  log(
    `written to ${written.join(' and ')}; total ${(
      (Date.now() - started) /
      1000
    ).toFixed(0)} s`,
  );
}

main()
  .then(() => cleanups.run())
  .then(() => process.exit(0))
  .catch(async e => {
    log(`FAILED: ${e?.stack ?? e}`);
    await cleanups.run();
    process.exit(1);
  });
