/*
 * Fleet benchmark (issue 3): `yarn bench` (20 real islands × 20 tenants) or `yarn bench --large`
 * (central real with 10,000 tenants; 500 fake islands × 20 TenantControlPlanes served by
 * `kubeplane fake-islands`). Seeds the fleet, starts the real packages/backend twice (without and
 * with the management cluster), and compares, in the same run, the kamaji fleet API with the
 * per-request fan-out of @backstage/plugin-kubernetes-backend over the same islands. With
 * `--replicas N` (and `--postgres`) the same fleet is then served by N replicas, and each one's
 * memory measured (replicaMemory.ts).
 *
 * The options are in fleetOptions.ts, the seeding in fleetSeeding.ts, the reads of our API in
 * fleetApiReads.ts, the memory figures in fleetMemory.ts and the report in fleetReport.ts.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Backend, BackendOptions, KubernetesCluster } from './backend';
import type { ConnectionFloor } from './connectionFloorProcess';
import { measureReads } from './fleetApiReads';
import { MemoryAt, MemoryFigures, MemoryProbe } from './fleetMemory';
import {
  BACKEND_CWD,
  BACKEND_NODE_FLAGS,
  BACKEND_EXTRA_CONFIG,
  CLIENTS,
  CPU_PROFILE_DIR,
  DUMP_SNAPSHOT,
  FAKE,
  FANOUT_N,
  FANOUT_PER_CLIENT,
  FANOUT_WARMUP,
  FLEET_USER,
  HEAP_DIR,
  ISLANDS,
  LARGE,
  N,
  NODE_ENV,
  PER_ISLAND,
  POSTGRES,
  REPLICAS,
  SIZE,
  SNAPSHOT,
  TOTAL,
  WARMUP,
  describeCounts,
  replicaConfig,
  wholeFleet,
} from './fleetOptions';
import { FleetFigures, Row, StartupFigures, fleetReport } from './fleetReport';
import { seedFleet, startControlPlane } from './fleetSeeding';
import { heapSnapshot, heapSnapshotArgs } from './heapSnapshots';
import { connectionFloor } from './floors';
import {
  Stats,
  concurrent,
  rssMb,
  seconds,
  sequential,
  sleep,
  waitFor,
  waitForQuiet,
  cleanupOnExit,
  writeResults,
} from './lib';
import { measureReplicaMemory, ReplicaMemory } from './replicaMemory';
import { islandName } from './seed';

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

/** What the phases after seeding share: how to start a backend on the seeded fleet, and measure it. */
interface BenchContext {
  workDir: string;
  token: string;
  clusters: KubernetesCluster[];
  centralKubeconfig: string;
  memory: MemoryProbe;
}

/** The fleet backend's RSS after its initial sync: right after it, and settled. */
interface SyncedMemory {
  at: MemoryAt;
  settledMb: number;
}

async function main() {
  if (REPLICAS && !POSTGRES)
    throw new Error(
      '--replicas needs --postgres: replicas share one PostgreSQL (start it with scripts/postgres.sh)',
    );
  const started = Date.now();
  const { ctx, planeMs, seedMs } = await prepareFleet();
  const baseline = await measureBaseline(ctx);
  const { backend, startup, synced } = await startFleetBackend(ctx);
  const rows: Row[] = [];
  const { reads, afterReads, afterReadsSettledMb } = await measureReads({
    backend,
    rows,
    memory: ctx.memory,
    log,
  });
  if (DUMP_SNAPSHOT)
    writeFileSync(DUMP_SNAPSHOT, await (await backend.fetch(SNAPSHOT)).text());
  if (HEAP_DIR) {
    await heapSnapshotsAfterReads(backend, HEAP_DIR, [
      baseline.at,
      synced.at,
      afterReads,
    ]);
    return;
  }
  const connections = await measureConnectionFloor(ctx.clusters);
  const fanout = await measureFanout(backend, rows);
  const memory: MemoryFigures = {
    baseline: baseline.at,
    synced: synced.at,
    afterReads,
    settledMb: {
      baseline: baseline.settledMb,
      synced: synced.settledMb,
      afterReads: afterReadsSettledMb,
    },
    settleWaitsMs: {
      baseline: ctx.memory.settleWaitsMs.get('baseline')!,
      synced: ctx.memory.settleWaitsMs.get('after sync')!,
      afterReads: ctx.memory.settleWaitsMs.get('after reads')!,
    },
    afterFanoutMb: rssAfterFanout(backend),
  };
  const replicaMemory = REPLICAS ? await measureReplicas(backend, ctx) : [];
  writeReport(started, {
    planeMs,
    seedMs,
    startup,
    memory,
    connections,
    reads,
    fanout,
    replicaMemory,
    rows,
  });
}

