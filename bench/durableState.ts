/*
 * Durable fleet state: what the write-behind persister costs the database. A synthetic fleet of
 * 10,000 tenants on 500 islands (central keeps a Cluster and a KamajiControlPlane per tenant,
 * each island its TenantControlPlanes and a DataStore, as the real extractors give them) is
 * saved to SQLite (a file) and, when scripts/postgres.sh started a server, PostgreSQL, with the
 * production timings (a batch every 2 s, "last seen" refreshed every 60 s). Measured: the first
 * save, SQL statements and rows per second while the fleet is steady, while 1,000 tenants
 * change, and the time to load the saved state at start.
 *
 *   yarn bench:durable [--islands 500] [--tenants-per-island 20] [--steady 65] [--churn 1000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { ConnectionState } from '@kamaji-backstage/plugin-kamaji-common';
import knexFactory, { Knex } from 'knex';
import { AuditStore } from '../plugins/kamaji-backend/src/database/AuditStore';
import { DEFAULT_DURABLE_STATE } from '../plugins/kamaji-backend/src/durable/config';
import {
  FleetStatePersister,
  PersistableSource,
} from '../plugins/kamaji-backend/src/durable/FleetStatePersister';
import { FleetStateStore } from '../plugins/kamaji-backend/src/durable/FleetStateStore';
import {
  extractCluster,
  extractDataStore,
  extractKcp,
  extractTcp,
} from '../plugins/kamaji-backend/src/fleet/objects';
import { mockServices } from '@backstage/backend-test-utils';
import { numberArg, sleep, testPostgresUrl, writeResults } from './lib';

const ISLANDS = numberArg('islands', 500);
const PER_ISLAND = numberArg('tenants-per-island', 20);
const STEADY_S = numberArg('steady', 65);
const CHURN = numberArg('churn', 1000);

const silent = {
  error: () => {},
  warn: (m: string) => console.warn(m),
  info: () => {},
  debug: () => {},
  child: () => silent,
} as unknown as LoggerService;

/** A watched cluster as the persister sees it: kinds of items with revisions. */
class SyntheticSource implements PersistableSource {
  readonly synced = true;
  readonly connection: ConnectionState = {
    status: 'connected',
    since: new Date().toISOString(),
    lastSyncAt: new Date().toISOString(),
  };
  private readonly kinds = new Map<string, Map<string, unknown>>();
  private readonly revisions = new Map<string, number>();

  set(kind: string, key: string, item: unknown) {
    let m = this.kinds.get(kind);
    if (!m) this.kinds.set(kind, (m = new Map()));
    m.set(key, item);
    this.revisions.set(kind, (this.revisions.get(kind) ?? 0) + 1);
  }
  lastSeen() {
    return { kinds: [...this.kinds.keys()], lastSeenAt: new Date() };
  }
  revision(kind: string) {
    return this.revisions.get(kind) ?? 0;
  }
  items<T>(kind: string): ReadonlyMap<string, T> {
    return (this.kinds.get(kind) ?? new Map()) as ReadonlyMap<string, T>;
  }
}

function tenantObjects(island: number, i: number, version: string) {
  const name = `tenant-${island}-${i}`;
  const meta = (kind: string) => ({
    metadata: {
      name,
      namespace: 'fleet-tenants',
      uid: `${kind}-${island}-${i}`,
      labels: { 'kamaji-backstage.io/owner': `team-${island % 20}` },
    },
  });
  return {
    cluster: extractCluster({
      ...meta('c'),
      spec: {
        topology: { version },
        controlPlaneRef: { kind: 'KamajiControlPlane', name },
      },
      status: { phase: 'Provisioned' },
    }),
    kcp: extractKcp({
      ...meta('k'),
      spec: {
        version,
        replicas: 2,
        dataStoreName: 'default',
        deployment: {
          externalClusterReference: {
            kubeconfigSecretName: `island-${island}-kubeconfig`,
            kubeconfigSecretNamespace: 'fleet-islands',
          },
        },
      },
      status: { ready: true, initialized: true, version },
    }),
    tcp: extractTcp({
      metadata: {
        name: `fleet-tenants-${name}`,
        namespace: 'kamaji-tenants',
        ownerReferences: [
          { kind: 'KamajiControlPlane', name, controller: true },
        ],
      },
      spec: { kubernetes: { version }, dataStore: 'default' },
      status: {
        controlPlaneEndpoint: `10.${island % 250}.${i}.10:6443`,
        storage: { dataStoreName: 'default' },
        kubernetesResources: {
          version: { version, status: 'Ready' },
          deployment: { replicas: 2, readyReplicas: 2 },
        },
      },
    }),
  };
}

