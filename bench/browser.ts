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
  type CDPSession,
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
  type Tenant,
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

/** Counts the whole-fleet snapshots the page reads and their bytes on the wire, until `stop`. */
function countSnapshotReads(page: Page) {
  const reads: Array<Promise<number>> = [];
  const onResponse = (r: Response) => {
    if (new URL(r.url()).pathname.endsWith('/api/kamaji/v1/fleet/snapshot'))
      reads.push(
        r
          .request()
          .sizes()
          .then(x => x.responseBodySize),
      );
  };
  page.on('response', onResponse);
  return { reads, stop: () => page.off('response', onResponse) };
}

/** Until the tree shows the whole fleet and an island: ms from navigation start. */
async function waitForTree(page: Page, tenants: number): Promise<number> {
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
  return (await tree.jsonValue()) as number;
}

/**
 * ArrowRight on the first island, focused, until its tenant rows are rendered: when that happened
 * and when the key went down, both ms from navigation start.
 */
async function expandFirstIsland(page: Page) {
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
  return { interactiveMs, keyAt };
}

/** The JS heap used now, then after a forced GC, in MB. */
async function heapMb(cdp: CDPSession) {
  await cdp.send('Performance.enable');
  const metrics = await cdp.send('Performance.getMetrics');
  const heapUsed =
    metrics.metrics.find(m => m.name === 'JSHeapUsedSize')?.value ?? NaN;
  await cdp.send('HeapProfiler.collectGarbage');
  const afterGc = await cdp.send('Runtime.getHeapUsage');
  return { heapUsedMb: mb(heapUsed), heapAfterGcMb: mb(afterGc.usedSize) };
}

/**
 * One cold load of /kamaji in a page that is signed in: until the whole fleet is in the tree, then
 * a key press on the first island (ArrowRight expands it) until its tenants are rendered.
 */
