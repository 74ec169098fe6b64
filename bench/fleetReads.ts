/*
 * Fleet reads benchmark (issue 11: the memory the fleet backend adds after reads), in seconds
 * instead of `yarn bench --large`'s 40 minutes. The kamaji router (the same createRouter) serves
 * an in-memory fleet of 10,000 tenants on 500 islands, held by the real FleetModel; 100
 * concurrent readers read the whole-fleet snapshot (gzip) 1,500 times, once at one model version
 * and once with a new version every 250 ms. It runs the router of a baseline git ref (default
 * `main`, extracted under bench/.baseline/) and of this work tree, each in a fresh child
 * process, and prints the RSS / used heap growth of that process and the p95 to last byte side
 * by side, and the router's CPU per sequential read (whole snapshot, and If-None-Match → 304).
 *
 *   yarn bench:reads [--baseline REF] [--reads 1500] [--readers 100] [--every 250] [--cpu-reads 2000]
 *                    [--port 7650]
 */
import { execFileSync, fork, ChildProcess } from 'node:child_process';
import { mkdirSync, existsSync } from 'node:fs';
import http from 'node:http';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import express from 'express';
import { REPO_ROOT } from '@internal/test-kube';
import { cpuMsPerRead, percentile, rssMb, sleep, writeResults } from './lib';

const TENANTS = 10_000;
const ISLANDS = 500;
const SNAPSHOT_PATH = '/api/kamaji/v1/fleet/snapshot';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

// ---------------------------------------------------------------------------------------------
// Child: the router over an in-memory FleetModel.

/** The kamaji-backend modules of `srcRoot` the router needs, and the fixture of this tree. */
function routerModules(srcRoot: string) {
  /* eslint-disable @typescript-eslint/no-var-requires */
  const { createRouter } = require(join(srcRoot, 'api/router'));
  const { FleetEventHub } = require(join(srcRoot, 'api/events'));
  const { FleetModel } = require(join(srcRoot, 'fleet/fleetModel'));
  const { fixtureFleet } = require(join(
    REPO_ROOT,
    'plugins/kamaji-backend/src/api/__testUtils__/fleetFixture',
  ));
  /* eslint-enable @typescript-eslint/no-var-requires */
  return { createRouter, FleetEventHub, FleetModel, fixtureFleet };
}

/** The fleet service the router reads: the model, and nothing behind it. */
function modelFleet(model: any) {
  return {
    getSnapshot: () => model.getSnapshot(),
    getSnapshotJson: () => model.getSnapshotJson(),
    getSnapshotJsonChunks: model.getSnapshotJsonChunks
      ? () => model.getSnapshotJsonChunks()
      : undefined,
    getCluster: (id: string) => model.getCluster(id),
    subscribe: () => () => {},
    ready: async () => {},
    getClusterAccess: async () => undefined,
    getManagementClusterAccess: () => undefined,
  };
}

const silentLogger = {
  error() {},
  warn() {},
  info() {},
  debug() {},
  child() {
    return silentLogger;
  },
};

/** The router over `model`; every reader is a user allowed to read the whole fleet. */
async function routerApp(
  modules: ReturnType<typeof routerModules>,
  model: any,
) {
  const fleet = modelFleet(model);
  const unused = {} as any;
  const router = await modules.createRouter({
    fleet,
    logger: silentLogger,
    httpAuth: {
      credentials: async () => ({
        $$type: '@backstage/BackstageCredentials',
        principal: { type: 'user', userEntityRef: 'user:default/bench' },
      }),
    },
    authorizer: { readScope: async () => ({ kind: 'all' }) },
    auditor: unused,
    auditStore: unused,
    actions: unused,
    hub: new modules.FleetEventHub(fleet, silentLogger),
  });
  const app = express();
  app.use('/api/kamaji', router);
  app.use((err: any, _req: any, res: any, _next: any) => {
    res.status(err?.statusCode ?? 500).json({ error: String(err?.message) });
  });
  return app;
}

