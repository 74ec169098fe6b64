/* The fleet benchmark's report (fleet.ts): bench/results/latest.md and bench/results/<date>-<size>.md. */
import { cpus } from 'node:os';
import type { ConnectionFloor } from './connectionFloorProcess';
import type { ReadFigures } from './fleetApiReads';
import type { MemoryFigures } from './fleetMemory';
import {
  BACKEND_CWD,
  CLIENTS,
  FAKE,
  FANOUT_N,
  FANOUT_PER_CLIENT,
  FANOUT_WARMUP,
  ISLANDS,
  N,
  NODE_ENV,
  PER_CLIENT,
  PER_ISLAND,
  POSTGRES,
  READERS,
  SETTLE_MS,
  SETTLE_STEADY_MB,
  SNAPSHOT,
  TOTAL,
  WARMUP,
  WITH_CATALOG,
  args,
} from './fleetOptions';
import { Stats, fmt, seconds } from './lib';
import type { MemoryBreakdown } from './memoryReport';
import type { ReplicaMemory } from './replicaMemory';

/** A row of the report's table of questions: sequential and, for some, concurrent timings. */
export interface Row {
  question: string;
  seq: Stats;
  conc?: Stats;
}

/** The fleet backend's start: readiness, initial sync, and how long it took to settle after. */
export interface StartupFigures {
  readyMs: number;
  syncMs: number;
  syncAfterReadyMs: number;
  quiet: { settled: boolean; waitedMs: number };
}

export interface FleetFigures {
  date: string;
  planeMs: number;
  seedMs: number;
  startup: StartupFigures;
  memory: MemoryFigures;
  connections: ConnectionFloor;
  reads: ReadFigures;
  fanout: { sequential: Stats; concurrent: Stats };
  replicaMemory: ReplicaMemory[];
  rows: Row[];
}

/** The RSS the fleet adds over the baseline backend, right after the work and settled. */
interface AddedMemory {
  synced: number;
  afterReads: number;
  syncedSettled: number;
  afterReadsSettled: number;
}

const mb = (value: number) => value.toFixed(0);
const pf = (ok: boolean) => (ok ? 'PASS' : 'MISS');
const errNote = (st?: Stats) =>
  st?.errors
    ? ` (${st.errors}/${st.n} failed: ${st.firstError?.slice(0, 140)}…)`
    : '';

/** The report's markdown. */
export function fleetReport(f: FleetFigures): string {
  const added = addedMemory(f.memory);
  const lines = [
    ...header(f),
    '',
    ...figuresTable(f, added),
    '',
    ...breakdownSection(f.memory),
    ...questionsTable(f.rows),
    '',
    ...ratios(f),
    '',
    ...targetsTable(f, added),
    '',
    ...(f.replicaMemory.length
      ? [replicaMemoryTable(f.replicaMemory, f.memory.baseline.rssMb), '']
      : []),
    ...issue11Targets(f, added),
  ];
  return lines.join('\n') + '\n';
}

function addedMemory({
  baseline,
  synced,
  afterReads,
  settledMb,
}: MemoryFigures): AddedMemory {
  return {
    synced: synced.rssMb - baseline.rssMb,
    afterReads: afterReads.rssMb - baseline.rssMb,
    syncedSettled: settledMb.synced - settledMb.baseline,
    afterReadsSettled: settledMb.afterReads - settledMb.baseline,
  };
}

/**
 * glibc malloc tunables and Backstage config overrides of the environment, which every process
 * of the run inherits.
 */
const settingsEnv = () =>
  Object.entries(process.env)
    .filter(([name]) => /^(MALLOC_|APP_CONFIG_)/.test(name))
    .map(([name, value]) => `${name}=${value} `)
    .join('');

