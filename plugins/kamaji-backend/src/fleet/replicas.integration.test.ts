import https from 'node:https';
import { mockServices } from '@backstage/backend-test-utils';
import type { FleetObjectApi, LocalControlPlane } from '@internal/test-kube';
import {
  applyFleetDelta,
  FleetSnapshot,
  unmanagedTenantId,
} from '@kamaji-backstage/plugin-kamaji-common';
import type { KubeConfig } from '@kubernetes/client-node';
import { Knex } from 'knex';
import { FleetEventHub } from '../api/events';
import {
  migratedDatabase,
  pluginTestDatabases,
} from '../database/__testUtils__/testDatabases';
import { FleetStateStore } from '../durable/FleetStateStore';
import { readFleetConfig } from './config';
import { KubeFleetService } from './KubeFleetService';
import {
  AnyObject,
  applyAll,
  CapturingLogger,
  fleetConfigFor,
  FLEET_USER,
  startFleetPlane,
  waitFor,
} from './__testUtils__/fleetTestEnv';

jest.setTimeout(600_000);

const databases = pluginTestDatabases();
// Several replicas share one PostgreSQL in production; SQLite when no server is given.
const [DATABASE] = databases.eachSupportedId().at(-1)!;
const ISLANDS = ['island-a', 'island-b', 'island-c'];
const ISLAND_A = 'central/fleet-islands/island-a';
const islandId = (name: string) => `central/fleet-islands/${name}`;
const WRITE = { writeIntervalMs: 500, lastSeenIntervalMs: 60_000 };

