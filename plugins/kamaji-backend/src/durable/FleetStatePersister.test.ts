import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { migratedDatabase } from '../database/__testUtils__/testDatabases';
import type { ConnectionState } from '@kamaji-backstage/plugin-kamaji-common';
import { FleetStatePersister, PersistableSource } from './FleetStatePersister';
import { FleetStateStore, UplinkTransition } from './FleetStateStore';

const databases = TestDatabases.create({
  ids: ['SQLITE_3'],
  disableDocker: true,
});
const ISLAND = 'central/fleet-islands/island-a';

/** A watched cluster with kinds of items and revisions, as the persister reads it. */
class Source implements PersistableSource {
  synced = true;
  connection: ConnectionState = {
    status: 'connected',
    since: '2026-12-04T09:00:00.000Z',
  };
  seen = new Date('2026-12-04T10:00:00.000Z');
  private readonly kinds = new Map<string, Map<string, unknown>>();
  private readonly revisions = new Map<string, number>();

  set(kind: string, items: Record<string, unknown>) {
    this.kinds.set(kind, new Map(Object.entries(items)));
    this.revisions.set(kind, (this.revisions.get(kind) ?? 0) + 1);
  }
  lastSeen() {
    return { kinds: [...this.kinds.keys()], lastSeenAt: this.seen };
  }
  revision(kind: string) {
    return this.revisions.get(kind) ?? 0;
  }
  items<T>(kind: string): ReadonlyMap<string, T> {
    return (this.kinds.get(kind) ?? new Map()) as ReadonlyMap<string, T>;
  }
}

async function setUp() {
  const knex = await migratedDatabase(databases, 'SQLITE_3');
  const store = new FleetStateStore(knex);
  const central = new Source();
  const island = new Source();
  const fleet = {
    clusters: [
      { id: 'central', source: central },
      { id: ISLAND, source: island },
    ],
    gone: new Set<string>(),
    transitions: [] as UplinkTransition[],
  };
  const persister = new FleetStatePersister(
    store,
    {
      watched: () => fleet.clusters,
      isGone: id => fleet.gone.has(id),
      drainTransitions: () => fleet.transitions.splice(0),
    },
    { writeIntervalMs: 60_000, lastSeenIntervalMs: 60_000 },
    mockServices.logger.mock(),
  );
  return { store, central, island, fleet, persister };
}

describe('FleetStatePersister', () => {
  it('writes only what changed, records deletions, never saves Secrets', async () => {
    const { store, central, island, persister } = await setUp();
    central.set('Cluster', { 'ns/a': { name: 'a' }, 'ns/b': { name: 'b' } });
    central.set('Secret', { 'ns/a-kubeconfig': { data: { value: 'x' } } });
    island.set('TenantControlPlane', { 'k/a': { version: 'v1.34.2' } });
    island.set('DataStore', {});
    await persister.flush();
    expect(persister.stats.objectRows).toBe(3);
    let saved = await store.load();
    expect(saved.get('central')!.kinds.has('Secret')).toBe(false);
    expect([...saved.get(ISLAND)!.kinds.keys()].sort()).toEqual([
      'DataStore',
      'TenantControlPlane',
    ]);

    // A relist with the same content (new objects): nothing to write.
    const statements = persister.stats.statements;
    central.set('Cluster', { 'ns/a': { name: 'a' }, 'ns/b': { name: 'b' } });
    await persister.flush();
    expect(persister.stats.statements).toBe(statements);

    // One change and one deletion: two rows.
    central.set('Cluster', { 'ns/a': { name: 'a', phase: 'Provisioned' } });
    await persister.flush();
    expect(persister.stats.objectRows).toBe(5);
    saved = await store.load();
    expect([...saved.get('central')!.kinds.get('Cluster')!]).toEqual([
      ['ns/a', { name: 'a', phase: 'Provisioned' }],
    ]);
  });

  it('saves the connection when it changes, "last seen" of a connected cluster at most every interval and at the end', async () => {
    const { store, island, persister } = await setUp();
    island.set('TenantControlPlane', {});
    await persister.flush();
    const rows = persister.stats.connectionRows;
    island.seen = new Date('2026-12-04T10:00:30.000Z');
    await persister.flush();
    expect(persister.stats.connectionRows).toBe(rows); // within the interval
    island.connection = {
      status: 'disconnected',
      since: '2026-12-04T10:00:40.000Z',
      lastError: 'GET /readyz: ECONNREFUSED',
    };
    await persister.flush();
    expect((await store.load()).get(ISLAND)).toMatchObject({
      status: 'disconnected',
      since: '2026-12-04T10:00:40.000Z',
      lastSeenAt: '2026-12-04T10:00:30.000Z',
      lastError: 'GET /readyz: ECONNREFUSED',
    });
    island.connection = { status: 'connected', since: '2026-12-04T10:05:00Z' };
    await persister.stop();
    // Connected at the last word: seen at shutdown.
    const last = (await store.load()).get(ISLAND)!;
    expect(Date.parse(last.lastSeenAt)).toBeGreaterThan(
      Date.parse('2026-12-04T10:05:00Z'),
    );
  });

  it('leaves a cluster not listed since start as saved, forgets one that is gone, records transitions', async () => {
    const { store, central, island, fleet, persister } = await setUp();
    central.set('Cluster', {});
    island.set('TenantControlPlane', { 'k/a': { version: 'v1.34.2' } });
    await persister.flush();

    island.synced = false;
    island.set('TenantControlPlane', {});
    await persister.flush();
    expect(
      (await store.load()).get(ISLAND)!.kinds.get('TenantControlPlane')!.size,
    ).toBe(1);

    fleet.transitions.push({
      clusterId: ISLAND,
      at: '2026-12-04T10:00:00.000Z',
      status: 'disconnected',
      reason: 'GET /readyz: ECONNREFUSED',
    });
    fleet.clusters = fleet.clusters.filter(c => c.id !== ISLAND);
    await persister.flush();
    expect((await store.load()).has(ISLAND)).toBe(true); // not known to be gone
    fleet.gone.add(ISLAND);
    await persister.flush();
    expect([...(await store.load()).keys()]).toEqual(['central']);
    expect(persister.stats.transitions).toBe(1);
    expect(
      await store.transitions(new Date(0), new Date(), [ISLAND]),
    ).toHaveLength(1);
  });
});