async function openDatabase(
  which: string,
): Promise<{ knex: Knex; close: () => void }> {
  if (which === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'kb-durable-bench-'));
    const knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: join(dir, 'kamaji.sqlite') },
      useNullAsDefault: true,
    });
    return { knex, close: () => rmSync(dir, { recursive: true, force: true }) };
  }
  const knex = knexFactory({ client: 'pg', connection: which });
  const db = `kb_durable_bench_${process.pid}`;
  await knex.raw(`CREATE DATABASE ${db}`);
  await knex.destroy();
  const url = new URL(which);
  url.pathname = `/${db}`;
  const own = knexFactory({ client: 'pg', connection: url.toString() });
  return {
    knex: own,
    close: () => {
      const admin = knexFactory({ client: 'pg', connection: which });
      void admin
        .raw(`DROP DATABASE IF EXISTS ${db}`)
        .finally(() => admin.destroy());
    },
  };
}

/** Central and the islands holding 10,000 tenants, as their watches would have listed them. */
function syntheticFleet() {
  const central = new SyntheticSource();
  const islands: SyntheticSource[] = [];
  for (let island = 0; island < ISLANDS; island++) {
    const src = new SyntheticSource();
    src.set(
      'DataStore',
      'default',
      extractDataStore({
        metadata: { name: 'default' },
        spec: { driver: 'etcd' },
        status: { ready: true, usedBy: [] },
      }),
    );
    for (let i = 0; i < PER_ISLAND; i++) {
      const o = tenantObjects(island, i, 'v1.34.2');
      central.set('Cluster', `fleet-tenants/tenant-${island}-${i}`, o.cluster);
      central.set(
        'KamajiControlPlane',
        `fleet-tenants/tenant-${island}-${i}`,
        o.kcp,
      );
      src.set(
        'TenantControlPlane',
        `kamaji-tenants/fleet-tenants-tenant-${island}-${i}`,
        o.tcp,
      );
    }
    islands.push(src);
  }
  const watched = [
    { id: 'central', source: central },
    ...islands.map((source, i) => ({
      id: `central/fleet-islands/island-${i}`,
      source,
    })),
  ];
  return { central, islands, watched };
}

type Fleet = ReturnType<typeof syntheticFleet>;

/** One database's phases: its persister, the statements knex sent, and the report rows. */
interface Phases {
  label: string;
  fleet: Fleet;
  persister: FleetStatePersister;
  counter: { statements: number };
  lines: string[];
}

/** 1. The first save (once, after the first sync). */
async function firstSave({ label, persister, counter, lines }: Phases) {
  const t0 = Date.now();
  await persister.flush();
  const firstMs = Date.now() - t0;
  const objects = ISLANDS * PER_ISLAND * 3 + ISLANDS;
  lines.push(
    `| ${label} | first save of ${objects.toLocaleString(
      'en',
    )} objects | ${firstMs} ms, ${counter.statements} statements |`,
  );
}

/** 2. Steady: nothing changes; the persister runs on its timer (a batch every 2 s). */
async function steady({ label, fleet, persister, counter, lines }: Phases) {
  persister.start();
  counter.statements = 0;
  const t0 = Date.now();
  await sleep(STEADY_S * 1000);
  const steadyS = (Date.now() - t0) / 1000;
  const { statements } = counter;
  lines.push(
    `| ${label} | steady, ${STEADY_S} s | ${(statements / steadyS).toFixed(
      2,
    )} statements/s (${statements} in ${steadyS.toFixed(
      0,
    )} s: the 60 s "last seen" refresh of ${fleet.watched.length} clusters) |`,
  );
}

