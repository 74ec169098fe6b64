import { mockCredentials } from '@backstage/backend-test-utils';
import {
  applyFleetDelta,
  FleetCluster,
  TenantNode,
} from '@kamaji-backstage/plugin-kamaji-common';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import {
  fixtureFleet,
  FACTORY_1,
  ISLAND_A,
  ISLAND_B,
  MC,
  SHOP_1,
  SHOP_2,
} from './__testUtils__/fleetFixture';
import { FleetEventHub } from './events';
import { InMemoryFleetService } from './__testUtils__/InMemoryFleetService';
import {
  CREDENTIAL_PATTERN,
  startKamajiTestBackend,
} from './__testUtils__/startKamajiTestBackend';
import { USERS } from './__testUtils__/testPermissions';

jest.setTimeout(60_000);

interface SseEvent {
  event?: string;
  id?: string;
  data?: any;
  comment?: string;
}

/** A minimal SSE client over node:http, keeping every event (and comment) it receives. */
class SseClient {
  readonly events: SseEvent[] = [];
  status?: number;
  headers?: http.IncomingHttpHeaders;
  raw = '';
  private buffer = '';
  private req?: http.ClientRequest;
  res?: http.IncomingMessage;
  private waiters: Array<() => void> = [];

  static open(
    port: number,
    path: string,
    headers: Record<string, string>,
  ): Promise<SseClient> {
    const client = new SseClient();
    return new Promise((resolve, reject) => {
      client.req = http.get({ host: '127.0.0.1', port, path, headers }, res => {
        client.res = res;
        client.status = res.statusCode;
        client.headers = res.headers;
        res.setEncoding('utf8');
        res.on('data', chunk => client.onData(chunk));
        resolve(client);
      });
      client.req.on('error', reject);
    });
  }