/** Answers the parent: memory, new model versions every `everyMs` (0: none), stop. */
function answerParent(model: any, nodes: any, server: http.Server) {
  let ticker: NodeJS.Timeout | undefined;
  let flip = 0;
  process.on('message', (msg: any) => {
    if (msg.type === 'memory') {
      if (msg.gc) global.gc!();
      const m = process.memoryUsage();
      process.send!({ type: 'memory', rss: m.rss, heapUsed: m.heapUsed });
    } else if (msg.type === 'versions') {
      clearInterval(ticker);
      if (msg.everyMs) {
        ticker = setInterval(() => {
          // One tenant changes health: a new model version, as a flapping island makes.
          const i = flip++ % nodes.tenants.length;
          const t = nodes.tenants[i];
          const status = t.health.status === 'healthy' ? 'degraded' : 'healthy';
          nodes.tenants = nodes.tenants.slice();
          nodes.tenants[i] = { ...t, health: { status, reasons: [] } };
          model.update(nodes);
        }, msg.everyMs);
      }
      process.send!({ type: 'versions', version: model.currentVersion });
    } else if (msg.type === 'stop') {
      clearInterval(ticker);
      server.close();
      process.exit(0);
    }
  });
}

async function serve(srcRoot: string, port: number) {
  const modules = routerModules(srcRoot);
  const nodes = largeFleet(modules.fixtureFleet());
  const model = new modules.FleetModel();
  model.update(nodes);
  const app = await routerApp(modules, model);
  const server = app.listen(port, '127.0.0.1');
  answerParent(model, nodes, server);
  server.on('listening', () =>
    process.send!({ type: 'ready', version: model.currentVersion }),
  );
}

/** 500 islands and 10,000 tenants made from the fixture's nodes (~1.3 kB of JSON each). */
function largeFleet(base: any) {
  const pad = (n: number) => String(n).padStart(5, '0');
  const island0 = base.islands[0];
  const tenant0 = base.tenants.find((t: any) => t.islandId);
  const islands = Array.from({ length: ISLANDS }, (_, i) => ({
    ...island0,
    id: `central/fleet-islands/island-${pad(i)}`,
    name: `island-${pad(i)}`,
  }));
  const tenants = Array.from({ length: TENANTS }, (_, i) => ({
    ...tenant0,
    id: `central/fleet-tenants/tenant-${pad(i)}`,
    name: `tenant-${pad(i)}`,
    islandId: islands[i % ISLANDS].id,
  }));
  return {
    managementClusters: base.managementClusters,
    islands,
    tenants,
    addonSets: base.addonSets,
  };
}

// ---------------------------------------------------------------------------------------------
// Parent: runs each router in a child process and reads it.

interface RunResult {
  rssBefore: number;
  rssGrowth: number;
  rssPeakGrowth: number;
  heapBefore: number;
  heapGrowth: number;
  heapPeakGrowth: number;
  /** Used heap after a full GC, after the reads minus before them: what the reads left held. */
  heapRetainedGrowth: number;
  p50: number;
  p95: number;
  reads: number;
  errors: number;
  versionsDuringReads: number;
  versionsServed: number;
  mismatches: number;
  cpu?: CpuPerRead;
}

/** The router process's CPU per sequential read, ms. */
interface CpuPerRead {
  /** The whole snapshot, gzip. */
  full: number;
  /** The same with If-None-Match of its ETag: 304, what the route costs without the body. */
  notModified: number;
}

function request<T>(child: ChildProcess, type: string, extra = {}): Promise<T> {
  return new Promise(resolve => {
    const onMessage = (msg: any) => {
      if (msg.type !== type) return;
      child.off('message', onMessage);
      resolve(msg);
    };
    child.on('message', onMessage);
    child.send({ type, ...extra });
  });
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1000 });

/** One gzip read to its last byte: time, ETag and (when asked) the body's version. */
function read(
  port: number,
  check: boolean,
): Promise<{ ms: number; etag: string; bodyVersion?: number }> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.get(
      {
        host: '127.0.0.1',
        port,
        path: SNAPSHOT_PATH,
        agent,
        headers: { 'accept-encoding': 'gzip' },
      },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', c => {
          if (check) chunks.push(c);
        });
        res.on('end', () => {
          const ms = performance.now() - start;
          if (res.statusCode !== 200) {
            reject(new Error(`HTTP ${res.statusCode}`));
            return;
          }
          const etag = String(res.headers.etag);
          const bodyVersion = check
            ? JSON.parse(gunzipSync(Buffer.concat(chunks)).toString()).version
            : undefined;
          resolve({ ms, etag, bodyVersion });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
  });
}