/** The island kube-apiserver's own count of open WATCH requests. */
async function openWatches(kc: KubeConfig): Promise<number> {
  const opts: https.RequestOptions = {};
  await kc.applyToHTTPSOptions(opts);
  const url = new URL(`${kc.getCurrentCluster()!.server}/metrics`);
  const text = await new Promise<string>((resolve, reject) => {
    https
      .get(url, opts, res => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', c => (body += c));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
  return text
    .split('\n')
    .filter(
      l =>
        l.startsWith('apiserver_longrunning_requests{') &&
        l.includes('verb="WATCH"'),
    )
    .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
}

/** A snapshot without the build time (each replica builds at its own moment). */
const nodesOf = (s: FleetSnapshot) => JSON.stringify({ ...s, generatedAt: '' });

/**
 * Two fleet services in replica mode on one database and the local control plane with three
 * islands: every island is watched by exactly one replica; the holder of island-a stops as if it
 * crashed and the other takes island-a over within 15 s without showing it disconnected or
 * recording an outage; both serve the same versions and snapshots; a live-update client of one
 * resumes on the other with deltas.
 */
describe(`fleet replicas on one database (${DATABASE})`, () => {
  let plane: LocalControlPlane;
  let admin: (cluster: string) => FleetObjectApi;
  let knex: Knex;
  let store: FleetStateStore;
  const services = new Map<string, KubeFleetService>();
  const hubs = new Map<string, FleetEventHub>();
  const logger = new CapturingLogger();

  beforeAll(async () => {
    ({ plane, admin } = await startFleetPlane([], ['island-c']));
    knex = await migratedDatabase(databases, DATABASE);
    store = new FleetStateStore(knex);
  });

  afterAll(async () => {
    for (const h of hubs.values()) h.stop();
    for (const s of services.values()) await s.stop();
    await plane?.stop();
  });

  async function startReplica(identity: string) {
    const config = readFleetConfig(
      fleetConfigFor(plane, FLEET_USER.name, {
        replicas: { enabled: true, identity },
      }),
    );
    const service = new KubeFleetService(config, logger.child({ identity }), {
      islandReadyTimeoutMs: 30_000,
    });
    service.start();
    await service.attachDurableState(store, WRITE);
    const hub = new FleetEventHub(service, mockServices.logger.mock());
    hub.start();
    services.set(identity, service);
    hubs.set(identity, hub);
    return service;
  }

  const holdersOf = (id: string) =>
    [...services]
      .filter(([, s]) => s.watchedClusterIds().includes(id))
      .map(([name]) => name);

  const connectedIslands = (s: KubeFleetService) =>
    s.getSnapshot().islands.filter(i => i.connection.status === 'connected')
      .length;

  /** Both replicas at the same version with the same nodes. */
  async function settled(what: string) {
    const [a, b] = [...services.values()];
    return waitFor(
      what,
      () =>
        a.getSnapshot().version === b.getSnapshot().version &&
        nodesOf(a.getSnapshot()) === nodesOf(b.getSnapshot()) &&
        a.getSnapshot(),
      20_000,
    );
  }

  /** A TenantControlPlane only island-a knows, copied from island-b's unmanaged one. */
  async function addUnmanagedTenant(name: string) {
    const legacy = (await admin('island-b').get({
      apiVersion: 'kamaji.clastix.io/v1alpha1',
      kind: 'TenantControlPlane',
      metadata: { namespace: 'kamaji-tenants', name: 'legacy-cameras' },
    }))!;
    const copy: AnyObject = {
      apiVersion: legacy.apiVersion,
      kind: legacy.kind,
      metadata: {
        namespace: 'kamaji-tenants',
        name,
        labels: legacy.metadata.labels,
      },
      spec: legacy.spec,
    };
    await applyAll(admin('island-a'), [copy]);
    return unmanagedTenantId(ISLAND_A, { namespace: 'kamaji-tenants', name });
  }

  it('spreads the islands, serves one fleet, takes over a crashed holder within 15 s', async () => {
    const before = Object.fromEntries(
      await Promise.all(
        ISLANDS.map(async i => [i, await openWatches(plane.kubeConfig(i))]),
      ),
    );
    const a = await startReplica('replica-a');
    const b = await startReplica('replica-b');
    await Promise.all([a.ready(), b.ready()]);

    // Every island and the management cluster held by exactly one replica.
    await waitFor(
      'every cluster watched by exactly one replica, all islands connected',
      () =>
        ['central', ...ISLANDS.map(islandId)].every(
          id => holdersOf(id).length === 1,
        ) &&
        connectedIslands(a) === 3 &&
        connectedIslands(b) === 3,
      30_000,
    );
    // The islands' API servers count one replica's watches each (the same kinds on each island).
    const added = await waitFor(
      'the watches open on every island',
      async () => {
        const counts = await Promise.all(
          ISLANDS.map(
            async i => (await openWatches(plane.kubeConfig(i))) - before[i],
          ),
        );
        return counts.every(c => c > 0 && c === counts[0]) && counts;
      },
    );
    const catalogHolders = [a, b].filter(s => s.holds('catalog'));
    expect(catalogHolders).toHaveLength(1);
    const first = await settled('both replicas at one version');
    expect(a.epoch).toBeDefined();
    expect(a.epoch).toBe(b.epoch);
    expect(first.islands.map(i => i.id)).toEqual(ISLANDS.map(islandId));

    // Follower lag: a tenant created on island-a, seen by each replica.
    const lags: Record<string, number[]> = { holder: [], follower: [] };
    for (const n of [1, 2, 3]) {
      const start = Date.now();
      const id = await addUnmanagedTenant(`replica-lag-${n}`);
      const holder = holdersOf(ISLAND_A)[0];
      await Promise.all(
        [...services].map(async ([name, s]) => {
          await waitFor(
            `${name} sees ${id}`,
            () => s.getCluster(id),
            10_000,
            10,
          );
          lags[name === holder ? 'holder' : 'follower'].push(
            Date.now() - start,
          );
        }),
      );
    }
    // Live updates: a client at replica A's version resumes on replica B with deltas only.
    const [nameA, nameB] = [...services.keys()];
    const clientSnapshot = services.get(nameA)!.getSnapshot();
    const clientEpoch = hubs.get(nameA)!.epoch;
    const id = await addUnmanagedTenant('replica-resume');
    await waitFor('replica B has the new tenant', () =>
      services.get(nameB)!.getCluster(id),
    );
    const hubB = hubs.get(nameB)!;
    expect(hubB.epoch).toBe(clientEpoch);
    const replay = hubB.deltasSince(clientSnapshot.version);
    expect(replay?.length).toBeGreaterThan(0);
    const resumed = replay!.reduce(
      (s, d) => applyFleetDelta(s, d.delta),
      clientSnapshot,
    );
    expect(nodesOf(resumed)).toBe(nodesOf(services.get(nameB)!.getSnapshot()));

    // An island declared without its kubeconfig Secret: its holder cannot connect, and every
    // replica, serving the fleet from the database, says why.
    const islandA = (await admin('central').get({
      apiVersion: 'cluster.x-k8s.io/v1beta2',
      kind: 'Cluster',
      metadata: { namespace: 'fleet-islands', name: 'island-a' },
    }))!;
    await applyAll(admin('central'), [
      {
        apiVersion: islandA.apiVersion,
        kind: islandA.kind,
        metadata: {
          namespace: 'fleet-islands',
          name: 'island-unsecreted',
          labels: islandA.metadata.labels,
        },
        spec: islandA.spec,
      },
    ]);
    const unsecreted = islandId('island-unsecreted');
    for (const [name, service] of services) {
      const island = await waitFor(
        `${name} to show why island-unsecreted is not connected`,
        () => {
          const node = service.getCluster(unsecreted) as any;
          return node?.connection.lastError?.includes('Secret') && node;
        },
      );
      expect(island.connection).toMatchObject({
        status: 'disconnected',
        lastError:
          'kubeconfig Secret fleet-islands/island-unsecreted-kubeconfig not found',
      });
      expect(island.staleness).toEqual({ stale: true });
    }

    // The holder of island-a crashes (its Leases are not released).
    await settled('settled before the takeover');
    const transitionsBefore = await store.transitions(new Date(0), new Date(), [
      ISLAND_A,
    ]);
    const [holderName] = holdersOf(ISLAND_A);
    const holder = services.get(holderName)!;
    const survivor = [...services].find(([n]) => n !== holderName)![1];
    const connectedSince = (survivor.getCluster(ISLAND_A) as any).connection
      .since;
    const syncedBefore = (await store.load()).get(ISLAND_A)?.lastSyncAt;
    const crashedAt = Date.now();
    await holder.stop({ releaseLeases: false });
    services.delete(holderName);
    hubs.get(holderName)!.stop();
    hubs.delete(holderName);
    const shown: string[] = [];
    await waitFor(
      'the survivor watches island-a',
      () => {
        shown.push(
          (survivor.getCluster(ISLAND_A) as any)?.connection.status ?? 'absent',
        );
        return survivor.watchedClusterIds().includes(ISLAND_A);
      },
      15_000,
      100,
    );
    const takeoverMs = Date.now() - crashedAt;
    await waitFor(
      'every cluster watched by the survivor',
      () =>
        ['central', ...ISLANDS.map(islandId)].every(i =>
          survivor.watchedClusterIds().includes(i),
        ),
      15_000,
    );
    await waitFor(
      'island-a listed by the survivor and saved',
      async () =>
        (await store.load()).get(ISLAND_A)?.status === 'connected' &&
        connectedIslands(survivor) === 3,
      15_000,
    );
    expect(new Set(shown)).toEqual(new Set(['connected']));
    // The takeover is no transition: "connected since" goes on from before it.
    const saved = await waitFor(
      'island-a saved by the survivor',
      async () => {
        const row = (await store.load()).get(ISLAND_A);
        return row?.lastSyncAt !== syncedBefore && row;
      },
      15_000,
    );
    expect(saved.since).toBe(connectedSince);
    const served = await waitFor('the survivor serving that row', () => {
      const connection = (survivor.getCluster(ISLAND_A) as any).connection;
      return connection.lastSyncAt === saved.lastSyncAt && connection;
    });
    expect(served.since).toBe(connectedSince);
    expect(
      await store.transitions(new Date(0), new Date(), [ISLAND_A]),
    ).toEqual(transitionsBefore);

    // eslint-disable-next-line no-console
    console.log(
      `replicas: watches added per island ${added.join(
        '/',
      )}; follower lag ms holder ${lags.holder.join(
        ',',
      )} follower ${lags.follower.join(
        ',',
      )}; takeover of island-a ${takeoverMs} ms`,
    );
    expect(takeoverMs).toBeLessThan(15_000);
    expect(Math.max(...lags.follower)).toBeLessThan(2_000);
  });

  it('shows on every replica why an island saved earlier cannot be connected to', async () => {
    // island-b's kubeconfig Secret goes while its holder is down: the next holders start from
    // what was saved of it, and cannot connect.
    const ISLAND_B = islandId('island-b');
    const [[lastName, last]] = [...services];
    const tenantsOnB = (s: KubeFleetService) =>
      s.getSnapshot().islands.find(i => i.id === ISLAND_B)?.tenantIds;
    const tenantsBefore = tenantsOnB(last);
    expect(tenantsBefore?.length).toBeGreaterThan(0);
    await admin('central').remove({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { namespace: 'fleet-islands', name: 'island-b-kubeconfig' },
    });
    await last.stop();
    services.delete(lastName);
    hubs.get(lastName)!.stop();
    hubs.delete(lastName);
    const saved = (await store.load()).get(ISLAND_B)!;
    expect(saved.status).toBe('connected');

    const c = await startReplica('replica-c');
    const d = await startReplica('replica-d');
    await Promise.all([c.ready(), d.ready()]);
    const reason =
      'kubeconfig Secret fleet-islands/island-b-kubeconfig not found';
    for (const [name, service] of services) {
      const island = await waitFor(
        `${name} to show why island-b is not connected`,
        () => {
          const node = service.getCluster(ISLAND_B) as any;
          return node?.connection.lastError === reason && node;
        },
        30_000,
      );
      expect(island.connection).toMatchObject({
        status: 'disconnected',
        since: saved.lastSeenAt,
      });
      expect(island.staleness).toEqual({
        stale: true,
        lastSeenAt: saved.lastSeenAt,
      });
      expect(tenantsOnB(service)).toEqual(tenantsBefore);
    }
    const history = await store.transitions(new Date(0), new Date(), [
      ISLAND_B,
    ]);
    expect(history.at(-1)).toMatchObject({
      status: 'disconnected',
      at: saved.lastSeenAt,
      reason,
    });
    expect(history.filter(t => t.status === 'disconnected')).toHaveLength(1);
  });
});
