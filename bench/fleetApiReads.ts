/*
 * The reads of the fleet benchmark (`yarn bench`, fleet.ts): the kamaji fleet API's list and its
 * whole-fleet snapshot, read by the bench process, by Node and Go clients in processes of their
 * own, and the clients' floors. (fleetReads.ts is another benchmark, `yarn bench:reads`.)
 */
import { Agent as HttpAgent } from 'node:http';
import type { Backend } from './backend';
import { gzippedBody, nodeClientReads, withStaticServer } from './floors';
import {
  CLIENTS,
  N,
  PER_CLIENT,
  READERS,
  SNAPSHOT,
  TOTAL,
  WARMUP,
} from './fleetOptions';
import type { MemoryAt, MemoryProbe } from './fleetMemory';
import type { Row } from './fleetReport';
import { goReaders } from './goReaders';
import { lastByteProbe } from './lastByte';
import { Stats, concurrent, cpuMsPerRead, sequential } from './lib';

const LIST = '/api/kamaji/v1/fleet?limit=1000';
const PER_READER = 5;

export interface ReadContext {
  backend: Backend;
  /** The report's table of questions: each measurement adds its rows, in the order measured. */
  rows: Row[];
  memory: MemoryProbe;
  log: (s: string) => void;
}

/** `GET /api/kamaji/v1/fleet` (pages of 1000 tenants). */
export interface ListReads {
  sequential: Stats;
  concurrent: Stats;
  toLastByte: Stats;
  filtered: Stats;
  filteredConcurrent: Stats;
  /** Size of the uncompressed body of one page. */
  bodyBytes: number;
}

/** `GET /api/kamaji/v1/fleet/snapshot` (issue 11 §4: the whole fleet at one version). */
export interface SnapshotReads {
  toLastByte: Stats;
  inBenchProcess: Stats;
  filteredToLastByte: Stats;
  searchedToLastByte: Stats;
}

/** READERS concurrent readers of the whole-fleet snapshot, to the last byte. */
export interface ReaderFigures {
  inBenchProcess: Stats;
  ownProcess: Stats;
  go: Stats;
  backendCpuMsPerRead: number;
  goBackendCpuMsPerRead: number;
}

/** The whole-fleet snapshot by a Node client in a process of its own. */
export interface NodeClientFigures {
  parsed: Stats;
  expanded: Stats;
}

/** The same gzipped snapshot bytes from a bare node:http server: the clients' floors. */
export interface ClientFloors {
  nodeClient: Stats;
  nodeReaders: Stats;
  goReaders: Stats;
}

export interface ReadFigures {
  list: ListReads;
  snapshot: SnapshotReads;
  readers: ReaderFigures;
  nodeClient: NodeClientFigures;
  floors: ClientFloors;
  versionsDuringReads: number;
}

/** All reads, with the backend's memory right after the timed ones and, at the end, settled. */
export async function measureReads(ctx: ReadContext): Promise<{
  reads: ReadFigures;
  afterReads: MemoryAt;
  afterReadsSettledMb: number;
}> {
  const { backend, memory, log } = ctx;
  const versionBeforeReads = await modelVersion(backend);
  const list = await measureListReads(ctx);
  const snapshot = await measureSnapshotReads(ctx);
  const readers = await measureReaders(ctx);
  const afterReads = await memory.now(backend.pid, 'after reads');
  const versionsDuringReads =
    (await modelVersion(backend)) - versionBeforeReads;
  log(`model versions during the reads: ${versionsDuringReads}`);
  // After the figures above, so that they are taken as long after the sync as in earlier runs.
  const nodeClient = await measureNodeClient(ctx);
  const floors = await measureFloors(ctx);
  const afterReadsSettledMb = await memory.settled(backend.pid, 'after reads');
  return {
    reads: { list, snapshot, readers, nodeClient, floors, versionsDuringReads },
    afterReads,
    afterReadsSettledMb,
  };
}

const modelVersion = async (backend: Backend) =>
  (await backend.json('/api/kamaji/v1/fleet?limit=1')).version as number;

// A read timed to the last byte on the wire, as an HTTP load tool times it: what the API costs,
// without this Node client's gunzip and JSON.parse of 2 MiB (and its GC pauses).
const toLastByte = (backend: Backend, path: string, agent: HttpAgent) =>
  lastByteProbe(`${backend.baseUrl}${path}`, backend.token, agent);

/** N sequential reads of `path` to the last byte, on one keep-alive socket closed afterwards. */
async function sequentialToLastByte(backend: Backend, path: string) {
  const agent = new HttpAgent({ keepAlive: true, maxSockets: 1 });
  try {
    return await sequential(toLastByte(backend, path, agent), N, WARMUP);
  } finally {
    agent.destroy();
  }
}

