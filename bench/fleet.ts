/*
 * Fleet benchmark (issue 3): `yarn bench` (20 real islands × 20 tenants) or `yarn bench --large`
 * (central real with 10,000 tenants; 500 fake islands × 20 TenantControlPlanes served by
 * `kubeplane fake-islands`). Seeds the fleet, starts the real packages/backend twice (without and
 * with the management cluster), and compares, in the same run, the kamaji fleet API with the
 * per-request fan-out of @backstage/plugin-kubernetes-backend over the same islands. With
 * `--replicas N` (and `--postgres`) the same fleet is then served by N replicas, and each one's
 * memory measured (replicaMemory.ts).
 */
import { randomBytes } from 'node:crypto';
import { Agent as HttpAgent } from 'node:http';
import {
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FleetObjectApi,
  LocalControlPlane,
  rbacDocuments,
} from '@internal/test-kube';
import { Backend, FleetCounts, KubernetesCluster } from './backend';
import { measureReplicaMemory, ReplicaMemory } from './replicaMemory';
import { kubeconfigYaml, startFakeIslands } from './fakeIslands';
import { lastByteProbe } from './lastByte';
import {
  connectionFloor,
  gzippedBody,
  nodeClientReads,
  withStaticServer,
} from './floors';
import { goReaders } from './goReaders';
import {
  Stats,
  concurrent,
  cpuSeconds,
  fmt,
  pool,
  rssMb,
  sequential,
  sleep,
  waitFor,
  testPostgresUrl,
  waitForQuiet,
  cleanupOnExit,
  writeResults,
} from './lib';
import {
  TCP_NS,
  Tenant,
  apply,
  applyStatus,
  islandName,
  islandSecret,
  namespace,
  planTenants,
  seedCentral,
  tenantTcp,
  islandDataStore,
} from './seed';
import {
  MemoryBreakdown,
  describeBreakdown,
  memoryBreakdown,
  memoryReportArgs,
} from './memoryReport';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const textOpt = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const opt = (name: string, def: number) => {
  const text = textOpt(name);
  return text === undefined ? def : Number(text);
};
const LARGE = flag('large');
const ISLANDS = opt('islands', LARGE ? 500 : 20);
const PER_ISLAND = opt('tenants-per-island', 20);
const FAKE = LARGE || flag('fake-islands');
const N = opt('n', 100);
const WARMUP = 10;
const CLIENTS = 10;
const PER_CLIENT = 20;
// One fan-out request over 500 islands takes seconds: fewer of them in --large.
const FANOUT_N = opt('fanout-n', FAKE && ISLANDS > 100 ? 20 : N);
const FANOUT_WARMUP = FAKE && ISLANDS > 100 ? 3 : WARMUP;
const FANOUT_PER_CLIENT = FAKE && ISLANDS > 100 ? 3 : PER_CLIENT;
const CONCURRENCY = 24;
const NODE_ENV = process.env.BENCH_NODE_ENV ?? 'production';
const BACKEND_CWD: 'scratch' | 'repo' = flag('repo-cwd') ? 'repo' : 'scratch';
const TOTAL = ISLANDS * PER_ISLAND;
// By default only management clusters become catalog entities: with the development config's
// in-memory SQLite catalog, 10,000 cluster entities and their processing live in the backend
// process and would be counted as the fleet's memory and CPU. `--with-catalog` ingests them all.
const WITH_CATALOG = flag('with-catalog');
const CATALOG_CONFIG = WITH_CATALOG
  ? {}
  : { kamaji: { catalog: { selector: 'kamaji-backstage.io/bench-none' } } };
// `--postgres`: both backends on the PostgreSQL that scripts/postgres.sh started (as in
// production), instead of the development config's in-memory SQLite, which lives in the backend
// process and so counts as the fleet's memory (its last-known state).
const POSTGRES = flag('postgres') ? postgresConnection() : undefined;
const DATABASE_CONFIG = POSTGRES
  ? {
      backend: {
        database: {
          client: 'pg',
          connection: POSTGRES,
          prefix: `bench_${Date.now()}_`,
        },
      },
    }
  : {};
const BACKEND_EXTRA_CONFIG = { ...CATALOG_CONFIG, ...DATABASE_CONFIG };
// Diagnostics, not figures: `--heap-snapshots DIR` writes V8 heap snapshots of the fleet backend
// after sync and after the reads into DIR and stops before the fan-out (writing a snapshot grows
// the RSS, so such a run's memory figures are not comparable).
const HEAP_DIR = textOpt('heap-snapshots');
/** How long after the backend went quiet its settled memory is taken (see settledMemory). */
const SETTLE_MS = 30_000;
// `--cpu-profile DIR`: the fleet backend runs under V8's CPU profiler (`--cpu-prof`) and writes its
// profile into DIR when it stops (diagnostics: the profiler slows the backend, so the run's
// latencies are not comparable).
const CPU_PROFILE_DIR = textOpt('cpu-profile');
// `--dump-snapshot FILE` writes the whole-fleet snapshot the backend served after the reads.
const DUMP_SNAPSHOT = textOpt('dump-snapshot');
const SIZE = `${ISLANDS}x${PER_ISLAND}${FAKE ? '-fake' : ''}`;
// `--replicas N` (with --postgres): after the single backend, the same fleet served by N
// backends in replica mode, and each one's memory (bench/replicaMemory.ts).
const REPLICAS = opt('replicas', 0);
const SNAPSHOT = '/api/kamaji/v1/fleet/snapshot';
const wholeFleet = (f: FleetCounts) =>
  f.tenants === TOTAL && f.islands === ISLANDS && f.connected === ISLANDS;
const describeCounts = (f: FleetCounts) =>
  `${f.tenants} tenants, ${f.islands} islands (${f.connected} connected)`;
const FLEET_USER = { name: 'kamaji-backstage', groups: ['kamaji-backstage'] };