function writeReport(started: number, figures: Omit<FleetFigures, 'date'>) {
  const date = new Date().toISOString().slice(0, 10);
  const written = writeResults(
    fleetReport({ date, ...figures }),
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

/** The control plane, seeded (not measured), and what the backends need to serve its fleet. */
async function prepareFleet() {
  const workDir = mkdtempSync(join(tmpdir(), 'kamaji-bench-'));
  cleanups.push(async () => rmSync(workDir, { recursive: true, force: true }));
  const islands = Array.from({ length: ISLANDS }, (_, i) =>
    islandName(i, ISLANDS >= 100 ? 3 : 2),
  );
  log(
    `size: ${ISLANDS} islands × ${PER_ISLAND} tenants = ${TOTAL} tenants; islands are ${
      FAKE ? 'FAKE (kubeplane fake-islands)' : 'REAL kube-apiservers'
    }; central is a real kube-apiserver; NODE_ENV=${NODE_ENV}`,
  );
  const { plane, planeMs } = await startControlPlane(
    FAKE ? [] : islands,
    cleanups,
    log,
  );
  const centralKubeconfig =
    plane.state.users[FLEET_USER.name].kubeconfigs.central;
  const { clusters, seedMs } = await seedFleet(
    plane,
    islands,
    workDir,
    cleanups,
    log,
  );
  const ctx: BenchContext = {
    workDir,
    token: randomBytes(24).toString('base64url'),
    clusters,
    centralKubeconfig,
    memory: MemoryProbe.create(cleanups, log),
  };
  return { ctx, planeMs, seedMs };
}

function startBackend(
  ctx: BenchContext,
  options: Pick<
    BackendOptions,
    'label' | 'extraConfig' | 'centralKubeconfig' | 'nodeArgs'
  >,
) {
  return Backend.start({
    ...options,
    nodeArgs: [...BACKEND_NODE_FLAGS, ...(options.nodeArgs ?? [])],
    workDir: ctx.workDir,
    token: ctx.token,
    kubernetesClusters: ctx.clusters,
    nodeEnv: NODE_ENV,
    cwd: BACKEND_CWD,
  });
}

const startWithFleet = (
  ctx: BenchContext,
  label: string,
  extraConfig: Record<string, unknown>,
  nodeArgs?: string[],
) =>
  startBackend(ctx, {
    label,
    extraConfig,
    centralKubeconfig: ctx.centralKubeconfig,
    nodeArgs,
  });

/** The fleet backend's node flags: heap snapshots on a signal, else memory reports and a CPU profile. */
function fleetNodeArgs(memory: MemoryProbe): string[] {
  if (HEAP_DIR) return heapSnapshotArgs(HEAP_DIR);
  return [
    ...(memory.nodeArgs ?? []),
    ...(CPU_PROFILE_DIR
      ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROFILE_DIR}`]
      : []),
  ];
}

/** The RSS baseline: a backend with the same config and no management cluster. */
async function measureBaseline(ctx: BenchContext) {
  log('starting the backend WITHOUT a management cluster (RSS baseline)');
  const backend = await startBackend(ctx, {
    label: 'baseline',
    extraConfig: BACKEND_EXTRA_CONFIG,
    nodeArgs: ctx.memory.nodeArgs,
  });
  cleanups.push(() => backend.stop());
  const readyMs = await backend.waitReady();
  await sleep(5000);
  const emptyRead = async () =>
    (await backend.json('/api/kamaji/v1/fleet?limit=1000')).tenants.length;
  await sequential(emptyRead, 20, 0);
  const at = await ctx.memory.now(backend.pid, 'baseline');
  const settledMb = await ctx.memory.settled(backend.pid, 'baseline');
  log(
    `baseline backend ready in ${seconds(readyMs)} s; RSS ${at.rssMb.toFixed(
      0,
    )} MB`,
  );
  await backend.stop();
  return { at, settledMb };
}

/** Starts the backend with central (the fleet), waits for the whole fleet, and measures it settled. */
async function startFleetBackend(ctx: BenchContext) {
  log('starting the backend WITH central (the fleet)');
  const backend = await startWithFleet(
    ctx,
    'fleet',
    BACKEND_EXTRA_CONFIG,
    fleetNodeArgs(ctx.memory),
  );
  cleanups.push(() => backend.stop());
  const sync = await waitForWholeFleet(backend);
  const { quiet, ...synced } = await measureSynced(ctx, backend);
  const startup: StartupFigures = { ...sync, quiet };
  return { backend, startup, synced };
}

/** Waits for readiness, then for the whole fleet: every tenant, every island connected. */
async function waitForWholeFleet(
  backend: Backend,
): Promise<Omit<StartupFigures, 'quiet'>> {
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
    `fleet synced: ${lastSeen}; ${seconds(syncMs)} s from start, ${seconds(
      syncAfterReadyMs,
    )} s after readiness`,
  );
  return { readyMs, syncMs, syncAfterReadyMs };
}

async function measureSynced(
  ctx: BenchContext,
  backend: Backend,
): Promise<SyncedMemory & Pick<StartupFigures, 'quiet'>> {
  await sleep(2000);
  const at = await ctx.memory.now(backend.pid, 'after sync');
  if (HEAP_DIR) await heapSnapshot(backend, HEAP_DIR, 'after-sync', log);
  // Measure a settled backend: right after the sync it is still writing the fleet into the
  // catalog (catalog-backend-module-kamaji), which would show up as read latency.
  const quiet = await waitForQuiet(backend.pid);
  log(
    `backend ${quiet.settled ? 'settled' : 'NOT settled'} after ${seconds(
      quiet.waitedMs,
    )} s (${(quiet.lastShare * 100).toFixed(0)} % of a core)`,
  );
  const settledMb = await ctx.memory.settled(backend.pid, 'after sync');
  return { at, quiet, settledMb };
}

async function measureConnectionFloor(
  clusters: KubernetesCluster[],
): Promise<ConnectionFloor> {
  log('measuring: the island connections alone, in a bare Node process');
  const connections = await connectionFloor(
    clusters.map(c => ({
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
  return connections;
}

/** The baseline we compare with: kubernetes-backend's custom query, a fan-out to every island. */
async function measureFanout(
  backend: Backend,
  rows: Row[],
): Promise<{ sequential: Stats; concurrent: Stats }> {
  log(
    `measuring: kubernetes-backend custom query fan-out over ${ISLANDS} islands`,
  );
  const fanout = () => fanoutQuery(backend);
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
  return { sequential: fanSeq, concurrent: fanConc };
}

/** One fan-out query; returns the TCPs it got, and fails on any cluster error. */
async function fanoutQuery(backend: Backend): Promise<number> {
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
}

function rssAfterFanout(backend: Backend): number {
  try {
    return rssMb(backend.pid);
  } catch {
    log(
      `the backend is gone after the fan-out; log tail:\n${backend.logTail()}`,
    );
    return NaN;
  }
}

/** Stops the single backend and measures the same fleet served by REPLICAS replicas. */
async function measureReplicas(
  single: Backend,
  ctx: BenchContext,
): Promise<ReplicaMemory[]> {
  await single.stop();
  log(`measuring: the fleet served by ${REPLICAS} replicas, each one's RSS`);
  return measureReplicaMemory({
    replicas: REPLICAS,
    start: identity => startWithFleet(ctx, identity, replicaConfig(identity)),
    islandPorts: ctx.clusters.map(c => Number(new URL(c.url).port)),
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

/**
 * A heap-snapshot run's end: the RSS figures so far, the heap snapshot after the reads, and the
 * whole-fleet snapshot the backend then served.
 */
async function heapSnapshotsAfterReads(
  backend: Backend,
  dir: string,
  [baseline, synced, afterReads]: MemoryAt[],
) {
  log(
    `RSS after sync ${synced.rssMb.toFixed(
      0,
    )} MB, after reads ${afterReads.rssMb.toFixed(
      0,
    )} MB (baseline ${baseline.rssMb.toFixed(0)} MB)`,
  );
  await heapSnapshot(backend, dir, 'after-reads', log);
  const body = await (await backend.fetch(SNAPSHOT)).text();
  writeFileSync(join(dir, 'snapshot.json'), body);
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