async function measure(page: Page, appUrl: string, tenants: number) {
  const snapshots = countSnapshotReads(page);
  // Every load is cold: the app bundle and the fleet are fetched again (no 304 revalidation).
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await page.goto(`${appUrl}/kamaji`, { waitUntil: 'commit' });
  const treeMs = await waitForTree(page, tenants);
  const { interactiveMs, keyAt } = await expandFirstIsland(page);
  const heap = await heapMb(cdp);
  const domNodes = await page.evaluate(
    () => document.getElementsByTagName('*').length,
  );
  await cdp.detach();
  snapshots.stop();
  const snapshotBytes = (await Promise.all(snapshots.reads)).reduce(
    (a, b) => a + b,
    0,
  );
  // The summary counts what the API says the fleet holds; the page must have read it in one snapshot.
  if (!snapshots.reads.length)
    throw new Error(
      'the page did not read the whole-fleet snapshot (GET /api/kamaji/v1/fleet/snapshot)',
    );
  return {
    treeMs,
    interactiveMs,
    responseMs: interactiveMs - keyAt,
    ...heap,
    domNodes,
    snapshotReads: snapshots.reads.length,
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

function assertChromium() {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install Debian's package (sudo apt-get install chromium, or bash scripts/chromium.sh as root) or set KB_CHROMIUM`,
    );
}

/** The islands and tenants of the largest size; each size takes the first of them. */
function planFleet() {
  const maxIslands = Math.ceil(SIZES[SIZES.length - 1] / PER_ISLAND);
  const allIslands = Array.from({ length: maxIslands }, (_, i) =>
    islandName(i, maxIslands >= 100 ? 3 : 2),
  );
  return { allIslands, allTenants: planTenants(allIslands, PER_ISLAND) };
}

async function startCentral() {
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
  return {
    central,
    caDir: join(plane.stateDir, 'pki'),
    centralKubeconfig: plane.state.users[FLEET_USER.name].kubeconfigs.central,
  };
}

/** The app, served once for every size, and the browser that loads it. */
async function startAppAndBrowser() {
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
  return {
    app,
    browser,
    pointAppAt: (url: string) => {
      backendUrl = url;
    },
  };
}

type Central = Awaited<ReturnType<typeof startCentral>>;
type AppAndBrowser = Awaited<ReturnType<typeof startAppAndBrowser>>;

/** What the sizes share, and what each size leaves running for the next to replace. */
interface Bench extends Central, AppAndBrowser {
  workDir: string;
  token: string;
  allIslands: string[];
  allTenants: Tenant[];
  seededIslands: number;
  fakeIslands?: { stop: () => Promise<void> };
  backend?: Backend;
}

/** The fleet of one size: its first islands and their tenants. */
interface Size {
  islands: string[];
  tenants: Tenant[];
}

/** Seeds central with the islands and tenants of `size` that earlier sizes did not seed. */
async function seedMore(bench: Bench, { islands, tenants }: Size) {
  const seeded = bench.seededIslands;
  log(
    `== ${tenants.length} tenants on ${islands.length} islands: seeding ${
      islands.length - seeded
    } more islands`,
  );
  const t = Date.now();
  await seedCentral(
    bench.central,
    bench.allIslands.slice(seeded, islands.length),
    tenants.filter(tn => !islands.slice(0, seeded).includes(tn.island)),
    24,
    log,
  );
  bench.seededIslands = islands.length;
  log(`seeded in ${((Date.now() - t) / 1000).toFixed(0)} s (not measured)`);
}

/** One fake-islands process serving `size`, and each island's kubeconfig Secret on central. */
async function serveIslands(bench: Bench, { islands, tenants }: Size) {
  const { proc, out } = await startFakeIslands(
    bench.workDir,
    bench.caDir,
    tenants,
    islands,
  );
  bench.fakeIslands = {
    stop: async () => {
      if (proc.exitCode !== null) return;
      const done = new Promise(r => proc.once('exit', r));
      proc.kill('SIGTERM');
      await Promise.race([done, sleep(5000)]);
    },
  };
  cleanups.push(() => bench.fakeIslands!.stop());
  const fakeCa = readFileSync(
    out.caFile ?? join(bench.caDir, 'ca.crt'),
  ).toString('base64');
  for (const island of islands)
    await apply(
      bench.central,
      islandSecret(
        island,
        kubeconfigYaml(
          out.clusters[island].server,
          fakeCa,
          'bench-fake-island-token',
        ),
      ),
    );
}

function backendConfig(appUrl: string) {
  return {
    backend: { cors: { origin: appUrl, credentials: true } },
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
  };
}

async function startBackend(bench: Bench, size: number): Promise<Backend> {
  const backend = await Backend.start({
    label: `browser-${size}`,
    workDir: bench.workDir,
    token: bench.token,
    centralKubeconfig: bench.centralKubeconfig,
    kubernetesClusters: [],
    nodeEnv: 'production',
    cwd: 'scratch',
    extraConfig: backendConfig(bench.app.url),
  });
  bench.backend = backend;
  cleanups.push(() => backend.stop());
  bench.pointAppAt(backend.baseUrl);
  await backend.waitReady();
  return backend;
}

/** Until the backend serves every tenant and every island connected, then until it is quiet. */
async function waitForSync(backend: Backend, { islands, tenants }: Size) {
  await waitFor(
    `the fleet model to hold ${tenants.length} tenants on ${islands.length} connected islands`,
    async () => {
      const f = await backend.json('/api/kamaji/v1/fleet?limit=1');
      const connected = f.islands.filter(
        (i: any) => i.connection?.status === 'connected',
      ).length;
      return f.page.total === tenants.length && connected === islands.length;
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
  return quiet;
}

function logRun(r: number, run: Run) {
  log(
    `run ${r + 1}: tree ${run.treeMs.toFixed(
      0,
    )} ms, interactive ${run.interactiveMs.toFixed(
      0,
    )} ms (key → response ${run.responseMs.toFixed(
      0,
    )} ms), heap ${run.heapUsedMb.toFixed(1)} MB (${run.heapAfterGcMb.toFixed(
      1,
    )} MB after GC), ${run.domNodes} DOM elements; the page read ${
      run.snapshotReads
    } fleet snapshot(s) (${(run.snapshotKb / 1024).toFixed(2)} MB on the wire)`,
  );
}

/** Signs in as guest in a new browser context and loads /kamaji RUNS times. */
async function loadPage(bench: Bench, tenants: number): Promise<Run[]> {
  const context = await bench.browser.newContext({
    viewport: { width: 1400, height: 900 },
  });
  const page = await context.newPage();
  const t = Date.now();
  await signIn(page, bench.app.url);
  log(`signed in as guest in ${Date.now() - t} ms`);
  const runs: Run[] = [];
  for (let r = 0; r < RUNS; r++) {
    const run = await measure(page, bench.app.url, tenants);
    runs.push(run);
    logRun(r, run);
  }
  await context.close();
  return runs;
}

async function measureSize(bench: Bench, size: number): Promise<SizeResult> {
  const islands = bench.allIslands.slice(0, Math.ceil(size / PER_ISLAND));
  const fleet = {
    islands,
    tenants: bench.allTenants.filter(t => islands.includes(t.island)),
  };
  await seedMore(bench, fleet);
  await bench.backend?.stop();
  await bench.fakeIslands?.stop();
  await serveIslands(bench, fleet);
  const backend = await startBackend(bench, size);
  const quiet = await waitForSync(backend, fleet);
  return {
    tenants: fleet.tenants.length,
    islands: islands.length,
    runs: await loadPage(bench, fleet.tenants.length),
    backendQuietWaitMs: quiet.waitedMs,
  };
}

function reportHeader(date: string, browserVersion: string, buildMs: number) {
  return [
    `# Browser benchmark ${date} — the fleet topology page (/kamaji)`,
    '',
    `- Command: \`yarn bench:browser${
      args.length ? ` ${args.join(' ')}` : ''
    }\``,
    `- Browser: ${CHROMIUM} ${browserVersion} headless (playwright-core), viewport 1400×900, no CPU throttling; ${RUNS} loads of /kamaji per size in one signed-in tab, each cold (HTTP cache disabled through CDP: the app bundle and the fleet snapshot are fetched again).`,
    `- App: the production build of packages/app${
      buildMs ? ` (built in ${(buildMs / 1000).toFixed(0)} s)` : ''
    }, served statically with gzip from loopback; backend: the real packages/backend, NODE_ENV=production; central a real kube-apiserver, islands \`kubeplane fake-islands\` (${PER_ISLAND} tenants each). Catalog entities for management clusters only.`,
    `- Interactive: from navigation start until the tree shows the whole fleet ("N tenants on M islands") and the first island, focused, answered ArrowRight with its tenant rows. Heap: CDP Performance.getMetrics JSHeapUsedSize at that moment, and Runtime.getHeapUsage after HeapProfiler.collectGarbage.`,
    `- Tree: ${treeState()}.`,
    `- Machine: ${cpus().length} cores shared with other work, Node ${
      process.version
    }.`,
    '',
  ];
}

function resultsTable(results: SizeResult[]) {
  return [
    '| tenants | islands | fleet read by the page | tree rendered (ms, median) | interactive (ms, median / max) | key → response (ms, median) | JS heap used (MB, max) | after GC (MB, max) | DOM elements |',
    '|---|---|---|---|---|---|---|---|---|',
    ...results.map(r => {
      const maxOf = (f: (x: Run) => number) => Math.max(...r.runs.map(f));
      return `| ${r.tenants} | ${r.islands} | ${
        r.runs[0].snapshotReads
      } snapshot, ${(r.runs[0].snapshotKb / 1024).toFixed(
        2,
      )} MB gzip | ${median(r.runs.map(x => x.treeMs)).toFixed(0)} | ${median(
        r.runs.map(x => x.interactiveMs),
      ).toFixed(0)} / ${maxOf(x => x.interactiveMs).toFixed(0)} | ${median(
        r.runs.map(x => x.responseMs),
      ).toFixed(0)} | ${maxOf(x => x.heapUsedMb).toFixed(1)} | ${maxOf(
        x => x.heapAfterGcMb,
      ).toFixed(1)} | ${maxOf(x => x.domNodes)} |`;
    }),
    '',
  ];
}

function targetsTable(results: SizeResult[]) {
  const atTarget = results.find(r => r.tenants === TARGET.atTenants);
  if (!atTarget)
    return [`No 10,000-tenant size in this run: the targets were not checked.`];
  const interactive = median(atTarget.runs.map(x => x.interactiveMs));
  const heap = Math.max(...atTarget.runs.map(x => x.heapUsedMb));
  const pf = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
  return [
    '| target at 10,000 tenants | measured | result |',
    '|---|---|---|',
    `| interactive ≤ ${TARGET.interactiveMs} ms | ${interactive.toFixed(
      0,
    )} ms (median) | ${pf(interactive <= TARGET.interactiveMs)} |`,
    `| JS heap ≤ ${TARGET.heapMb} MB | ${heap.toFixed(
      1,
    )} MB (used, max of the loads, before GC) | ${pf(heap <= TARGET.heapMb)} |`,
  ];
}

/** Writes the report to bench/results; returns the paths. */
function writeReport(
  results: SizeResult[],
  browserVersion: string,
  buildMs: number,
) {
  const date = new Date().toISOString().slice(0, 10);
  const lines = [
    ...reportHeader(date, browserVersion, buildMs),
    ...resultsTable(results),
    ...targetsTable(results),
  ];
  return writeResults(
    `${lines.join('\n')}\n`,
    'latest-browser.md',
    `${date}-browser.md`,
  );
}

async function main() {
  const started = Date.now();
  assertChromium();
  const buildMs = ensureAppBuilt(args.includes('--build'), log);
  const workDir = mkdtempSync(join(tmpdir(), 'kamaji-bench-browser-'));
  cleanups.push(async () => rmSync(workDir, { recursive: true, force: true }));
  const bench: Bench = {
    workDir,
    ...planFleet(),
    ...(await startCentral()),
    token: randomBytes(24).toString('base64url'),
    ...(await startAppAndBrowser()),
    seededIslands: 0,
  };
  const results: SizeResult[] = [];
  for (const size of SIZES) results.push(await measureSize(bench, size));
  const written = writeReport(results, bench.browser.version(), buildMs);
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