const log = (s: string) =>
  // eslint-disable-next-line no-console
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${s}`);

// ---- cleanup, even on failure or a signal ----
const cleanups = cleanupOnExit(log);

const FANOUT_BODY = JSON.stringify({
  entityRef: 'component:default/fleet',
  customResources: [
    {
      group: 'kamaji.clastix.io',
      apiVersion: 'v1alpha1',
      plural: 'tenantcontrolplanes',
    },
  ],
});

interface Row {
  question: string;
  seq: Stats;
  conc?: Stats;
}

async function main() {
  if (REPLICAS && !POSTGRES)
    throw new Error(
      '--replicas needs --postgres: replicas share one PostgreSQL (start it with scripts/postgres.sh)',
    );
  const started = Date.now();
  const workDir = mkdtempSync(join(tmpdir(), 'kamaji-bench-'));
  cleanups.push(async () => rmSync(workDir, { recursive: true, force: true }));
  const islands = Array.from({ length: ISLANDS }, (_, i) =>
    islandName(i, ISLANDS >= 100 ? 3 : 2),
  );
  const realIslands = FAKE ? [] : islands;
  log(
    `size: ${ISLANDS} islands × ${PER_ISLAND} tenants = ${TOTAL} tenants; islands are ${
      FAKE ? 'FAKE (kubeplane fake-islands)' : 'REAL kube-apiservers'
    }; central is a real kube-apiserver; NODE_ENV=${NODE_ENV}`,
  );

  // ---- control plane ----
  let t = Date.now();
  const clusters: Record<string, string[]> = {
    central: ['capi', 'kamaji', 'addons'],
  };
  for (const i of realIslands) clusters[i] = ['kamaji'];
  const plane = await LocalControlPlane.start({
    clusters,
    users: [FLEET_USER],
    startTimeoutMs: 600_000,
    quiet: true,
  });
  cleanups.push(() => plane.stop());
  const planeMs = Date.now() - t;
  log(
    `control plane (central + ${realIslands.length} real islands) ready in ${(
      planeMs / 1000
    ).toFixed(1)} s`,
  );
  const state = plane.state;
  const caData = readFileSync(state.caFile).toString('base64');
  const fleetToken = state.users[FLEET_USER.name].token!;
  const admin = (c: string) => FleetObjectApi.forConfig(plane.kubeConfig(c));

  // ---- seeding (not measured) ----
  t = Date.now();
  const central = admin('central');
  for (const o of rbacDocuments('management')) await apply(central, o as any);
  const tenants = planTenants(islands, PER_ISLAND);
  await seedCentral(central, islands, tenants, CONCURRENCY, log);
  log(
    `seeded central: ${islands.length} islands, ${
      tenants.length
    } Clusters + KamajiControlPlanes in ${((Date.now() - t) / 1000).toFixed(
      1,
    )} s`,
  );

  const k8sClusters: KubernetesCluster[] = [];
  const secrets: Array<{ island: string; yaml: string }> = [];
  if (FAKE) {
    const caDir = join(plane.stateDir, 'pki');
    const { proc, out } = await startFakeIslands(
      workDir,
      caDir,
      tenants,
      islands,
    );
    cleanups.push(async () => {
      if (proc.exitCode === null) {
        const done = new Promise(r => proc.once('exit', r));
        proc.kill('SIGTERM');
        await Promise.race([done, sleep(5000)]);
      }
    });
    const fakeCa = readFileSync(out.caFile ?? join(caDir, 'ca.crt')).toString(
      'base64',
    );
    for (const island of islands) {
      const server = out.clusters[island].server;
      secrets.push({
        island,
        yaml: kubeconfigYaml(server, fakeCa, 'bench-fake-island-token'),
      });
      k8sClusters.push({
        name: island,
        url: server,
        serviceAccountToken: 'bench-fake-island-token',
        caData: fakeCa,
      });
    }
  } else {
    const byIsland = new Map<string, Tenant[]>(islands.map(i => [i, []]));
    for (const tn of tenants) byIsland.get(tn.island)!.push(tn);
    await pool(islands, 4, async island => {
      const api = admin(island);
      for (const o of rbacDocuments('island')) await apply(api, o as any);
      await apply(api, namespace(TCP_NS));
      const tcps = byIsland.get(island)!.map(tn => tenantTcp(tn, true));
      await pool([...tcps, islandDataStore(tcps)], 6, async object => {
        const { status, ...spec } = object;
        await apply(api, spec as any);
        if (status)
          await applyStatus(api, {
            apiVersion: object.apiVersion,
            kind: object.kind,
            metadata: {
              name: object.metadata.name,
              namespace: object.metadata.namespace,
            },
            status,
          });
      });
      secrets.push({
        island,
        yaml: plane.kubeConfigYaml(island, FLEET_USER.name, 'token'),
      });
      k8sClusters.push({
        name: island,
        url: plane.server(island),
        serviceAccountToken: fleetToken,
        caData,
      });
    });
  }
  await pool(secrets, CONCURRENCY, async s => {
    await apply(central, islandSecret(s.island, s.yaml));
  });
  const seedMs = Date.now() - t;
  log(
    `seeding done in ${(seedMs / 1000).toFixed(1)} s (not part of the figures)`,
  );

  const token = randomBytes(24).toString('base64url');
  // Diagnostic reports (where the RSS goes) beside every RSS figure; a heap-snapshot run uses
  // the same signal for its snapshots instead.
  const reportDir = mkdtempSync(join(tmpdir(), 'kamaji-bench-reports-'));
  cleanups.push(async () =>
    rmSync(reportDir, { recursive: true, force: true }),
  );
  const reportArgs = HEAP_DIR ? undefined : memoryReportArgs(reportDir);
  const breakdown = async (pid: number, label: string) => {
    if (HEAP_DIR) return undefined;
    const b = await memoryBreakdown(pid, reportDir);
    log(`${label}: ${describeBreakdown(b)}`);
    return b;
  };
  /**
   * RSS and breakdown once the backend has settled: quiet, then SETTLE_MS more. V8 keeps the
   * garbage of a burst of work (a sync, a run of reads) until its memory reducer collects it,
   * some seconds after the last full GC once the process allocates little, and then returns the
   * pages; the baseline is measured the same way, so the two compare.
   */
  const settledMemory = async (pid: number, label: string) => {
    await waitForQuiet(pid);
    await sleep(SETTLE_MS);
    const rss = rssMb(pid);
    await breakdown(pid, `${label}, settled`);
    return rss;
  };
  const centralKubeconfig = state.users[FLEET_USER.name].kubeconfigs.central;

  // ---- baseline backend: same config, no management cluster ----
  log('starting the backend WITHOUT a management cluster (RSS baseline)');
  let backend = await Backend.start({
    label: 'baseline',
    extraConfig: BACKEND_EXTRA_CONFIG,
    workDir,
    token,
    kubernetesClusters: k8sClusters,
    nodeEnv: NODE_ENV,
    cwd: BACKEND_CWD,
    nodeArgs: reportArgs,
  });
  cleanups.push(() => backend.stop());
  const baseReadyMs = await backend.waitReady();
  await sleep(5000);
  const emptyRead = async () =>
    (await backend.json('/api/kamaji/v1/fleet?limit=1000')).tenants.length;
  await sequential(emptyRead, 20, 0);
  const rssBaseline = rssMb(backend.pid);
  const memBaseline = await breakdown(backend.pid, 'baseline');
  const rssBaselineSettled = await settledMemory(backend.pid, 'baseline');
  log(
    `baseline backend ready in ${(baseReadyMs / 1000).toFixed(
      1,
    )} s; RSS ${rssBaseline.toFixed(0)} MB`,
  );
  await backend.stop();

  // ---- the backend with the fleet ----
  const startWithFleet = (
    label: string,
    extraConfig: Record<string, unknown>,
    nodeArgs?: string[],
  ) =>
    Backend.start({
      label,
      extraConfig,
      workDir,
      token,
      centralKubeconfig,
      kubernetesClusters: k8sClusters,
      nodeEnv: NODE_ENV,
      cwd: BACKEND_CWD,
      nodeArgs,
    });
  log('starting the backend WITH central (the fleet)');
  backend = await startWithFleet(
    'fleet',
    BACKEND_EXTRA_CONFIG,
    HEAP_DIR
      ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${HEAP_DIR}`]
      : [
          ...(reportArgs ?? []),
          ...(CPU_PROFILE_DIR
            ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROFILE_DIR}`]
            : []),
        ],
  );
  cleanups.push(() => backend.stop());
  const readyMs = await backend.waitReady();
  const readyAt = Date.now();
  let lastSeen = '';
  await waitFor(
    `the fleet model to hold ${TOTAL} tenants and ${ISLANDS} connected islands`,
    async () => {
      const f = await backend.fleetCounts();
      lastSeen = describeCounts(f);
      return wholeFleet(f);
    },
    LARGE ? 900_000 : 300_000,
    100,
  ).catch(e => {
    throw new Error(`${e.message}; last seen: ${lastSeen}`);
  });
  const syncMs = Date.now() - backend.startedAt;
  const syncAfterReadyMs = Date.now() - readyAt;
  log(
    `fleet synced: ${lastSeen}; ${(syncMs / 1000).toFixed(1)} s from start, ${(
      syncAfterReadyMs / 1000
    ).toFixed(1)} s after readiness`,
  );
  await sleep(2000);
  const rssSynced = rssMb(backend.pid);
  const memSynced = await breakdown(backend.pid, 'after sync');
  if (HEAP_DIR) await heapSnapshot(backend, HEAP_DIR, 'after-sync');
  // Measure a settled backend: right after the sync it is still writing the fleet into the
  // catalog (catalog-backend-module-kamaji), which would show up as read latency.
  const quiet = await waitForQuiet(backend.pid);
  log(
    `backend ${quiet.settled ? 'settled' : 'NOT settled'} after ${(
      quiet.waitedMs / 1000
    ).toFixed(1)} s (${(quiet.lastShare * 100).toFixed(0)} % of a core)`,
  );
  const rssSyncedSettled = await settledMemory(backend.pid, 'after sync');

  // ---- our reads ----
  const modelVersion = async () =>
    (await backend.json('/api/kamaji/v1/fleet?limit=1')).version as number;
  const versionBeforeReads = await modelVersion();
  const snapshot = async () => {
    const f = await backend.json('/api/kamaji/v1/fleet?limit=1000');
    return f.tenants.length;
  };
  let etag = '';
  const conditional = async () => {
    const r = await backend.fetch('/api/kamaji/v1/fleet?limit=1000', {
      headers: { 'if-none-match': etag },
    });
    await r.arrayBuffer();
    if (r.status !== 304) {
      // A new model version (an island's state moved): ask with its ETag from now on.
      etag = r.headers.get('etag') ?? '';
      throw new Error(`expected 304, got ${r.status} (new version)`);
    }
    return 0;
  };
  const filtered = async () => {
    const f = await backend.json(
      '/api/kamaji/v1/fleet?owner=team-retail&health=healthy&limit=1000',
    );
    return f.tenants.length;
  };
  const rows: Row[] = [];
  log('measuring: snapshot read');
  const snapSeq = await sequential(snapshot, N, WARMUP);
  etag =
    (await backend.fetch('/api/kamaji/v1/fleet?limit=1000')).headers.get(
      'etag',
    ) ?? '';
  const snapConc = await concurrent(snapshot, CLIENTS, PER_CLIENT);
  rows.push({
    question: `kamaji GET /api/kamaji/v1/fleet?limit=1000 (snapshot${
      TOTAL > 1000 ? ', first 1000 tenants' : ''
    })`,
    seq: snapSeq,
    conc: snapConc,
  });
  // The same read timed to the last byte on the wire, as an HTTP load tool times it: what the API
  // costs, without this Node client's gunzip and JSON.parse of 2 MiB (and its GC pauses).
  const toLastByte = (path: string, agent: HttpAgent) =>
    lastByteProbe(`${backend.baseUrl}${path}`, backend.token, agent);
  const agent = new HttpAgent({ keepAlive: true, maxSockets: 1 });
  const wire = toLastByte('/api/kamaji/v1/fleet?limit=1000', agent);
  const wireSeq = await sequential(wire, N, WARMUP);
  agent.destroy();
  rows.push({
    question: 'kamaji same, time to last byte (gzip on the wire, not decoded)',
    seq: wireSeq,
  });
  // The same read without compression: shows how much of a read is the per-request gzip of the
  // rootHttpRouter's compression middleware (fetch sends Accept-Encoding: gzip, deflate, br).
  let bytes = 0;
  const identity = async () => {
    const r = await backend.fetch('/api/kamaji/v1/fleet?limit=1000', {
      headers: { 'accept-encoding': 'identity' },
    });
    const b = await r.arrayBuffer();
    bytes = b.byteLength;
    return JSON.parse(Buffer.from(b).toString('utf8')).tenants.length;
  };
  rows.push({
    question: 'kamaji same, Accept-Encoding: identity (no gzip)',
    seq: await sequential(identity, N, WARMUP),
  });
  if (TOTAL > 1000) {
    const allPages = async () => {
      let n = 0;
      for (let off = 0; off < TOTAL; off += 1000) {
        const f = await backend.json(
          `/api/kamaji/v1/fleet?limit=1000&offset=${off}`,
        );
        n += f.tenants.length;
      }
      return n;
    };
    rows.push({
      question: `kamaji whole fleet: ${Math.ceil(
        TOTAL / 1000,
      )} pages of limit=1000, one after the other`,
      seq: await sequential(allPages, Math.min(N, 30), 3),
    });
  }
  if (etag) {
    const s = await sequential(conditional, N, WARMUP);
    rows.push({ question: 'kamaji same, If-None-Match → 304', seq: s });
  }
  log('measuring: filtered read');
  const filtSeq = await sequential(filtered, N, WARMUP);
  const filtConc = await concurrent(filtered, CLIENTS, PER_CLIENT);
  rows.push({
    question: 'kamaji GET …/fleet?owner=team-retail&health=healthy',
    seq: filtSeq,
    conc: filtConc,
  });

  // ---- issue 11 §4: the whole fleet at one version in one response ----
  log('measuring: whole-fleet snapshot (GET /v1/fleet/snapshot)');
  const snapAgent = new HttpAgent({ keepAlive: true, maxSockets: 1 });
  const snapWire = await sequential(toLastByte(SNAPSHOT, snapAgent), N, WARMUP);
  snapAgent.destroy();
  rows.push({
    question: `kamaji GET ${SNAPSHOT} (whole fleet, one version), time to last byte`,
    seq: snapWire,
  });
  const snapClient = await sequential(
    async () => (await backend.json(SNAPSHOT)).tenants.length,
    N,
    WARMUP,
  );
  const benchHeapMb = process.memoryUsage().heapUsed / 1024 / 1024;
  rows.push({
    question: `kamaji same, as a Node client sees it (fetch, gunzip, JSON.parse), in the bench process (its heap: ${benchHeapMb.toFixed(
      0,
    )} MB in use)`,
    seq: snapClient,
  });
  const FILTERED = `${SNAPSHOT}?owner=team-retail&health=healthy`;
  const filteredWire = await sequential(
    toLastByte(FILTERED, new HttpAgent({ keepAlive: true, maxSockets: 1 })),
    N,
    WARMUP,
  );
  rows.push({
    question: `kamaji GET …/fleet/snapshot?owner=team-retail&health=healthy (per-version index), time to last byte`,
    seq: filteredWire,
  });
  const FILTER_Q = `${SNAPSHOT}?q=shop&version=v1.34`;
  const filteredQWire = await sequential(
    toLastByte(FILTER_Q, new HttpAgent({ keepAlive: true, maxSockets: 1 })),
    N,
    WARMUP,
  );
  rows.push({
    question: `kamaji GET …/fleet/snapshot?q=shop&version=v1.34, time to last byte`,
    seq: filteredQWire,
  });
  const READERS = 100;
  const readersAgent = new HttpAgent({ keepAlive: true, maxSockets: READERS });
  const readersCpuBefore = cpuSeconds(backend.pid);
  const readers = await concurrent(
    toLastByte(SNAPSHOT, readersAgent),
    READERS,
    5,
  );
  // The backend's own CPU time, so that runs on loaded cores compare by it too.
  const backendCpuMsPerRead =
    ((cpuSeconds(backend.pid) - readersCpuBefore) * 1000) / (READERS * 5);
  readersAgent.destroy();
  rows.push({
    question: `kamaji ${READERS} concurrent readers × 5 of ${SNAPSHOT}, time to last byte, in the bench process`,
    seq: readers,
  });
  log('measuring: the same readers in a process of their own');
  const snapshotAccess = {
    url: `${backend.baseUrl}${SNAPSHOT}`,
    token: backend.token,
  };
  const ownReaders = await nodeClientReads({
    kind: 'readers',
    ...snapshotAccess,
    readers: READERS,
    perReader: 5,
  });
  rows.push({
    question: `kamaji the same ${READERS} concurrent readers × 5, time to last byte, in a process of their own (after one untimed round)`,
    seq: ownReaders,
  });
  log('measuring: the same readers in Go');
  const goCpuBefore = cpuSeconds(backend.pid);
  const goReadersStats = goReaders({
    ...snapshotAccess,
    readers: READERS,
    perReader: 5,
  });
  const goCpuMsPerRead =
    ((cpuSeconds(backend.pid) - goCpuBefore) * 1000) / (READERS * 6);
  rows.push({
    question: `kamaji the same ${READERS} concurrent readers × 5, time to last byte, read by Go clients (bench/readers, after one untimed round)`,
    seq: goReadersStats,
  });
  const rssAfterReads = rssMb(backend.pid);
  const memAfterReads = await breakdown(backend.pid, 'after reads');
  const versionsDuringReads = (await modelVersion()) - versionBeforeReads;
  log(`model versions during the reads: ${versionsDuringReads}`);
  // After the figures above, so that they are taken as long after the sync as in earlier runs.
  log('measuring: the same read by a Node client in its own process');
  const snapOwnClient = await nodeClientReads({
    kind: 'json',
    ...snapshotAccess,
    n: N,
    warmup: WARMUP,
  });
  rows.push({
    question: `kamaji GET ${SNAPSHOT} (whole fleet) by a Node client in a process of its own (fetch, gunzip, JSON.parse)`,
    seq: snapOwnClient,
  });
  const snapOwnClientExpanded = await nodeClientReads({
    kind: 'json',
    ...snapshotAccess,
    n: N,
    warmup: WARMUP,
    expand: true,
  });
  rows.push({
    question: `the same, and the tenants made whole (expandFleetSnapshot of the common package)`,
    seq: snapOwnClientExpanded,
  });
  log("measuring: the Node clients' floor (the same bytes from a bare server)");
  const [snapFloor, readersFloor, goReadersFloor] = await withStaticServer(
    await gzippedBody(`${backend.baseUrl}${SNAPSHOT}`, backend.token),
    async url => [
      await nodeClientReads({ url, kind: 'json', n: N, warmup: WARMUP }),
      await nodeClientReads({
        url,
        kind: 'readers',
        readers: READERS,
        perReader: 5,
      }),
      goReaders({ url, readers: READERS, perReader: 5 }),
    ],
  );
  rows.push({
    question:
      'the same gzipped bytes from a bare node:http server, read by that client process (its floor: no backend)',
    seq: snapFloor,
  });
  rows.push({
    question: `the same gzipped bytes from a bare node:http server, read by the same ${READERS} concurrent readers × 5 in a process of their own (their floor: no backend)`,
    seq: readersFloor,
  });
  rows.push({
    question: `the same gzipped bytes from a bare node:http server, read by the same ${READERS} Go readers × 5 (their floor: no backend)`,
    seq: goReadersFloor,
  });
  const rssAfterReadsSettled = await settledMemory(backend.pid, 'after reads');
  if (DUMP_SNAPSHOT)
    writeFileSync(DUMP_SNAPSHOT, await (await backend.fetch(SNAPSHOT)).text());
  if (HEAP_DIR) {
    log(
      `RSS after sync ${rssSynced.toFixed(
        0,
      )} MB, after reads ${rssAfterReads.toFixed(
        0,
      )} MB (baseline ${rssBaseline.toFixed(0)} MB)`,
    );
    await heapSnapshot(backend, HEAP_DIR, 'after-reads');
    const body = await (await backend.fetch(SNAPSHOT)).text();
    writeFileSync(join(HEAP_DIR, 'snapshot.json'), body);
    return;
  }

  log('measuring: the island connections alone, in a bare Node process');
  const connections = await connectionFloor(
    k8sClusters.map(c => ({
      name: c.name,
      url: c.url,
      caData: c.caData,
      token: c.serviceAccountToken,
    })),
  );
  log(
    `connections alone: ${connections.sessions} sessions, ${
      connections.watches
    } watches, +${connections.addedMb.toFixed(0)} MB RSS`,
  );

  // ---- the fan-out baseline ----
  log(
    `measuring: kubernetes-backend custom query fan-out over ${ISLANDS} islands`,
  );
  const fanout = async () => {
    const r = await backend.json('/api/kubernetes/resources/custom/query', {
      method: 'POST',
      body: FANOUT_BODY,
    });
    let n = 0;
    let errors = 0;
    for (const item of r.items ?? []) {
      errors += item.errors?.length ?? 0;
      for (const res of item.resources ?? []) n += res.resources?.length ?? 0;
    }
    if (errors) throw new Error(`fan-out returned ${errors} cluster errors`);
    return n;
  };
  await waitFor(
    'the catalog to hold component:default/fleet',
    async () =>
      (
        await backend.fetch(
          '/api/catalog/entities/by-name/component/default/fleet',
        )
      ).ok,
    120_000,
    250,
  );
  const fanSeq = await sequential(fanout, FANOUT_N, FANOUT_WARMUP);
  if (fanSeq.objects !== TOTAL)
    log(
      `WARNING: the fan-out returned ${fanSeq.objects} TCPs, expected ${TOTAL}`,
    );
  const fanConc = await concurrent(fanout, CLIENTS, FANOUT_PER_CLIENT);
  rows.push({
    question:
      'kubernetes-backend POST /api/kubernetes/resources/custom/query (fan-out)',
    seq: fanSeq,
    conc: fanConc,
  });
  let rssAfterFanout = NaN;
  try {
    rssAfterFanout = rssMb(backend.pid);
  } catch {
    log(
      `the backend is gone after the fan-out; log tail:\n${backend.logTail()}`,
    );
  }

  const replicaMemory = REPLICAS
    ? await measureReplicas(backend, k8sClusters, identity =>
        startWithFleet(identity, replicaConfig(identity)),
      )
    : [];

  // ---- report ----
  const ratio50 = fanSeq.p50 / snapSeq.p50;
  const ratio95 = fanSeq.p95 / snapSeq.p95;
  const ratioFilt50 = fanSeq.p50 / filtSeq.p50;
  const ratioConc50 = fanConc.p50 / snapConc.p50;
  const added = rssSynced - rssBaseline;
  const addedAfterReads = rssAfterReads - rssBaseline;
  const addedSettled = rssSyncedSettled - rssBaselineSettled;
  const addedAfterReadsSettled = rssAfterReadsSettled - rssBaselineSettled;
  const pf = (ok: boolean) => (ok ? 'PASS' : 'MISS');
  const date = new Date().toISOString().slice(0, 10);
  const lines: string[] = [];
  const p = (s = '') => lines.push(s);
  p(
    `# Fleet benchmark ${date} — ${ISLANDS} islands × ${PER_ISLAND} tenants = ${TOTAL} tenants`,
  );
  p();
  p(`- Command: \`yarn bench${args.length ? ` ${args.join(' ')}` : ''}\``);
  p(
    `- Central: a real kube-apiserver (kubeplane) holding ${ISLANDS} island Clusters + Secrets and ${TOTAL} tenant Clusters + KamajiControlPlanes (${Math.round(
      0.85 * 100,
    )} % with status: 70 % ready, 15 % degraded, 15 % without status).`,
  );
  p(
    FAKE
      ? `- Islands: ${ISLANDS} FAKE islands (\`kubeplane fake-islands\`: in-memory list/watch, one TLS loopback port each, same CA), ${PER_ISLAND} TenantControlPlanes each and a DataStore whose \`status.usedBy\` lists them, as Kamaji reports it.`
      : `- Islands: ${ISLANDS} REAL kube-apiservers (one etcd, TLS verified, static token auth, island RBAC from examples/deploy/rbac.yaml), ${PER_ISLAND} TenantControlPlanes each and a DataStore whose \`status.usedBy\` lists them, as Kamaji reports it.`,
  );
  p(
    `- Backend: the real packages/backend (\`node --require nodeTransform.cjs packages/backend/src/index.ts\`), NODE_ENV=${NODE_ENV}, working directory ${
      BACKEND_CWD === 'scratch'
        ? 'a scratch dir (no config-schema compilation of the workspace at start; `--repo-cwd` for the repo root)'
        : 'the repo root'
    }, called with a static external-access token (service principal) on loopback. Fleet user: least-privilege (rbac.yaml) token/cert users.`,
  );
  p(
    WITH_CATALOG
      ? '- Catalog: every fleet cluster becomes a catalog entity (`--with-catalog`), processed in the same process.'
      : '- Catalog: only management clusters become catalog entities (kamaji.catalog.selector matches no Cluster); `--with-catalog` ingests all 10,000, whose catalog processing then runs in the same process.',
  );
  p(
    POSTGRES
      ? '- Database: PostgreSQL (`--postgres`, as in production), a fresh table prefix per run; the last-known state lives in the database server.'
      : "- Database: the development config's in-memory SQLite (better-sqlite3 `:memory:`), in the backend process: the fleet's last-known state is counted in its RSS (`--postgres` runs on PostgreSQL as in production).",
  );
  p(
    `- Machine: ${require('node:os').cpus().length} cores, Node ${
      process.version
    }. Control plane start ${(planeMs / 1000).toFixed(1)} s, seeding ${(
      seedMs / 1000
    ).toFixed(1)} s (not measured).`,
  );
  p();
  p('| figure | value |');
  p('|---|---|');
  p(
    `| backend readiness (start → /.backstage/health/v1/readiness) | ${(
      readyMs / 1000
    ).toFixed(1)} s |`,
  );
  p(
    `| initial sync (backend start → ${TOTAL} tenants, ${ISLANDS} islands connected) | ${(
      syncMs / 1000
    ).toFixed(1)} s (${(syncAfterReadyMs / 1000).toFixed(
      1,
    )} s after readiness) |`,
  );
  p(
    `| backend settled before the reads (CPU < 15 % of a core over 3 s) | ${
      quiet.settled ? '' : 'NOT '
    }after ${(quiet.waitedMs / 1000).toFixed(1)} s |`,
  );
  p(
    `| RSS without management cluster (baseline) | ${rssBaseline.toFixed(
      0,
    )} MB |`,
  );
  p(
    `| RSS with the fleet, after sync | ${rssSynced.toFixed(
      0,
    )} MB (fleet adds ${added.toFixed(0)} MB) |`,
  );
  p(
    `| RSS after our reads | ${rssAfterReads.toFixed(
      0,
    )} MB (+${addedAfterReads.toFixed(0)} MB over baseline) |`,
  );
  p(
    `| settled (quiet, then ${
      SETTLE_MS / 1000
    } s): baseline / after sync / after reads | ${rssBaselineSettled.toFixed(
      0,
    )} / ${rssSyncedSettled.toFixed(0)} / ${rssAfterReadsSettled.toFixed(
      0,
    )} MB (fleet adds ${addedSettled.toFixed(
      0,
    )} / ${addedAfterReadsSettled.toFixed(0)} MB) |`,
  );
  p(`| RSS after the fan-out queries | ${rssAfterFanout.toFixed(0)} MB |`);
  p(
    `| RSS the island connections alone add to a bare Node process (${
      connections.sessions
    } TLS + HTTP/2 sessions of our KubeClient, ${
      connections.watches
    } watches from each island's current resourceVersion, garbage collected) | ${connections.addedMb.toFixed(
      0,
    )} MB |`,
  );
  p(
    `| model versions during our reads (each one is serialised and gzipped once) | ${versionsDuringReads} |`,
  );
  p(
    `| backend CPU per read of the whole-fleet snapshot, while the ${READERS} concurrent readers of the bench process read it | ${backendCpuMsPerRead.toFixed(
      2,
    )} ms; while the Go readers read it ${goCpuMsPerRead.toFixed(2)} ms |`,
  );
  p();
  if (memBaseline && memSynced && memAfterReads) {
    p(
      'Where the RSS goes (Node diagnostic report taken right after each RSS figure):',
    );
    p();
    p(breakdownTable(memBaseline, memSynced, memAfterReads));
    p();
  }
  p(
    `Sequential: ${N} requests after ${WARMUP} warm-ups (fan-out: ${FANOUT_N} after ${FANOUT_WARMUP}). Concurrent: ${CLIENTS} clients × ${PER_CLIENT} requests (fan-out: × ${FANOUT_PER_CLIENT}) — **saturation figures**: on ${
      require('node:os').cpus().length
    } cores the API servers, the backend and the clients share the CPU.`,
  );
  p();
  p(
    '| question | sequential p50 / p95 (ms) | 10 concurrent p50 / p95 (ms) | objects per request |',
  );
  p('|---|---|---|---|');
  const errNote = (st?: Stats) =>
    st?.errors
      ? ` (${st.errors}/${st.n} failed: ${st.firstError?.slice(0, 140)}…)`
      : '';
  for (const r of rows)
    p(
      `| ${r.question} | ${fmt(r.seq.p50)} / ${fmt(r.seq.p95)}${errNote(
        r.seq,
      )} | ${
        r.conc
          ? `${fmt(r.conc.p50)} / ${fmt(r.conc.p95)}${errNote(r.conc)}`
          : '–'
      } | ${r.seq.objects}${
        r.question.includes('time to last byte')
          ? ' bytes'
          : r.question.startsWith('kamaji') && r.seq.objects
          ? ' tenants'
          : r.question.startsWith('kubernetes')
          ? ' TCPs'
          : ''
      } |`,
    );
  p();
  p(
    `Snapshot body: ${(bytes / 1024).toFixed(
      0,
    )} KiB of JSON per request (gzip-compressed once per model version when the client accepts it; the bench client decompresses and parses it).`,
  );
  p();
  p(
    `Ratio fan-out / ours (same run): snapshot p50 **${ratio50.toFixed(
      1,
    )}×**, p95 **${ratio95.toFixed(1)}×**; filtered p50 ${ratioFilt50.toFixed(
      1,
    )}×; 10 concurrent p50 ${ratioConc50.toFixed(1)}×.`,
  );
  p();
  p('| target | measured | result |');
  p('|---|---|---|');
  p(
    `| snapshot p95 ≤ 50 ms at 10k tenants (time to last byte) | ${fmt(
      wireSeq.p95,
    )} ms at ${TOTAL} tenants (${fmt(
      snapSeq.p95,
    )} ms with this Node client's gunzip + JSON.parse) | ${pf(
      wireSeq.p95 <= 50,
    )}${TOTAL < 10000 ? ' (only indicative below 10k; see --large)' : ''} |`,
  );
  p(
    `| ≥ 50× the fan-out (p50) | ${ratio50.toFixed(1)}× | ${pf(
      ratio50 >= 50,
    )} |`,
  );
  p(
    `| fleet-added RSS ≤ 400 MB | ${added.toFixed(
      0,
    )} MB after sync, ${addedAfterReads.toFixed(0)} MB after reads | ${pf(
      Math.max(added, addedAfterReads) <= 400,
    )} |`,
  );
  p();
  if (replicaMemory.length) {
    p(replicaMemoryTable(replicaMemory, rssBaseline));
    p();
  }
  p(
    'Issue 11 §4 targets (the whole fleet at one version, `GET /v1/fleet/snapshot`):',
  );
  p();
  p('| target | measured | result |');
  p('|---|---|---|');
  p(
    `| whole-fleet snapshot, time to last byte, p95 ≤ 25 ms | ${fmt(
      snapWire.p95,
    )} ms (p50 ${fmt(snapWire.p50)}) at ${TOTAL} tenants, ${(
      snapWire.objects / 1024
    ).toFixed(0)} KiB gzip | ${pf(snapWire.p95 <= 25)} |`,
  );
  p(
    `| as a Node client sees it (fetch, gunzip, parse) p95 ≤ 150 ms | ${fmt(
      snapOwnClient.p95,
    )} ms (p50 ${fmt(snapOwnClient.p50)}), a client process of its own (${fmt(
      snapOwnClientExpanded.p95,
    )} ms with the tenants made whole); ${fmt(snapClient.p95)} ms (p50 ${fmt(
      snapClient.p50,
    )}) in the bench process; floor, the same bytes from a bare node:http server: ${fmt(
      snapFloor.p95,
    )} ms (p50 ${fmt(snapFloor.p50)}) | ${pf(snapOwnClient.p95 <= 150)} |`,
  );
  p(
    `| filtered query p95 ≤ 5 ms | ${fmt(
      filteredWire.p95,
    )} ms (owner + health), ${fmt(filteredQWire.p95)} ms (q + version) | ${pf(
      Math.max(filteredWire.p95, filteredQWire.p95) <= 5,
    )} |`,
  );
  p(
    `| fleet-added memory ≤ 150 MB after sync and after reads | right after the work: ${added.toFixed(
      0,
    )} MB after sync, ${addedAfterReads.toFixed(
      0,
    )} MB after reads; settled (quiet, then ${
      SETTLE_MS / 1000
    } s, the baseline too): ${addedSettled.toFixed(
      0,
    )} / ${addedAfterReadsSettled.toFixed(
      0,
    )} MB; of it about ${connections.addedMb.toFixed(0)} MB the ${
      connections.sessions
    } island connections alone | right after: ${pf(
      Math.max(added, addedAfterReads) <= 150,
    )}; settled: ${pf(
      Math.max(addedSettled, addedAfterReadsSettled) <= 150,
    )} |`,
  );
  p(
    `| 100 concurrent readers p95 ≤ 100 ms to last byte | ${fmt(
      goReadersStats.p95,
    )} ms (p50 ${fmt(goReadersStats.p50)})${errNote(
      goReadersStats,
    )}, Go readers (their floor, the same bytes from a bare node:http server: ${fmt(
      goReadersFloor.p95,
    )} ms); Node readers in a process of their own ${fmt(
      ownReaders.p95,
    )} ms (p50 ${fmt(ownReaders.p50)})${errNote(ownReaders)}, their floor ${fmt(
      readersFloor.p95,
    )} ms (p50 ${fmt(readersFloor.p50)}); in the bench process ${fmt(
      readers.p95,
    )} ms (p50 ${fmt(readers.p50)})${errNote(readers)} | ${pf(
      goReadersStats.p95 <= 100 && !goReadersStats.errors,
    )} |`,
  );
  const written = writeResults(
    lines.join('\n') + '\n',
    'latest.md',
    `${date}-${SIZE}${POSTGRES ? '-postgres' : ''}.md`,
  );
  log(
    `written to ${written.join(' and ')}; total ${(
      (Date.now() - started) /
      1000
    ).toFixed(0)} s`,
  );
}

