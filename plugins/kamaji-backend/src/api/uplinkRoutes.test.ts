import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import request from 'supertest';
import { FleetStateStore } from '../durable/FleetStateStore';
import { kamajiPlugin } from '../plugin';
import { fixtureFleet, ISLAND_A, ISLAND_B } from './__testUtils__/fleetFixture';
import { InMemoryFleetService } from './__testUtils__/InMemoryFleetService';
import { CapturingLogger } from './__testUtils__/startKamajiTestBackend';
import { TestPermissions, USERS } from './__testUtils__/testPermissions';

jest.setTimeout(60_000);

const databases = TestDatabases.create({
  ids: ['SQLITE_3'],
  disableDocker: true,
});
const as = (user: string) => ({
  Authorization: mockCredentials.user.header(user),
});
const HOUR = 3_600_000;

describe('uplink history routes', () => {
  let server: any;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  const fleet = new InMemoryFleetService(fixtureFleet());
  const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
  /** A time as a query parameter (its colons encoded). */
  const param = (ms: number) => encodeURIComponent(ago(ms));

  beforeAll(async () => {
    const knex = await databases.init('SQLITE_3');
    const permissions = new TestPermissions();
    backend = await startTestBackend({
      features: [
        kamajiPlugin,
        fleet.factory(),
        permissions.factory(),
        mockServices.database.factory({ knex }),
        createServiceFactory({
          service: coreServices.rootLogger,
          deps: {},
          factory: () => new CapturingLogger(),
        }),
        mockServices.rootConfig.factory({
          data: { kamaji: { api: { validateResponses: true } } },
        }),
      ],
    });
    server = backend.server;
    // island-a: two outages in the last day (1 h and 30 min); island-b: up all along.
    const store = new FleetStateStore(knex);
    const history: Array<[string, number, any, string?]> = [
      [ISLAND_A, 30 * HOUR, 'connected'],
      [ISLAND_A, 10 * HOUR, 'disconnected', 'GET /readyz: ECONNREFUSED'],
      [ISLAND_A, 9 * HOUR, 'connected'],
      [
        ISLAND_A,
        2 * HOUR,
        'disconnected',
        'GET /readyz: timeout after 3000 ms',
      ],
      [ISLAND_A, 1.5 * HOUR, 'connected'],
      [ISLAND_B, 30 * HOUR, 'connected'],
    ];
    for (const [clusterId, before, status, reason] of history) {
      await store.recordTransition({
        clusterId,
        at: ago(before),
        status,
        reason,
      });
    }
  });

  afterAll(async () => {
    await backend?.stop();
  });

  it('ranks the islands a caller may see by availability, flakiest first', async () => {
    const res = await request(server)
      .get('/api/kamaji/v1/uplink?window=24h')
      .set(as(USERS.pat));
    expect(res.status).toBe(200);
    expect(res.body.window).toBe('24h');
    expect(res.body.items.map((i: any) => i.clusterId)).toEqual([
      ISLAND_A,
      ISLAND_B,
    ]);
    const [a, b] = res.body.items;
    const day = a.periods.find((p: any) => p.window === '24h');
    expect(day.outages).toBe(2);
    expect(day.longestOutageSeconds).toBe(3600);
    expect(day.downtimeSeconds).toBe(5400);
    expect(day.availability).toBeCloseTo(1 - 1.5 / 24, 4);
    expect(a.current).toMatchObject({ status: 'connected' });
    expect(a.current.seconds).toBeGreaterThanOrEqual(1.5 * 3600 - 1);
    expect(b.periods.find((p: any) => p.window === '24h')).toMatchObject({
      availability: 1,
      outages: 0,
    });
    // Over 30 days only 30 h were observed: availability is over the observed time.
    const month = a.periods.find((p: any) => p.window === '30d');
    expect(month.observedSeconds).toBeGreaterThanOrEqual(30 * 3600 - 1);
    expect(month.availability).toBeCloseTo(1 - 1.5 / 30, 4);

    // team-retail has tenants on both islands; eve, in no team, sees no island.
    const alice = await request(server)
      .get('/api/kamaji/v1/uplink')
      .set(as(USERS.alice));
    expect(alice.body.window).toBe('7d');
    expect(alice.body.items.map((i: any) => i.clusterId)).toEqual([
      ISLAND_A,
      ISLAND_B,
    ]);
    const eve = await request(server)
      .get('/api/kamaji/v1/uplink')
      .set(as(USERS.eve));
    expect(eve.body.items).toEqual([]);
  });

  it("gives an island's timeline for a period, with the reason of each outage", async () => {
    const res = await request(server)
      .get(
        `/api/kamaji/v1/islands/central/fleet-islands/island-a/uplink?from=${param(
          12 * HOUR,
        )}`,
      )
      .set(as(USERS.pat));
    expect(res.body).toMatchObject({ clusterId: ISLAND_A });
    expect(
      res.body.segments.map((s: any) => [s.status, s.reason ?? null]),
    ).toEqual([
      ['connected', null],
      ['disconnected', 'GET /readyz: ECONNREFUSED'],
      ['connected', null],
      ['disconnected', 'GET /readyz: timeout after 3000 ms'],
      ['connected', null],
    ]);
    // The first segment starts at the period's start (the status holding then).
    expect(res.body.segments[0].from).toBe(res.body.from);
    expect(res.body.segments.at(-1).to).toBe(res.body.to);
    expect(res.body.stats.periods).toHaveLength(3);

    // Before any transition the status is unknown.
    const older = await request(server)
      .get(
        `/api/kamaji/v1/islands/central/fleet-islands/island-b/uplink?from=${param(
          40 * HOUR,
        )}&to=${param(20 * HOUR)}`,
      )
      .set(as(USERS.alice));
    expect(older.status).toBe(200);
    expect(older.body.segments.map((s: any) => s.status)).toEqual([
      'unknown',
      'connected',
    ]);
  });

  it('completes the history with a transition the fleet shows and the database does not have yet', async () => {
    // The persister writes in batches: for a few seconds only the fleet model knows of it.
    const since = ago(60_000);
    const snapshot = fixtureFleet();
    snapshot.islands = snapshot.islands.map(i =>
      i.id === ISLAND_B
        ? { ...i, connection: { status: 'disconnected' as const, since } }
        : i,
    );
    fleet.replace(snapshot);
    try {
      const res = await request(server)
        .get('/api/kamaji/v1/islands/central/fleet-islands/island-b/uplink')
        .set(as(USERS.pat));
      expect(res.body.segments.map((s: any) => s.status)).toEqual([
        'connected',
        'disconnected',
      ]);
      expect(res.body.segments.at(-1).from).toBe(since);
      expect(res.body.stats.current).toMatchObject({
        status: 'disconnected',
        since,
      });
      const ranking = await request(server)
        .get('/api/kamaji/v1/uplink?window=24h')
        .set(as(USERS.pat));
      const b = ranking.body.items.find((i: any) => i.clusterId === ISLAND_B);
      expect(b.current.status).toBe('disconnected');
    } finally {
      fleet.replace(fixtureFleet());
    }
    // Once the fleet agrees with the database again, the history is what was recorded.
    const after = await request(server)
      .get('/api/kamaji/v1/islands/central/fleet-islands/island-b/uplink')
      .set(as(USERS.pat));
    expect(after.body.stats.current.status).toBe('connected');
  });

  it('hides islands the caller may not read and names bad parameters', async () => {
    const hidden = await request(server)
      .get('/api/kamaji/v1/islands/central/fleet-islands/island-a/uplink')
      .set(as(USERS.eve));
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.message).toBe(`No island with id ${ISLAND_A}`);

    const bad = await request(server)
      .get(
        '/api/kamaji/v1/islands/central/fleet-islands/island-b/uplink?from=yesterday',
      )
      .set(as(USERS.pat));
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/from must be an ISO 8601 time/);

    const reversed = await request(server)
      .get(
        `/api/kamaji/v1/islands/central/fleet-islands/island-b/uplink?from=${param(
          HOUR,
        )}&to=${param(2 * HOUR)}`,
      )
      .set(as(USERS.pat));
    expect(reversed.status).toBe(400);
    expect(reversed.body.error.message).toMatch(/from must be before to/);

    const window = await request(server)
      .get('/api/kamaji/v1/uplink?window=1y')
      .set(as(USERS.pat));
    expect(window.status).toBe(400);
    expect(window.body.error.message).toMatch(/window/);
  });
});