const snapshotAccess = (backend: Backend) => ({
  url: `${backend.baseUrl}${SNAPSHOT}`,
  token: backend.token,
});

async function measureListReads(ctx: ReadContext): Promise<ListReads> {
  const { backend, rows, log } = ctx;
  const page = async () => (await backend.json(LIST)).tenants.length;
  log('measuring: snapshot read');
  const sequentialStats = await sequential(page, N, WARMUP);
  const etag = (await backend.fetch(LIST)).headers.get('etag') ?? '';
  const concurrentStats = await concurrent(page, CLIENTS, PER_CLIENT);
  rows.push({
    question: `kamaji GET /api/kamaji/v1/fleet?limit=1000 (snapshot${
      TOTAL > 1000 ? ', first 1000 tenants' : ''
    })`,
    seq: sequentialStats,
    conc: concurrentStats,
  });
  const wire = await sequentialToLastByte(backend, LIST);
  rows.push({
    question: 'kamaji same, time to last byte (gzip on the wire, not decoded)',
    seq: wire,
  });
  const bodyBytes = await measureUncompressedList(ctx);
  if (TOTAL > 1000) await measureAllPages(ctx);
  if (etag)
    rows.push({
      question: 'kamaji same, If-None-Match → 304',
      seq: await sequential(conditionalRead(backend, etag), N, WARMUP),
    });
  const filtered = await measureFilteredList(ctx);
  return {
    sequential: sequentialStats,
    concurrent: concurrentStats,
    toLastByte: wire,
    ...filtered,
    bodyBytes,
  };
}

/**
 * The list without compression: shows how much of a read is the per-request gzip of the
 * rootHttpRouter's compression middleware (fetch sends Accept-Encoding: gzip, deflate, br).
 * Returns the body's size.
 */