function breakdownTable(
  baseline: MemoryBreakdown,
  synced: MemoryBreakdown,
  afterReads: MemoryBreakdown,
): string {
  const row = (label: string, pick: (b: MemoryBreakdown) => number) =>
    `| ${label} | ${[baseline, synced, afterReads]
      .map(b => pick(b).toFixed(0))
      .join(' | ')} | ${(pick(synced) - pick(baseline)).toFixed(0)} / ${(
      pick(afterReads) - pick(baseline)
    ).toFixed(0)} |`;
  return [
    '| MB | baseline | after sync | after reads | fleet adds (sync / reads) |',
    '|---|---|---|---|---|',
    row('RSS', b => b.rssMb),
    row('V8 heap committed', b => b.heapCommittedMb),
    row('… of it in use (live and not yet collected)', b => b.heapUsedMb),
    row('… of it the new space', b => b.newSpaceCommittedMb),
    row('outside the V8 heap (native)', b => b.outsideHeapMb),
    row('… of it Buffers and ArrayBuffers', b => b.externalMb),
  ].join('\n');
}

function postgresConnection(): string {
  const url = testPostgresUrl();
  if (!url)
    throw new Error(
      '--postgres needs a PostgreSQL server: run `source scripts/postgres.sh && kb_postgres_start` first',
    );
  return url;
}