function header({ date, planeMs, seedMs }: FleetFigures): string[] {
  return [
    `# Fleet benchmark ${date} — ${ISLANDS} islands × ${PER_ISLAND} tenants = ${TOTAL} tenants`,
    '',
    `- Command: \`${settingsEnv()}yarn bench${
      args.length ? ` ${args.join(' ')}` : ''
    }\``,
    `- Central: a real kube-apiserver (kubeplane) holding ${ISLANDS} island Clusters + Secrets and ${TOTAL} tenant Clusters + KamajiControlPlanes (${Math.round(
      0.85 * 100,
    )} % with status: 70 % ready, 15 % degraded, 15 % without status).`,
    FAKE
      ? `- Islands: ${ISLANDS} FAKE islands (\`kubeplane fake-islands\`: in-memory list/watch, one TLS loopback port each, same CA), ${PER_ISLAND} TenantControlPlanes each and a DataStore whose \`status.usedBy\` lists them, as Kamaji reports it.`
      : `- Islands: ${ISLANDS} REAL kube-apiservers (one etcd, TLS verified, static token auth, island RBAC from examples/deploy/rbac.yaml), ${PER_ISLAND} TenantControlPlanes each and a DataStore whose \`status.usedBy\` lists them, as Kamaji reports it.`,
    `- Backend: the real packages/backend (\`node --require nodeTransform.cjs packages/backend/src/index.ts\`), NODE_ENV=${NODE_ENV}, working directory ${
      BACKEND_CWD === 'scratch'
        ? 'a scratch dir (no config-schema compilation of the workspace at start; `--repo-cwd` for the repo root)'
        : 'the repo root'
    }, called with a static external-access token (service principal) on loopback. Fleet user: least-privilege (rbac.yaml) token/cert users.`,
    WITH_CATALOG
      ? '- Catalog: every fleet cluster becomes a catalog entity (`--with-catalog`), processed in the same process.'
      : '- Catalog: only management clusters become catalog entities (kamaji.catalog.selector matches no Cluster); `--with-catalog` ingests all 10,000, whose catalog processing then runs in the same process.',
    POSTGRES
      ? '- Database: PostgreSQL (`--postgres`, as in production), a fresh table prefix per run; the last-known state lives in the database server.'
      : "- Database: the development config's in-memory SQLite (better-sqlite3 `:memory:`), in the backend process: the fleet's last-known state is counted in its RSS (`--postgres` runs on PostgreSQL as in production).",
    `- Machine: ${cpus().length} cores, Node ${
      process.version
    }. Control plane start ${seconds(planeMs)} s, seeding ${seconds(
      seedMs,
    )} s (not measured).`,
  ];
}

/** How long each settled figure waited after the backend went quiet: `baseline / sync / reads`. */
function settleWaits({ settleWaitsMs: w }: MemoryFigures): string {
  return [w.baseline, w.synced, w.afterReads]
    .map(ms => seconds(ms))
    .join(' / ');
}

function figuresTable(f: FleetFigures, added: AddedMemory): string[] {
  const { startup, memory, connections, reads } = f;
  const { baseline, synced, afterReads, settledMb } = memory;
  return [
    '| figure | value |',
    '|---|---|',
    `| backend readiness (start → /.backstage/health/v1/readiness) | ${seconds(
      startup.readyMs,
    )} s |`,
    `| initial sync (backend start → ${TOTAL} tenants, ${ISLANDS} islands connected) | ${seconds(
      startup.syncMs,
    )} s (${seconds(startup.syncAfterReadyMs)} s after readiness) |`,
    `| backend settled before the reads (CPU < 15 % of a core over 3 s) | ${
      startup.quiet.settled ? '' : 'NOT '
    }after ${seconds(startup.quiet.waitedMs)} s |`,
    `| RSS without management cluster (baseline) | ${mb(baseline.rssMb)} MB |`,
    `| RSS with the fleet, after sync | ${mb(synced.rssMb)} MB (fleet adds ${mb(
      added.synced,
    )} MB) |`,
    `| RSS after our reads | ${mb(afterReads.rssMb)} MB (+${mb(
      added.afterReads,
    )} MB over baseline) |`,
    `| settled (quiet, then until the RSS fell by less than ${SETTLE_STEADY_MB} MB over ${
      SETTLE_MS / 1000
    } s: after ${settleWaits(
      memory,
    )} s): baseline / after sync / after reads | ${mb(
      settledMb.baseline,
    )} / ${mb(settledMb.synced)} / ${mb(
      settledMb.afterReads,
    )} MB (fleet adds ${mb(added.syncedSettled)} / ${mb(
      added.afterReadsSettled,
    )} MB) |`,
    `| RSS after the fan-out queries | ${mb(memory.afterFanoutMb)} MB |`,
    `| RSS the island connections alone add to a bare Node process (${
      connections.sessions
    } TLS + HTTP/2 sessions of our KubeClient, ${
      connections.watches
    } watches from each island's current resourceVersion, garbage collected) | ${mb(
      connections.addedMb,
    )} MB |`,
    `| model versions during our reads (each one is serialised and gzipped once) | ${reads.versionsDuringReads} |`,
    `| backend CPU per read of the whole-fleet snapshot, while the ${READERS} concurrent readers of the bench process read it | ${reads.readers.backendCpuMsPerRead.toFixed(
      2,
    )} ms; while the Go readers read it ${reads.readers.goBackendCpuMsPerRead.toFixed(
      2,
    )} ms |`,
  ];
}