  private onData(chunk: string) {
    this.raw += chunk;
    this.buffer += chunk;
    for (
      let end = this.buffer.indexOf('\n\n');
      end >= 0;
      end = this.buffer.indexOf('\n\n')
    ) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const ev: SseEvent = {};
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) ev.comment = line.slice(1).trim();
        else if (line.startsWith('event: ')) ev.event = line.slice(7);
        else if (line.startsWith('id: ')) ev.id = line.slice(4);
        else if (line.startsWith('data: ')) ev.data = JSON.parse(line.slice(6));
      }
      this.events.push(ev);
    }
    for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves with the first event (from `from` on) matching the predicate. */
  async next(
    predicate: (e: SseEvent) => boolean,
    from = 0,
    timeoutMs = 5000,
  ): Promise<SseEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.slice(from).find(predicate);
      if (found) return found;
      if (Date.now() > deadline) {
        throw new Error(
          `no matching event within ${timeoutMs} ms; got ${JSON.stringify(
            this.events.map(e => e.event ?? `:${e.comment}`),
          )}`,
        );
      }
      await new Promise<void>(r => {
        const t = setTimeout(r, 50);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  dataEvents() {
    return this.events.filter(e => e.event);
  }

  pause() {
    this.res?.pause();
  }

  resume() {
    this.res?.resume();
  }

  close() {
    this.req?.destroy();
  }
}

const as = (user: string) => ({
  Authorization: mockCredentials.user.header(user),
});

describe('GET /v1/events', () => {
  let backend: Awaited<ReturnType<typeof startKamajiTestBackend>>;
  let port: number;
  let fleet: InMemoryFleetService;
  const clients: SseClient[] = [];

  const open = async (path: string, headers: Record<string, string>) => {
    const c = await SseClient.open(
      port,
      `/api/kamaji/v1/events${path}`,
      headers,
    );
    clients.push(c);
    return c;
  };
  const node = <T extends FleetCluster>(id: string) =>
    fleet.getCluster(id) as T;

  beforeAll(async () => {
    fleet = new InMemoryFleetService(fixtureFleet(10));
    backend = await startKamajiTestBackend({
      fleet,
      config: {
        kamaji: {
          api: {
            validateResponses: true,
            events: {
              heartbeatSeconds: 0.2,
              bufferSize: 3,
              maxQueuedKilobytes: 64,
            },
          },
        },
      },
    });
    port = (backend.server.address() as AddressInfo).port;
  });

  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });

  afterAll(async () => {
    await backend?.backend.stop();
  });

  it('sends the snapshot version first, then every delta, and heartbeats', async () => {
    const c = await open('', as(USERS.pat));
    expect(c.status).toBe(200);
    expect(c.headers!['content-type']).toMatch(/^text\/event-stream/);
    const first = await c.next(e => !!e.event);
    const version = fleet.getSnapshot().version;
    expect(first).toEqual({
      event: 'snapshot-version',
      id: String(version),
      data: {
        version,
        generatedAt: expect.any(String),
        epoch: expect.any(String),
      },
    });

    const shop1 = node<TenantNode>(SHOP_1);
    const delta = fleet.push({
      upserted: [
        { ...shop1, health: { status: 'degraded', reasons: ['test'] } },
      ],
    });
    const got = await c.next(e => e.event === 'delta');
    expect(got.id).toBe(String(delta.version));
    expect(got.data).toEqual(JSON.parse(JSON.stringify(delta)));
    await c.next(e => e.comment?.startsWith('heartbeat') ?? false);
  });

  it('filters deltas for an application team, removing what it may no longer see', async () => {
    const c = await open('', as(USERS.alice));
    await c.next(e => e.event === 'snapshot-version');
    const start = fleet.getSnapshot().version;

    // Another team's cluster changes: nothing for alice.
    fleet.push({
      upserted: [
        {
          ...node<TenantNode>(FACTORY_1),
          health: { status: 'unhealthy', reasons: [] },
        },
      ],
    });
    // Her own changes: the tenant, its island (re-projected) and the management cluster.
    const mine = fleet.push({
      upserted: [{ ...node<TenantNode>(SHOP_1), title: 'Shop one' }],
    });
    const d1 = await c.next(e => e.event === 'delta');
    expect(d1.id).toBe(String(mine.version));
    expect(d1.data.fromVersion).toBe(start);
    expect(d1.data.upserted.map((x: any) => x.id).sort()).toEqual(
      [ISLAND_A, MC, SHOP_1].sort(),
    );
    const island = d1.data.upserted.find((x: any) => x.id === ISLAND_A);
    expect(island.tenantIds).toEqual([SHOP_1]);
    expect(JSON.stringify(c.events)).not.toMatch(/factory-0001/);

    // SHOP_1 is handed to the factory team: alice loses it, and island-a with it.
    const given = fleet.push({
      upserted: [
        { ...node<TenantNode>(SHOP_1), owner: 'group:default/team-factory' },
      ],
    });
    const d2 = await c.next(
      e => e.event === 'delta' && e.id === String(given.version),
    );
    expect(d2.data.fromVersion).toBe(mine.version);
    expect(d2.data.removed.sort()).toEqual([ISLAND_A, SHOP_1].sort());

    // And gets it back.
    const back = fleet.push({
      upserted: [
        { ...node<TenantNode>(SHOP_1), owner: 'group:default/team-retail' },
      ],
    });
    const d3 = await c.next(
      e => e.event === 'delta' && e.id === String(back.version),
    );
    expect(d3.data.upserted.map((x: any) => x.id)).toContain(SHOP_1);
    expect(d3.data.upserted.map((x: any) => x.id)).toContain(ISLAND_A);
  });

  it('replays buffered deltas after since / Last-Event-ID, and asks for a resync when they are gone', async () => {
    const base = fleet.getSnapshot().version;
    const d1 = fleet.push({
      upserted: [{ ...node<TenantNode>(SHOP_2), title: 'one' }],
    });
    const d2 = fleet.push({
      upserted: [{ ...node<TenantNode>(SHOP_2), title: 'two' }],
    });

    const c = await open(`?since=${base}`, as(USERS.pat));
    const r1 = await c.next(e => e.event === 'delta');
    const r2 = await c.next(
      e => e.event === 'delta' && e.id === String(d2.version),
    );
    expect(r1.id).toBe(String(d1.version));
    expect(r2.data.upserted[0].title).toBe('two');
    expect(c.dataEvents().some(e => e.event === 'snapshot-version')).toBe(
      false,
    );

    const byHeader = await open('', {
      ...as(USERS.pat),
      'Last-Event-ID': String(d1.version),
    });
    const h = await byHeader.next(e => !!e.event);
    expect(h).toMatchObject({ event: 'delta', id: String(d2.version) });

    // Up to date: nothing to replay, nothing sent but heartbeats.
    const current = await open(`?since=${d2.version}`, as(USERS.pat));
    await current.next(e => e.comment?.startsWith('heartbeat') ?? false);
    expect(current.dataEvents()).toEqual([]);

    // The buffer holds 3 deltas: older versions are gone.
    for (let i = 0; i < 4; i++) {
      fleet.push({
        upserted: [{ ...node<TenantNode>(SHOP_2), title: `x${i}` }],
      });
    }
    const stale = await open(`?since=${base}`, as(USERS.pat));
    const resync = await stale.next(e => !!e.event);
    expect(resync).toMatchObject({
      event: 'resync',
      id: String(fleet.getSnapshot().version),
      data: {
        version: fleet.getSnapshot().version,
        reason: 'since-not-buffered',
      },
    });
    // From the future, or from another backend process: resync too.
    const future = await open(
      `?since=${fleet.getSnapshot().version + 5}`,
      as(USERS.pat),
    );
    expect((await future.next(e => !!e.event)).event).toBe('resync');
    const otherEpoch = await open(`?since=${base}&epoch=abc123`, as(USERS.pat));
    expect(await otherEpoch.next(e => !!e.event)).toMatchObject({
      event: 'resync',
      data: { reason: 'epoch' },
    });
    // The stream goes on after a resync.
    const after = fleet.push({
      upserted: [{ ...node<TenantNode>(SHOP_2), title: 'after' }],
    });
    expect((await stale.next(e => e.event === 'delta')).id).toBe(
      String(after.version),
    );
  });

  it('replays a filtered stream as one delta that removes what the team lost meanwhile', async () => {
    const since = fleet.getSnapshot().version;
    fleet.push({
      upserted: [
        { ...node<TenantNode>(SHOP_2), owner: 'group:default/team-factory' },
      ],
    });
    const c = await open(`?since=${since}`, as(USERS.alice));
    const d = await c.next(e => e.event === 'delta');
    expect(d.data.fromVersion).toBe(since);
    expect(d.data.removed).toContain(SHOP_2);
    expect(d.data.upserted.map((x: any) => x.id)).not.toContain(SHOP_2);
    const islandB = d.data.upserted.find((x: any) => x.id === ISLAND_B);
    expect(islandB).toBeUndefined();
    fleet.push({
      upserted: [
        { ...node<TenantNode>(SHOP_2), owner: 'group:default/team-retail' },
      ],
    });
  });

  it('answers 403 to a caller who may not read the fleet, and 401 without credentials', async () => {
    const eve = await open('', as(USERS.eve));
    expect(eve.status).toBe(403);
    const none = await open('', {
      Authorization: mockCredentials.none.header(),
    });
    expect(none.status).toBe(401);
  });

  it('takes the user cookie, for EventSource', async () => {
    const c = await open('', {
      Cookie: mockCredentials.limitedUser.cookie(USERS.alice),
    });
    expect(c.status).toBe(200);
    await c.next(e => e.event === 'snapshot-version');
  });

  it('lets go of a stream when the client disconnects', async () => {
    const c = await open('', as(USERS.pat));
    await c.next(e => !!e.event);
    const count = () =>
      new Promise<number>((resolve, reject) =>
        backend.server.getConnections((err, n) =>
          err ? reject(err) : resolve(n),
        ),
      );
    expect(await count()).toBeGreaterThanOrEqual(1);
    for (const x of clients.splice(0)) x.close();
    const deadline = Date.now() + 5000;
    while ((await count()) > 0 && Date.now() < deadline) {
      await new Promise(r => setTimeout(r, 50));
    }
    expect(await count()).toBe(0);
    // The fan-out still works with nobody listening.
    fleet.push({ upserted: [{ ...node<TenantNode>(SHOP_2), title: 'alone' }] });
  });

  it('drops deltas for a client that does not read, then sends it one resync', async () => {
    const c = await open('', as(USERS.pat));
    await c.next(e => !!e.event);
    c.pause();
    const big = 'x'.repeat(100_000);
    for (let i = 0; i < 120; i++) {
      fleet.push({
        upserted: [
          { ...node<TenantNode>(SHOP_2), labels: { big: `${i}${big}` } },
        ],
      });
    }
    const last = fleet.getSnapshot().version;
    c.resume();
    const resync = await c.next(e => e.event === 'resync', 0, 20_000);
    expect(resync.data.reason).toBe('client-too-slow');
    expect(Number(resync.id)).toBe(last);
    const deltas = c.events.filter(e => e.event === 'delta');
    // It got some of them before the backend stopped queueing, not all 120.
    expect(deltas.length).toBeLessThan(120);
    expect(backend.logger.lines.some(l => /too slow/.test(l))).toBe(true);
  });

  it('sends upgrade plan progress to callers allowed kamaji.fleet.upgrade only', async () => {
    const platform = await open('', as(USERS.pat));
    const team = await open('', as(USERS.alice));
    await platform.next(e => e.event === 'snapshot-version');
    await team.next(e => e.event === 'snapshot-version');

    const created = await request(backend.server)
      .post('/api/kamaji/v1/upgrade-plans')
      .set(as(USERS.pat))
      .send({ version: 'v1.35.2' });
    expect(created.status).toBe(201);
    const plan = created.body;
    const ofPlan = (e: SseEvent) =>
      e.event === 'upgrade-plan' && e.data.planId === plan.id;
    const first = await platform.next(ofPlan);
    expect(first.id).toBeUndefined();
    expect(first.data).toMatchObject({
      planId: plan.id,
      revision: expect.any(Number),
      updatedAt: expect.any(String),
    });
    // The first event of a plan carries every step.
    expect(first.data.steps.map((s: any) => s.clusterId).sort()).toEqual(
      plan.steps.map((s: any) => s.clusterId).sort(),
    );

    const started = await request(backend.server)
      .post(`/api/kamaji/v1/upgrade-plans/${plan.id}/start`)
      .set(as(USERS.pat))
      .send({});
    expect(started.status).toBe(200);
    const running = await platform.next(
      e => ofPlan(e) && e.data.revision >= started.body.revision,
    );
    expect(running.data.revision).toBeGreaterThan(first.data.revision);
    expect(['running', 'halted', 'succeeded']).toContain(running.data.status);

    // The team's stream is alive (heartbeats after the plan moved) but never saw the plan.
    const seen = team.events.length;
    await team.next(e => e.comment?.startsWith('heartbeat') ?? false, seen);
    await new Promise(r => setTimeout(r, 1500));
    expect(team.events.some(e => e.event === 'upgrade-plan')).toBe(false);
    expect(team.raw).not.toContain(plan.id);
  });

  it('never sends or logs credential material', () => {
    for (const line of backend.logger.lines) {
      expect(line).not.toMatch(CREDENTIAL_PATTERN);
    }
  });
});