/** The bench's backend config with replica mode on, as `identity`. */
function replicaConfig(identity: string): Record<string, unknown> {
  const base = BACKEND_EXTRA_CONFIG as Record<string, any>;
  return {
    ...base,
    kamaji: {
      ...base.kamaji,
      fleet: { replicas: { enabled: true, identity } },
    },
  };
}

/** Stops the single backend and measures the same fleet served by REPLICAS replicas. */
async function measureReplicas(
  single: Backend,
  clusters: KubernetesCluster[],
  start: (identity: string) => Promise<Backend>,
): Promise<ReplicaMemory[]> {
  await single.stop();
  log(`measuring: the fleet served by ${REPLICAS} replicas, each one's RSS`);
  return measureReplicaMemory({
    replicas: REPLICAS,
    start,
    islandPorts: clusters.map(c => Number(new URL(c.url).port)),
    wholeFleet,
    read: async replica => {
      await sequential(
        async () => (await replica.json(SNAPSHOT)).tenants.length,
        N,
        WARMUP,
      );
    },
    log,
  });
}

function replicaMemoryTable(figures: ReplicaMemory[], baselineMb: number) {
  const rows = figures.map(
    f =>
      `| ${f.identity} | ${f.islandsHeld} | ${f.rssSyncedMb.toFixed(0)} MB (+${(
        f.rssSyncedMb - baselineMb
      ).toFixed(0)}) | ${f.rssAfterReadsMb.toFixed(0)} MB (+${(
        f.rssAfterReadsMb - baselineMb
      ).toFixed(0)}) |`,
  );
  return [
    `The same fleet served by ${figures.length} replicas in replica mode (\`--replicas ${figures.length}\`, one PostgreSQL; each holds the watches of its shards' islands and serves the whole fleet it follows from the database). RSS, and in brackets what the fleet adds over the baseline backend; the reads: ${N} whole-fleet snapshots (\`GET ${SNAPSHOT}\`) after ${WARMUP} warm-ups, one replica after the other:`,
    '',
    '| replica | islands held | RSS after sync | RSS after reads |',
    '|---|---|---|---|',
    ...rows,
  ].join('\n');
}

/** Has the backend write a V8 heap snapshot (SIGUSR2) and renames it `<label>.heapsnapshot`. */
async function heapSnapshot(backend: Backend, dir: string, label: string) {
  const before = new Set(readdirSync(dir));
  process.kill(backend.pid, 'SIGUSR2');
  // The snapshot is written on the backend's main thread: the next answer comes after it.
  await sleep(1000);
  await waitFor(
    'the heap snapshot',
    async () => (await backend.fetch('/.backstage/health/v1/readiness')).ok,
    600_000,
    1000,
  );
  const file = readdirSync(dir).find(
    f => !before.has(f) && f.endsWith('.heapsnapshot'),
  );
  if (!file) throw new Error(`no heap snapshot appeared in ${dir}`);
  renameSync(join(dir, file), join(dir, `${label}.heapsnapshot`));
  log(`heap snapshot ${join(dir, `${label}.heapsnapshot`)}`);
}

main()
  .then(() => cleanups.run())
  .then(() => process.exit(0))
  .catch(async e => {
    log(
      `FAILED: ${e?.stack ?? e}${
        e?.cause ? `\ncause: ${e.cause?.stack ?? e.cause}` : ''
      }`,
    );
    await cleanups.run();
    process.exit(1);
  });
