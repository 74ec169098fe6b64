/* The command-line options of the fleet benchmark (fleet.ts, `yarn bench`) and what follows from them. */
import type { FleetCounts } from './backend';
import { numberArg, testPostgresUrl, textArg } from './lib';

export const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
export const LARGE = flag('large');
export const ISLANDS = numberArg('islands', LARGE ? 500 : 20);
export const PER_ISLAND = numberArg('tenants-per-island', 20);
export const FAKE = LARGE || flag('fake-islands');
export const N = numberArg('n', 100);
export const WARMUP = 10;
export const CLIENTS = 10;
export const PER_CLIENT = 20;
// One fan-out request over 500 islands takes seconds: fewer of them in --large.
export const FANOUT_N = numberArg('fanout-n', FAKE && ISLANDS > 100 ? 20 : N);
export const FANOUT_WARMUP = FAKE && ISLANDS > 100 ? 3 : WARMUP;
export const FANOUT_PER_CLIENT = FAKE && ISLANDS > 100 ? 3 : PER_CLIENT;
export const CONCURRENCY = 24;
export const NODE_ENV = process.env.BENCH_NODE_ENV ?? 'production';
export const BACKEND_CWD: 'scratch' | 'repo' = flag('repo-cwd')
  ? 'repo'
  : 'scratch';
export const TOTAL = ISLANDS * PER_ISLAND;
// By default only management clusters become catalog entities: with the development config's
// in-memory SQLite catalog, 10,000 cluster entities and their processing live in the backend
// process and would be counted as the fleet's memory and CPU. `--with-catalog` ingests them all.
export const WITH_CATALOG = flag('with-catalog');
const CATALOG_CONFIG = WITH_CATALOG
  ? {}
  : { kamaji: { catalog: { selector: 'kamaji-backstage.io/bench-none' } } };
// `--postgres`: both backends on the PostgreSQL that scripts/postgres.sh started (as in
// production), instead of the development config's in-memory SQLite, which lives in the backend
// process and so counts as the fleet's memory (its last-known state).
export const POSTGRES = flag('postgres') ? postgresConnection() : undefined;
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
export const BACKEND_EXTRA_CONFIG = { ...CATALOG_CONFIG, ...DATABASE_CONFIG };
// Diagnostics, not figures: `--heap-snapshots DIR` writes V8 heap snapshots of the fleet backend
// into DIR: in fleet.ts after sync and after the reads, then it stops before the fan-out (writing
// a snapshot grows the RSS, so such a run's memory figures are not comparable); in flapping.ts
// at every sample.
export const HEAP_DIR = textArg('heap-snapshots');
/**
 * Settled memory (see MemoryProbe.settled): the RSS once it has fallen by less than SETTLE_STEADY_MB
 * over the last SETTLE_MS, at least SETTLE_MS and at most SETTLE_MAX_MS after the backend went quiet.
 */
export const SETTLE_MS = 30_000;
export const SETTLE_MAX_MS = 180_000;
export const SETTLE_STEADY_MB = 1;
// `--cpu-profile DIR`: the fleet backend runs under V8's CPU profiler (`--cpu-prof`) and writes its
// profile into DIR when it stops (diagnostics: the profiler slows the backend, so the run's
// latencies are not comparable).
export const CPU_PROFILE_DIR = textArg('cpu-profile');
// `--backend-node-flags "FLAGS"`: node flags of every backend the bench measures (baseline, fleet,
// replicas), as an operator would set them (e.g. `--max-semi-space-size=4`); the report names them.
export const BACKEND_NODE_FLAGS = (textArg('backend-node-flags') ?? '')
  .split(' ')
  .filter(Boolean);
// `--dump-snapshot FILE` writes the whole-fleet snapshot the backend served after the reads.
export const DUMP_SNAPSHOT = textArg('dump-snapshot');
export const SIZE = `${ISLANDS}x${PER_ISLAND}${FAKE ? '-fake' : ''}`;
// `--replicas N` (with --postgres): after the single backend, the same fleet served by N
// backends in replica mode, and each one's memory (bench/replicaMemory.ts).
export const REPLICAS = numberArg('replicas', 0);
export const SNAPSHOT = '/api/kamaji/v1/fleet/snapshot';
export const READERS = 100;
export const wholeFleet = (f: FleetCounts) =>
  f.tenants === TOTAL && f.islands === ISLANDS && f.connected === ISLANDS;
export const describeCounts = (f: FleetCounts) =>
  `${f.tenants} tenants, ${f.islands} islands (${f.connected} connected)`;
export const FLEET_USER = {
  name: 'kamaji-backstage',
  groups: ['kamaji-backstage'],
};

function postgresConnection(): string {
  const url = testPostgresUrl();
  if (!url)
    throw new Error(
      '--postgres needs a PostgreSQL server: run `source scripts/postgres.sh && kb_postgres_start` first',
    );
  return url;
}

/** The bench's backend config with replica mode on, as `identity`. */
export function replicaConfig(identity: string): Record<string, unknown> {
  const base = BACKEND_EXTRA_CONFIG as Record<string, any>;
  return {
    ...base,
    kamaji: {
      ...base.kamaji,
      fleet: { replicas: { enabled: true, identity } },
    },
  };
}