function breakdownSection({
  baseline,
  synced,
  afterReads,
}: MemoryFigures): string[] {
  if (!baseline.breakdown || !synced.breakdown || !afterReads.breakdown)
    return [];
  return [
    'Where the RSS goes (Node diagnostic report taken right after each RSS figure):',
    '',
    breakdownTable(baseline.breakdown, synced.breakdown, afterReads.breakdown),
    '',
  ];
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

function questionsTable(rows: Row[]): string[] {
  return [
    `Sequential: ${N} requests after ${WARMUP} warm-ups (fan-out: ${FANOUT_N} after ${FANOUT_WARMUP}). Concurrent: ${CLIENTS} clients × ${PER_CLIENT} requests (fan-out: × ${FANOUT_PER_CLIENT}) — **saturation figures**: on ${
      cpus().length
    } cores the API servers, the backend and the clients share the CPU.`,
    '',
    '| question | sequential p50 / p95 (ms) | 10 concurrent p50 / p95 (ms) | objects per request |',
    '|---|---|---|---|',
    ...rows.map(questionRow),
  ];
}

function questionRow(r: Row): string {
  const concurrent = r.conc
    ? `${fmt(r.conc.p50)} / ${fmt(r.conc.p95)}${errNote(r.conc)}`
    : '–';
  return `| ${r.question} | ${fmt(r.seq.p50)} / ${fmt(r.seq.p95)}${errNote(
    r.seq,
  )} | ${concurrent} | ${r.seq.objects}${objectsUnit(r)} |`;
}

function objectsUnit(r: Row): string {
  if (r.question.includes('time to last byte')) return ' bytes';
  if (r.question.startsWith('kamaji') && r.seq.objects) return ' tenants';
  if (r.question.startsWith('kubernetes')) return ' TCPs';
  return '';
}

/** How many times longer the fan-out takes than our snapshot read (p50). */
const fanoutRatio50 = ({ reads: { list }, fanout }: FleetFigures) =>
  fanout.sequential.p50 / list.sequential.p50;

function ratios(f: FleetFigures): string[] {
  const {
    reads: { list },
    fanout,
  } = f;
  const ratio50 = fanoutRatio50(f);
  const ratio95 = fanout.sequential.p95 / list.sequential.p95;
  const ratioFilt50 = fanout.sequential.p50 / list.filtered.p50;
  const ratioConc50 = fanout.concurrent.p50 / list.concurrent.p50;
  return [
    `Snapshot body: ${(list.bodyBytes / 1024).toFixed(
      0,
    )} KiB of JSON per request (gzip-compressed once per model version when the client accepts it; the bench client decompresses and parses it).`,
    '',
    `Ratio fan-out / ours (same run): snapshot p50 **${ratio50.toFixed(
      1,
    )}×**, p95 **${ratio95.toFixed(1)}×**; filtered p50 ${ratioFilt50.toFixed(
      1,
    )}×; 10 concurrent p50 ${ratioConc50.toFixed(1)}×.`,
  ];
}

function targetsTable(f: FleetFigures, added: AddedMemory): string[] {
  const { list } = f.reads;
  const ratio50 = fanoutRatio50(f);
  return [
    '| target | measured | result |',
    '|---|---|---|',
    `| snapshot p95 ≤ 50 ms at 10k tenants (time to last byte) | ${fmt(
      list.toLastByte.p95,
    )} ms at ${TOTAL} tenants (${fmt(
      list.sequential.p95,
    )} ms with this Node client's gunzip + JSON.parse) | ${pf(
      list.toLastByte.p95 <= 50,
    )}${TOTAL < 10000 ? ' (only indicative below 10k; see --large)' : ''} |`,
    `| ≥ 50× the fan-out (p50) | ${ratio50.toFixed(1)}× | ${pf(
      ratio50 >= 50,
    )} |`,
    `| fleet-added RSS ≤ 400 MB | ${mb(added.synced)} MB after sync, ${mb(
      added.afterReads,
    )} MB after reads | ${pf(
      Math.max(added.synced, added.afterReads) <= 400,
    )} |`,
  ];
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

/** Issue 11 §4 targets (the whole fleet at one version, `GET /v1/fleet/snapshot`). */
function issue11Targets(f: FleetFigures, added: AddedMemory): string[] {
  const { snapshot, nodeClient, floors } = f.reads;
  return [
    'Issue 11 §4 targets (the whole fleet at one version, `GET /v1/fleet/snapshot`):',
    '',
    '| target | measured | result |',
    '|---|---|---|',
    `| whole-fleet snapshot, time to last byte, p95 ≤ 25 ms | ${fmt(
      snapshot.toLastByte.p95,
    )} ms (p50 ${fmt(snapshot.toLastByte.p50)}) at ${TOTAL} tenants, ${(
      snapshot.toLastByte.objects / 1024
    ).toFixed(0)} KiB gzip | ${pf(snapshot.toLastByte.p95 <= 25)} |`,
    `| as a Node client sees it (fetch, gunzip, parse) p95 ≤ 150 ms | ${fmt(
      nodeClient.parsed.p95,
    )} ms (p50 ${fmt(
      nodeClient.parsed.p50,
    )}), a client process of its own (${fmt(
      nodeClient.expanded.p95,
    )} ms with the tenants made whole); ${fmt(
      snapshot.inBenchProcess.p95,
    )} ms (p50 ${fmt(
      snapshot.inBenchProcess.p50,
    )}) in the bench process; floor, the same bytes from a bare node:http server: ${fmt(
      floors.nodeClient.p95,
    )} ms (p50 ${fmt(floors.nodeClient.p50)}) | ${pf(
      nodeClient.parsed.p95 <= 150,
    )} |`,
    `| filtered query p95 ≤ 5 ms | ${fmt(
      snapshot.filteredToLastByte.p95,
    )} ms (owner + health), ${fmt(
      snapshot.searchedToLastByte.p95,
    )} ms (q + version) | ${pf(
      Math.max(
        snapshot.filteredToLastByte.p95,
        snapshot.searchedToLastByte.p95,
      ) <= 5,
    )} |`,
    memoryTargetRow(f.connections, added),
    readersTargetRow(f.reads),
  ];
}

function memoryTargetRow(
  connections: ConnectionFloor,
  added: AddedMemory,
): string {
  return `| fleet-added memory ≤ 150 MB after sync and after reads | right after the work: ${mb(
    added.synced,
  )} MB after sync, ${mb(
    added.afterReads,
  )} MB after reads; settled (quiet, then until the RSS stopped falling, the baseline too): ${mb(
    added.syncedSettled,
  )} / ${mb(added.afterReadsSettled)} MB; of it about ${mb(
    connections.addedMb,
  )} MB the ${
    connections.sessions
  } island connections alone | right after: ${pf(
    Math.max(added.synced, added.afterReads) <= 150,
  )}; settled: ${pf(
    Math.max(added.syncedSettled, added.afterReadsSettled) <= 150,
  )} |`;
}

function readersTargetRow({ readers, floors }: ReadFigures): string {
  return `| 100 concurrent readers p95 ≤ 100 ms to last byte | ${fmt(
    readers.go.p95,
  )} ms (p50 ${fmt(readers.go.p50)})${errNote(
    readers.go,
  )}, Go readers (their floor, the same bytes from a bare node:http server: ${fmt(
    floors.goReaders.p95,
  )} ms); Node readers in a process of their own ${fmt(
    readers.ownProcess.p95,
  )} ms (p50 ${fmt(readers.ownProcess.p50)})${errNote(
    readers.ownProcess,
  )}, their floor ${fmt(floors.nodeReaders.p95)} ms (p50 ${fmt(
    floors.nodeReaders.p50,
  )}); in the bench process ${fmt(readers.inBenchProcess.p95)} ms (p50 ${fmt(
    readers.inBenchProcess.p50,
  )})${errNote(readers.inBenchProcess)} | ${pf(
    readers.go.p95 <= 100 && !readers.go.errors,
  )} |`;
}