/** One read with `If-None-Match`; resolves once the 304 is read. */
function notModifiedRead(port: number, etag: string): Promise<void> {
  return new Promise((resolve, reject) => {
    http
      .get(
        {
          host: '127.0.0.1',
          port,
          path: SNAPSHOT_PATH,
          agent,
          headers: { 'accept-encoding': 'gzip', 'if-none-match': etag },
        },
        res => {
          res.resume();
          res.on('end', () =>
            res.statusCode === 304
              ? resolve()
              : reject(new Error(`HTTP ${res.statusCode}`)),
          );
        },
      )
      .on('error', reject);
  });
}

/** Server CPU per read, from the process's own CPU time over `count` sequential reads. */
async function cpuPerRead(
  pid: number,
  port: number,
  count: number,
): Promise<CpuPerRead> {
  const { etag } = await read(port, false);
  const perRead = async (once: () => Promise<unknown>) => {
    for (let i = 0; i < 100; i++) await once();
    const timed = await cpuMsPerRead(pid, count, async () => {
      for (let i = 0; i < count; i++) await once();
    });
    return timed.cpuMsPerRead;
  };
  return {
    full: await perRead(() => read(port, false)),
    notModified: await perRead(() => notModifiedRead(port, etag)),
  };
}

interface RunOptions {
  reads: number;
  readers: number;
  everyMs: number;
  /** Also measure the CPU per sequential read, over this many reads of each kind. */
  cpuReads?: number;
}

type Memory = { rss: number; heapUsed: number };

/** The router process's memory as it reports it, after a full GC when `gc`. */
const memoryOf = (child: ChildProcess, gc = false) =>
  request<Memory>(child, 'memory', { gc });

/** Samples the process's peak RSS and used heap every 200 ms until `stop`. */
function samplePeaks(child: ChildProcess, rssBefore: number, before: Memory) {
  const peak = { rss: rssBefore, heap: before.heapUsed };
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peak.rss = Math.max(peak.rss, rssMb(child.pid!));
      peak.heap = Math.max(peak.heap, (await memoryOf(child)).heapUsed);
      await sleep(200);
    }
  })();
  return {
    peak,
    stop: async () => {
      sampling = false;
      await sampler;
    },
  };
}

/** `reads` reads of the snapshot by `readers` concurrent readers. */
async function readConcurrently(port: number, options: RunOptions) {
  const times: number[] = [];
  const served = new Set<string>();
  let errors = 0;
  let mismatches = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: options.readers }, async () => {
      while (next < options.reads) {
        const n = next++;
        try {
          // Every 25th body is decompressed: its version must be the ETag's.
          const r = await read(port, n % 25 === 0);
          times.push(r.ms);
          served.add(r.etag);
          const etagVersion = Number(/-(\d+)(-|")/.exec(r.etag)?.[1]);
          if (r.bodyVersion !== undefined && r.bodyVersion !== etagVersion) {
            mismatches++;
          }
        } catch {
          errors++;
        }
      }
    }),
  );
  return { times, served, errors, mismatches };
}

const versions = (child: ChildProcess, everyMs: number) =>
  request<{ version: number }>(child, 'versions', { everyMs }).then(
    v => v.version,
  );