/** 3. Churn: 1,000 tenants change (TCP and KCP version + status) over 10 s. */
async function churn({ label, fleet, persister, counter, lines }: Phases) {
  counter.statements = 0;
  const rowsBefore = persister.stats.objectRows;
  const t0 = Date.now();
  for (let n = 0; n < CHURN; n++) {
    const island = n % ISLANDS;
    const i = Math.floor(n / ISLANDS) % PER_ISLAND;
    const o = tenantObjects(island, i, 'v1.35.0');
    fleet.islands[island].set(
      'TenantControlPlane',
      `kamaji-tenants/fleet-tenants-tenant-${island}-${i}`,
      o.tcp,
    );
    fleet.central.set(
      'KamajiControlPlane',
      `fleet-tenants/tenant-${island}-${i}`,
      o.kcp,
    );
    if (n % (CHURN / 100) === 0) await sleep(100);
  }
  await sleep(DEFAULT_DURABLE_STATE.writeIntervalMs + 500);
  const churnS = (Date.now() - t0) / 1000;
  const rows = persister.stats.objectRows - rowsBefore;
  const { statements } = counter;
  lines.push(
    `| ${label} | ${CHURN.toLocaleString('en')} tenants change over ~10 s | ${(
      statements / churnS
    ).toFixed(1)} statements/s, ${(rows / churnS).toFixed(
      0,
    )} rows/s (${rows} object rows, ${statements} statements in ${churnS.toFixed(
      1,
    )} s) |`,
  );
}

/** 4. Start-up: loading the saved state. */
async function loadAtStart(store: FleetStateStore, { label, lines }: Phases) {
  const t0 = Date.now();
  const saved = await store.load();
  lines.push(
    `| ${label} | load at start (${saved.size} clusters) | ${
      Date.now() - t0
    } ms |`,
  );
}

async function run(which: string, label: string): Promise<string[]> {
  const { knex, close } = await openDatabase(which);
  const lines: string[] = [];
  try {
    await AuditStore.create(mockServices.database({ knex }));
    const counter = { statements: 0 };
    knex.on('query', () => counter.statements++);
    const store = new FleetStateStore(knex);
    const fleet = syntheticFleet();
    const persister = new FleetStatePersister(
      store,
      {
        watched: () => fleet.watched,
        isGone: () => false,
        drainTransitions: () => [],
      },
      DEFAULT_DURABLE_STATE,
      silent,
    );
    const phases = { label, fleet, persister, counter, lines };
    await firstSave(phases);
    await steady(phases);
    await churn(phases);
    await persister.stop();
    await loadAtStart(store, phases);
  } finally {
    await knex.destroy();
    close();
  }
  return lines;
}

async function main() {
  const lines = [
    `# Durable fleet state: database cost (${new Date()
      .toISOString()
      .slice(0, 10)})`,
    '',
    `${(ISLANDS * PER_ISLAND).toLocaleString(
      'en',
    )} tenants on ${ISLANDS} islands; batch every ${
      DEFAULT_DURABLE_STATE.writeIntervalMs
    } ms, "last seen" every ${
      DEFAULT_DURABLE_STATE.lastSeenIntervalMs / 1000
    } s (production defaults). A statement is one SQL query knex sends (transaction BEGIN/COMMIT not counted).`,
    '',
    '| database | phase | result |',
    '| --- | --- | --- |',
    ...(await run('sqlite', 'SQLite (file)')),
  ];
  const pg = testPostgresUrl();
  if (pg) lines.push(...(await run(pg, 'PostgreSQL')));
  else
    lines.push('', 'PostgreSQL: not run (source scripts/postgres.sh first).');
  const files = writeResults(
    `${lines.join('\n')}\n`,
    'latest-durable-state.md',
    `${new Date().toISOString().slice(0, 10)}-durable-state.md`,
  );
  // eslint-disable-next-line no-console
  console.log(`written: ${files.join(', ')}`);
}

main().catch(e => {
  // eslint-disable-next-line no-console
  console.error(e);
  process.exit(1);
});