async function measureUncompressedList(ctx: ReadContext): Promise<number> {
  const { backend, rows } = ctx;
  let bytes = 0;
  const identity = async () => {
    const r = await backend.fetch(LIST, {
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
  return bytes;
}

async function measureAllPages({ backend, rows }: ReadContext) {
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

/** A read of the list with If-None-Match, which expects 304. */
function conditionalRead(backend: Backend, firstEtag: string) {
  let etag = firstEtag;
  return async () => {
    const r = await backend.fetch(LIST, {
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
}

async function measureFilteredList({ backend, rows, log }: ReadContext) {
  const filteredRead = async () => {
    const f = await backend.json(
      '/api/kamaji/v1/fleet?owner=team-retail&health=healthy&limit=1000',
    );
    return f.tenants.length;
  };
  log('measuring: filtered read');
  const filtered = await sequential(filteredRead, N, WARMUP);
  const filteredConcurrent = await concurrent(
    filteredRead,
    CLIENTS,
    PER_CLIENT,
  );
  rows.push({
    question: 'kamaji GET …/fleet?owner=team-retail&health=healthy',
    seq: filtered,
    conc: filteredConcurrent,
  });
  return { filtered, filteredConcurrent };
}

async function measureSnapshotReads(ctx: ReadContext): Promise<SnapshotReads> {
  const { backend, rows, log } = ctx;
  log('measuring: whole-fleet snapshot (GET /v1/fleet/snapshot)');
  const wire = await sequentialToLastByte(backend, SNAPSHOT);
  rows.push({
    question: `kamaji GET ${SNAPSHOT} (whole fleet, one version), time to last byte`,
    seq: wire,
  });
  const inBenchProcess = await sequential(
    async () => (await backend.json(SNAPSHOT)).tenants.length,
    N,
    WARMUP,
  );
  const benchHeapMb = process.memoryUsage().heapUsed / 1024 / 1024;
  rows.push({
    question: `kamaji same, as a Node client sees it (fetch, gunzip, JSON.parse), in the bench process (its heap: ${benchHeapMb.toFixed(
      0,
    )} MB in use)`,
    seq: inBenchProcess,
  });
  const filteredToLastByte = await sequentialToLastByte(
    backend,
    `${SNAPSHOT}?owner=team-retail&health=healthy`,
  );
  rows.push({
    question: `kamaji GET …/fleet/snapshot?owner=team-retail&health=healthy (per-version index), time to last byte`,
    seq: filteredToLastByte,
  });
  const searchedToLastByte = await sequentialToLastByte(
    backend,
    `${SNAPSHOT}?q=shop&version=v1.34`,
  );
  rows.push({
    question: `kamaji GET …/fleet/snapshot?q=shop&version=v1.34, time to last byte`,
    seq: searchedToLastByte,
  });
  return {
    toLastByte: wire,
    inBenchProcess,
    filteredToLastByte,
    searchedToLastByte,
  };
}

async function measureReaders(ctx: ReadContext): Promise<ReaderFigures> {
  const { backend, rows, log } = ctx;
  const { stats: inBenchProcess, backendCpuMsPerRead } =
    await measureReadersInBenchProcess(ctx);
  log('measuring: the same readers in a process of their own');
  const ownProcess = await nodeClientReads({
    kind: 'readers',
    ...snapshotAccess(backend),
    readers: READERS,
    perReader: PER_READER,
  });
  rows.push({
    question: `kamaji the same ${READERS} concurrent readers × ${PER_READER}, time to last byte, in a process of their own (after one untimed round)`,
    seq: ownProcess,
  });
  log('measuring: the same readers in Go');
  // The Go readers' untimed first round is served too.
  const { result: go, cpuMsPerRead: goBackendCpuMsPerRead } =
    await cpuMsPerRead(backend.pid, READERS * (PER_READER + 1), () =>
      goReaders({
        ...snapshotAccess(backend),
        readers: READERS,
        perReader: PER_READER,
      }),
    );
  rows.push({
    question: `kamaji the same ${READERS} concurrent readers × ${PER_READER}, time to last byte, read by Go clients (bench/readers, after one untimed round)`,
    seq: go,
  });
  return {
    inBenchProcess,
    ownProcess,
    go,
    backendCpuMsPerRead,
    goBackendCpuMsPerRead,
  };
}

async function measureReadersInBenchProcess({ backend, rows }: ReadContext) {
  const agent = new HttpAgent({ keepAlive: true, maxSockets: READERS });
  // The backend's own CPU time, so that runs on loaded cores compare by it too.
  const { result: stats, cpuMsPerRead: backendCpuMsPerRead } =
    await cpuMsPerRead(backend.pid, READERS * PER_READER, () =>
      concurrent(toLastByte(backend, SNAPSHOT, agent), READERS, PER_READER),
    );
  agent.destroy();
  rows.push({
    question: `kamaji ${READERS} concurrent readers × ${PER_READER} of ${SNAPSHOT}, time to last byte, in the bench process`,
    seq: stats,
  });
  return { stats, backendCpuMsPerRead };
}

async function measureNodeClient(ctx: ReadContext): Promise<NodeClientFigures> {
  const { backend, rows, log } = ctx;
  log('measuring: the same read by a Node client in its own process');
  const request = {
    kind: 'json' as const,
    ...snapshotAccess(backend),
    n: N,
    warmup: WARMUP,
  };
  const parsed = await nodeClientReads(request);
  rows.push({
    question: `kamaji GET ${SNAPSHOT} (whole fleet) by a Node client in a process of its own (fetch, gunzip, JSON.parse)`,
    seq: parsed,
  });
  const expanded = await nodeClientReads({ ...request, expand: true });
  rows.push({
    question: `the same, and the tenants made whole (expandFleetSnapshot of the common package)`,
    seq: expanded,
  });
  return { parsed, expanded };
}

async function measureFloors(ctx: ReadContext): Promise<ClientFloors> {
  const { backend, rows, log } = ctx;
  log("measuring: the Node clients' floor (the same bytes from a bare server)");
  const readers = { readers: READERS, perReader: PER_READER };
  const [nodeClient, nodeReaders, goReadersFloor] = await withStaticServer(
    await gzippedBody(`${backend.baseUrl}${SNAPSHOT}`, backend.token),
    async url => [
      await nodeClientReads({ url, kind: 'json', n: N, warmup: WARMUP }),
      await nodeClientReads({ url, kind: 'readers', ...readers }),
      goReaders({ url, ...readers }),
    ],
  );
  rows.push({
    question:
      'the same gzipped bytes from a bare node:http server, read by that client process (its floor: no backend)',
    seq: nodeClient,
  });
  rows.push({
    question: `the same gzipped bytes from a bare node:http server, read by the same ${READERS} concurrent readers × ${PER_READER} in a process of their own (their floor: no backend)`,
    seq: nodeReaders,
  });
  rows.push({
    question: `the same gzipped bytes from a bare node:http server, read by the same ${READERS} Go readers × ${PER_READER} (their floor: no backend)`,
    seq: goReadersFloor,
  });
  return { nodeClient, nodeReaders, goReaders: goReadersFloor };
}