/** The reads in a router process already serving, and its memory before and after them. */
async function measureReads(
  child: ChildProcess,
  port: number,
  options: RunOptions,
): Promise<RunResult> {
  await read(port, true); // the snapshot cached at one version
  await sleep(500);
  const retainedBefore = (await memoryOf(child, true)).heapUsed;
  const before = await memoryOf(child);
  const rssBefore = rssMb(child.pid!);
  const fromVersion = await versions(child, options.everyMs);
  const sampler = samplePeaks(child, rssBefore, before);
  const { times, served, errors, mismatches } = await readConcurrently(
    port,
    options,
  );
  const toVersion = await versions(child, 0);
  await sampler.stop();
  await sleep(500);
  const after = await memoryOf(child);
  const rssAfter = rssMb(child.pid!);
  const peakRss = Math.max(sampler.peak.rss, rssAfter);
  const peakHeap = Math.max(sampler.peak.heap, after.heapUsed);
  const retainedAfter = (await memoryOf(child, true)).heapUsed;
  times.sort((a, b) => a - b);
  const mb = (bytes: number) => bytes / 1024 / 1024;
  const cpu = options.cpuReads
    ? await cpuPerRead(child.pid!, port, options.cpuReads)
    : undefined;
  return {
    rssBefore,
    rssGrowth: rssAfter - rssBefore,
    rssPeakGrowth: peakRss - rssBefore,
    heapBefore: mb(before.heapUsed),
    heapGrowth: mb(after.heapUsed - before.heapUsed),
    heapPeakGrowth: mb(peakHeap - before.heapUsed),
    heapRetainedGrowth: mb(retainedAfter - retainedBefore),
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    reads: times.length,
    errors,
    versionsDuringReads: toVersion - fromVersion,
    versionsServed: served.size,
    mismatches,
    cpu,
  };
}

/** The router of `srcRoot` in a fresh child process, read; the process stopped after. */
async function run(
  srcRoot: string,
  port: number,
  options: RunOptions,
): Promise<RunResult> {
  const child = fork(__filename, ['--serve', srcRoot, '--port', String(port)], {
    execArgv: [...process.execArgv, '--expose-gc'],
    stdio: 'inherit',
  });
  try {
    await request(child, 'ready');
    return await measureReads(child, port, options);
  } finally {
    child.send({ type: 'stop' });
    await new Promise(r => child.once('exit', r));
  }
}

/** The kamaji-backend sources of `ref`, extracted once under bench/.baseline/<commit>. */
function baselineSources(ref: string): { commit: string; srcRoot: string } {
  const commit = execFileSync('git', ['rev-parse', '--short', ref], {
    cwd: REPO_ROOT,
  })
    .toString()
    .trim();
  const dir = join(REPO_ROOT, 'bench', '.baseline', commit);
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true });
    const tar = execFileSync(
      'git',
      ['archive', commit, 'plugins/kamaji-backend/src'],
      { cwd: REPO_ROOT, maxBuffer: 1 << 30 },
    );
    execFileSync('tar', ['-x', '-C', dir], { input: tar });
  }
  return { commit, srcRoot: join(dir, 'plugins/kamaji-backend/src') };
}

/** This work tree's commit, and whether its plugins differ from it. */
function treeState(): string {
  const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
    cwd: REPO_ROOT,
  })
    .toString()
    .trim();
  const dirty = execFileSync('git', ['status', '--porcelain', 'plugins'], {
    cwd: REPO_ROOT,
  }).length
    ? ' + uncommitted changes'
    : '';
  return `${head}${dirty}`;
}

const loadAverage = () =>
  loadavg()
    .map(l => l.toFixed(1))
    .join(' ');

type Options = ReturnType<typeof commandLine>;

function commandLine() {
  return {
    baselineRef: arg('baseline', 'main'),
    reads: Number(arg('reads', '1500')),
    readers: Number(arg('readers', '100')),
    everyMs: Number(arg('every', '250')),
    cpuReads: Number(arg('cpu-reads', '2000')),
    port: Number(arg('port', '7650')),
  };
}

interface Scenario {
  name: string;
  everyMs: number;
}

interface Target {
  name: string;
  src: string;
}

/** Every router in every scenario, one fresh process each: results[scenario][target]. */
async function runAll(
  scenarios: Scenario[],
  targets: Target[],
  o: Options,
): Promise<RunResult[][]> {
  const results: RunResult[][] = [];
  for (const scenario of scenarios) {
    const row: RunResult[] = [];
    for (const target of targets) {
      // eslint-disable-next-line no-console
      console.log(`${scenario.name}: ${target.name} …`);
      row.push(
        await run(target.src, o.port, {
          reads: o.reads,
          readers: o.readers,
          everyMs: scenario.everyMs,
          cpuReads: scenario.everyMs ? undefined : o.cpuReads,
        }),
      );
    }
    results.push(row);
  }
  return results;
}

