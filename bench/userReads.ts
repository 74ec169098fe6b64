/* eslint-disable no-console */
/*
 * What a signed-in user's read of the fleet API costs the backend, with the caller's
 * `kamaji.cluster.read` decision asked of the permission backend on every read (baseline,
 * `kamaji.api.readPermissionCacheSeconds` and `kamaji.kubernetes.readPermissionCacheSeconds` 0)
 * and reused for 10 s (the default), side by side in
 * the same run. Two real packages/backend processes (NODE_ENV=production, the project's
 * permission policy), one after the other; the user is the guest sign-in's, with a real user
 * token. Measured per backend: its CPU per read and the latency of sequential reads of the
 * whole-fleet snapshot, of the same read answered 304 (If-None-Match), of the Kubernetes plugin's
 * cluster list, of `/health` (no permission asked: the floor of Backstage's request path), and
 * 100 concurrent readers × 5.
 *
 *   yarn bench:user-reads [--reads 300]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Backend } from './backend';
import {
  cleanupOnExit,
  concurrent,
  cpuMsPerRead,
  fmt,
  numberArg,
  sequential,
  Stats,
  writeResults,
} from './lib';

const READS = numberArg('reads', 300);
const READERS = 100;
const SNAPSHOT = '/api/kamaji/v1/fleet/snapshot';
const CONFIGS = [
  { label: 'asked on every read (cache 0 s)', cacheSeconds: 0 },
  { label: 'reused for 10 s (default)', cacheSeconds: 10 },
];

const t0 = Date.now();
const log = (s: string) =>
  console.log(`[${((Date.now() - t0) / 1000).toFixed(0)} s] ${s}`);
const cleanup = cleanupOnExit(log);

interface Row {
  question: string;
  stats: Stats;
  cpuMsPerRead: number;
}

async function userToken(backend: Backend): Promise<string> {
  const res = await fetch(`${backend.baseUrl}/api/auth/guest/refresh`, {
    headers: { 'x-requested-with': 'XMLHttpRequest' },
  });
  if (!res.ok) throw new Error(`guest sign-in: ${res.status}`);
  return (await res.json()).backstageIdentity.token;
}

async function measure(backend: Backend): Promise<Row[]> {
  const token = await userToken(backend);
  const read =
    (path: string, headers: Record<string, string> = {}) =>
    async () => {
      const res = await fetch(`${backend.baseUrl}${path}`, {
        headers: { authorization: `Bearer ${token}`, ...headers },
      });
      await res.arrayBuffer();
      if (res.status !== 200 && res.status !== 304)
        throw new Error(`${path}: ${res.status}`);
      return 1;
    };
  const first = await fetch(`${backend.baseUrl}${SNAPSHOT}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const etag = first.headers.get('etag') ?? '';
  await first.arrayBuffer();
  const timed = async (
    question: string,
    run: () => Promise<Stats>,
    reads: number,
  ): Promise<Row> => {
    const { result: stats, cpuMsPerRead: cpuMs } = await cpuMsPerRead(
      backend.pid,
      reads,
      run,
    );
    if (stats.errors) throw new Error(`${question}: ${stats.firstError}`);
    return { question, stats, cpuMsPerRead: cpuMs };
  };
  return [
    await timed(
      `GET ${SNAPSHOT}, sequential`,
      () => sequential(read(SNAPSHOT), READS, 20),
      READS + 20,
    ),
    await timed(
      'the same, If-None-Match → 304',
      () => sequential(read(SNAPSHOT, { 'if-none-match': etag }), READS, 20),
      READS + 20,
    ),
    await timed(
      'GET /api/kubernetes/clusters (the Kubernetes plugin: its own permission, then the fleet clusters the user may read), sequential',
      () => sequential(read('/api/kubernetes/clusters'), READS, 20),
      READS + 20,
    ),
    await timed(
      'GET /api/kamaji/health (no permission asked), sequential',
      () => sequential(read('/api/kamaji/health'), READS, 20),
      READS + 20,
    ),
    await timed(
      `${READERS} concurrent readers × 5 of ${SNAPSHOT}`,
      () => concurrent(read(SNAPSHOT), READERS, 5),
      READERS * 5,
    ),
  ];
}

async function main() {
  const workDir = mkdtempSync(join(tmpdir(), 'kamaji-bench-user-reads-'));
  cleanup.push(async () => rmSync(workDir, { recursive: true, force: true }));
  const results: Array<{ label: string; rows: Row[] }> = [];
  for (const { label, cacheSeconds } of CONFIGS) {
    log(`backend: read decisions ${label}`);
    const backend = await Backend.start({
      label: `cache-${cacheSeconds}`,
      workDir,
      token: `bench-${Math.random().toString(36).slice(2)}`,
      kubernetesClusters: [],
      nodeEnv: 'production',
      cwd: 'scratch',
      extraConfig: {
        auth: {
          providers: {
            guest: {
              userEntityRef: 'user:default/guest',
              dangerouslyAllowOutsideDevelopment: true,
            },
          },
        },
        kamaji: {
          api: { readPermissionCacheSeconds: cacheSeconds },
          kubernetes: { readPermissionCacheSeconds: cacheSeconds },
        },
      },
    });
    cleanup.push(() => backend.stop());
    await backend.waitReady();
    results.push({ label, rows: await measure(backend) });
    await backend.stop();
  }
  await cleanup.run();
  const [baseline, cached] = results;
  const lines = [
    `# A user's reads of the fleet API, ${new Date()
      .toISOString()
      .slice(0, 16)}Z`,
    '',
    '- Command: `yarn bench:user-reads`',
    `- Two real packages/backend processes (NODE_ENV=production, SQLite, no management cluster: the reads measure the request path, not the fleet's size), one after the other; the guest sign-in's user token; ${READS} sequential reads after 20 warm-ups, then ${READERS} concurrent readers × 5.`,
    '- Backend CPU: user + system time of the backend process over the reads, per read.',
    '',
    `| read | ${baseline.label}: CPU per read / p50 / p95 (ms) | ${cached.label}: CPU per read / p50 / p95 (ms) |`,
    '|---|---|---|',
    ...baseline.rows.map((row, i) => {
      const other = cached.rows[i];
      const cell = (r: Row) =>
        `${fmt(r.cpuMsPerRead)} / ${fmt(r.stats.p50)} / ${fmt(r.stats.p95)}`;
      return `| ${row.question} | ${cell(row)} | ${cell(other)} |`;
    }),
  ];
  const files = writeResults(
    lines.join('\n'),
    'latest-user-reads.md',
    `${new Date().toISOString().slice(0, 10)}-user-reads.md`,
  );
  log(`written to ${files.join(' and ')}`);
}

main().catch(async e => {
  console.error(e);
  await cleanup.run();
  process.exit(1);
});