describe('FleetEventHub with fleet-wide versions (replicas)', () => {
  const logger = { warn: jest.fn(), error: jest.fn() } as any;
  const tenantOf = (version: number) =>
    ({
      ...fixtureFleet(version).tenants[0],
      labels: { at: String(version) },
    } as TenantNode);

  it("uses the fleet epoch and replays from the greatest version it had at or below the client's", () => {
    const fleet = new InMemoryFleetService(fixtureFleet(10));
    fleet.epoch = 'db-epoch';
    const hub = new FleetEventHub(fleet, logger);
    hub.start();
    expect(hub.epoch).toBe('db-epoch');
    // This replica materialised 13 and 17 (another one may have had 12, 15, 16).
    fleet.push({ upserted: [tenantOf(13)] }, 13);
    fleet.push({ upserted: [tenantOf(17)] }, 17);
    expect(hub.deltasSince(10)!.map(b => b.delta.version)).toEqual([13, 17]);
    expect(hub.deltasSince(15)!.map(b => b.delta.version)).toEqual([17]);
    expect(hub.deltasSince(13)!.map(b => b.delta.version)).toEqual([17]);
    expect(hub.deltasSince(17)).toEqual([]);
    // A client from a replica further ahead: nothing to replay yet (the next deltas follow).
    expect(hub.deltasSince(19)).toEqual([]);
    // Older than anything buffered: a resync.
    expect(hub.deltasSince(9)).toBeUndefined();
    // Applied to a client at 15 (from another replica), the replay gives this replica's fleet.
    const client = { ...fleet.getSnapshot(), version: 15 };
    const resumed = hub
      .deltasSince(15)!
      .reduce((s, b) => applyFleetDelta(s, b.delta), client);
    expect(resumed.version).toBe(17);
    expect(resumed.tenants).toEqual(fleet.getSnapshot().tenants);
  });

  it('keeps exact replay with one replica', () => {
    const fleet = new InMemoryFleetService(fixtureFleet(10));
    const hub = new FleetEventHub(fleet, logger);
    hub.start();
    expect(hub.epoch).not.toBe(undefined);
    fleet.push({ upserted: [tenantOf(11)] });
    expect(hub.deltasSince(10)!.map(b => b.delta.version)).toEqual([11]);
    expect(hub.deltasSince(12)).toBeUndefined();
  });

  it('keeps at most half the fleet in changes: a client behind a larger change resyncs', () => {
    const fleet = new InMemoryFleetService(fixtureFleet(10));
    const hub = new FleetEventHub(fleet, logger);
    hub.start();
    const { tenants, islands, managementClusters } = fleet.getSnapshot();
    const relisted = [...tenants, ...islands, ...managementClusters].map(
      node => ({ ...node, labels: { relisted: 'yes' } } as FleetCluster),
    );
    fleet.push({ upserted: relisted }); // version 11 changes every node
    fleet.push({ upserted: [tenantOf(12)] });
    expect(hub.deltasSince(11)!.map(b => b.delta.version)).toEqual([12]);
    expect(hub.deltasSince(10)).toBeUndefined();
  });
});