const f = (n: number) => n.toFixed(0);

function memoryTable(
  results: RunResult[][],
  scenarios: Scenario[],
  targets: Target[],
) {
  const lines = [
    `| scenario | router | RSS growth (peak) MB | heap growth (peak) MB | heap after GC MB | p50 / p95 to last byte ms | versions during reads / served | errors | body≠ETag |`,
    '|---|---|---|---|---|---|---|---|---|',
  ];
  results.forEach((row, s) =>
    row.forEach((r, t) =>
      lines.push(
        `| ${scenarios[s].name} | ${targets[t].name} | ${f(r.rssGrowth)} (${f(
          r.rssPeakGrowth,
        )}) | ${f(r.heapGrowth)} (${f(r.heapPeakGrowth)}) | ${f(
          r.heapRetainedGrowth,
        )} | ${f(r.p50)} / ${f(r.p95)} | ${r.versionsDuringReads} / ${
          r.versionsServed
        } | ${r.errors} | ${r.mismatches} |`,
      ),
    ),
  );
  lines.push(
    '',
    `Process RSS before → after the reads: ${results
      .flat()
      .map(r => `${f(r.rssBefore)} → ${f(r.rssBefore + r.rssGrowth)}`)
      .join(', ')} MB (in the order above).`,
  );
  return lines;
}

function cpuTable(results: RunResult[][], targets: Target[], o: Options) {
  return [
    '',
    `Server CPU per read (one version; ${o.cpuReads} sequential reads each, from the process's CPU time):`,
    '',
    '| router | whole snapshot, gzip (ms) | If-None-Match → 304 (ms) |',
    '|---|---|---|',
    ...targets.map(
      (target, t) =>
        `| ${target.name} | ${results[0][t].cpu!.full.toFixed(
          2,
        )} | ${results[0][t].cpu!.notModified.toFixed(2)} |`,
    ),
  ];
}

async function main() {
  const o = commandLine();
  const baseline = baselineSources(o.baselineRef);
  const tree = treeState();
  const loadBefore = loadAverage();
  const scenarios = [
    { name: 'one version', everyMs: 0 },
    { name: `a version every ${o.everyMs} ms`, everyMs: o.everyMs },
  ];
  const targets = [
    {
      name: `baseline (${o.baselineRef} ${baseline.commit})`,
      src: baseline.srcRoot,
    },
    {
      name: `this tree (${tree})`,
      src: join(REPO_ROOT, 'plugins/kamaji-backend/src'),
    },
  ];
  const results = await runAll(scenarios, targets, o);
  const lines = [
    `# Fleet reads: memory and p95 (${TENANTS.toLocaleString(
      'en',
    )} tenants, ${ISLANDS} islands, ${o.readers} concurrent readers, ${
      o.reads
    } gzip reads of the whole-fleet snapshot)`,
    '',
    `${new Date().toISOString()}, \`yarn bench:reads --baseline ${
      o.baselineRef
    }\`; load average before ${loadBefore}, after ${loadAverage()} (2 shared cores).`,
    'Each cell: one fresh process running the kamaji router (createRouter) over an in-memory FleetModel; RSS and used heap',
    'of that process after the reads minus before them (the snapshot already cached at one version), peak growth in brackets;',
    '"heap after GC": the same for the used heap after a full GC (what the reads left held, garbage excluded).',
    '',
    ...memoryTable(results, scenarios, targets),
    ...cpuTable(results, targets, o),
  ];
  const date = new Date().toISOString().slice(0, 10);
  const files = writeResults(
    `${lines.join('\n')}\n`,
    'latest-fleet-reads.md',
    `${date}-fleet-reads.md`,
  );
  // eslint-disable-next-line no-console
  console.log(`written: ${files.join(', ')}`);
}

if (process.argv.includes('--serve')) {
  serve(arg('serve', ''), Number(arg('port', '7650'))).catch(e => {
    // eslint-disable-next-line no-console
    console.error(e);
    process.exit(1);
  });
} else {
  main().catch(e => {
    // eslint-disable-next-line no-console
    console.error(e);
    process.exit(1);
  });
}
