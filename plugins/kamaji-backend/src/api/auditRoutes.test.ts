import { createBackendPlugin } from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import { NewAuditEvent } from '@kamaji-backstage/plugin-kamaji-common';
import {
  KamajiAuditService,
  kamajiAuditServiceRef,
} from '@kamaji-backstage/plugin-kamaji-node';
import request from 'supertest';
import {
  FACTORY_1,
  fixtureFleet,
  ISLAND_A,
  SHOP_1,
} from './__testUtils__/fleetFixture';
import { InMemoryFleetService } from './__testUtils__/InMemoryFleetService';
import { startKamajiTestBackend } from './__testUtils__/startKamajiTestBackend';
import { TestPermissions, USERS } from './__testUtils__/testPermissions';

jest.setTimeout(60_000);

const as = (user: string) => ({
  Authorization: mockCredentials.user.header(user),
});

/** Another plugin writing the trail through the kamaji-node service, as the scaffolder module does. */
let writer: KamajiAuditService;
const otherPlugin = createBackendPlugin({
  pluginId: 'other',
  register(env) {
    env.registerInit({
      deps: { audit: kamajiAuditServiceRef },
      async init({ audit }) {
        writer = audit;
      },
    });
  },
});

const FAILED_TRY = 'central/fleet-tenants/shop-0009';

function event(
  actor: string,
  target: string,
  overrides: Partial<NewAuditEvent> = {},
): NewAuditEvent {
  return {
    occurredAt: '2026-12-01T10:00:00.000Z',
    actor,
    actorType: 'user',
    action: 'create',
    target,
    result: 'success',
    status: 201,
    ...overrides,
  };
}

describe('GET /v1/audit', () => {
  let backend: Awaited<ReturnType<typeof startKamajiTestBackend>>;
  const permissions = new TestPermissions();
  const audit = (query: string, user: string) =>
    request(backend.server).get(`/api/kamaji/v1/audit${query}`).set(as(user));
  const targets = (res: request.Response) =>
    res.body.items.map((i: { target: string }) => i.target).sort();

  beforeAll(async () => {
    backend = await startKamajiTestBackend({
      fleet: new InMemoryFleetService(fixtureFleet()),
      permissions,
      features: [otherPlugin],
    });
    await writer.record(event(USERS.pat, SHOP_1));
    await writer.record(
      event(USERS.bob, FACTORY_1, { occurredAt: '2026-12-02T10:00:00.000Z' }),
    );
    await writer.record(
      event(USERS.alice, FAILED_TRY, {
        result: 'failure',
        status: 400,
        message: 'namespace: does not exist',
      }),
    );
    await writer.record(
      event(USERS.pat, 'upgrade-plan/p1', {
        action: 'upgrade',
        status: 200,
        request: { planId: 'p1', step: 'start' },
      }),
    );
    await writer.record(
      event(USERS.pat, ISLAND_A, { action: 'scale', status: 200 }),
    );
  });

  afterAll(async () => {
    await backend?.backend.stop();
  });

  it('gives the platform team every record, newest first, paged', async () => {
    const all = await audit('', USERS.pat);
    expect(all.status).toBe(200);
    expect(all.body.page).toEqual({ total: 5, offset: 0, limit: 50 });
    expect(all.body.items[0]).toMatchObject({ target: ISLAND_A });
    const page = await audit('?limit=2&offset=1', USERS.pat);
    expect(page.body.items.map((i: any) => i.target)).toEqual([
      'upgrade-plan/p1',
      FAILED_TRY,
    ]);
    expect(page.body.page.total).toBe(5);
  });

  it('filters by cluster, actor, action, outcome and period', async () => {
    expect(targets(await audit(`?cluster=${SHOP_1}`, USERS.pat))).toEqual([
      SHOP_1,
    ]);
    expect(
      targets(
        await audit(`?actor=${encodeURIComponent(USERS.bob)}`, USERS.pat),
      ),
    ).toEqual([FACTORY_1]);
    expect(
      targets(await audit('?action=create&outcome=success', USERS.pat)),
    ).toEqual([FACTORY_1, SHOP_1]);
    expect(targets(await audit('?outcome=failure', USERS.pat))).toEqual([
      FAILED_TRY,
    ]);
    const period = await audit(
      '?from=2026-12-02T00:00:00Z&to=2026-12-03T00:00:00Z',
      USERS.pat,
    );
    expect(targets(period)).toEqual([FACTORY_1]);
  });

  it("gives a team its clusters' records (and the islands hosting them) and its own attempts only", async () => {
    const alice = await audit('', USERS.alice);
    expect(alice.status).toBe(200);
    expect(targets(alice)).toEqual([FAILED_TRY, ISLAND_A, SHOP_1].sort());
    expect(alice.body.page.total).toBe(3);

    const bob = await audit('', USERS.bob);
    expect(targets(bob)).toEqual([FACTORY_1, ISLAND_A].sort());
  });

  it("never lets a filter or a count reveal another team's records", async () => {
    for (const query of [
      `?cluster=${FACTORY_1}`,
      `?actor=${encodeURIComponent(USERS.bob)}`,
      '?cluster=upgrade-plan/p1',
      '?from=2026-12-02T00:00:00Z',
    ]) {
      const res = await audit(query, USERS.alice);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        items: [],
        page: { total: 0, offset: 0, limit: 50 },
      });
    }
  });

  it('refuses a user who may read neither the trail nor any cluster', async () => {
    const res = await audit('', USERS.eve);
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain('kamaji.audit.read');
  });

  it('writes exactly one record per denied day-2 action, naming the actor', async () => {
    const before = (await audit('', USERS.pat)).body.page.total;
    const res = await request(backend.server)
      .delete('/api/kamaji/v1/clusters/central/fleet-tenants/shop-0001')
      .query({ confirm: 'shop-0001' })
      .set(as(USERS.alice));
    expect(res.status).toBe(403);
    const after = await audit('', USERS.pat);
    expect(after.body.page.total).toBe(before + 1);
    expect(after.body.items[0]).toMatchObject({
      actor: USERS.alice,
      actorType: 'user',
      action: 'delete',
      target: SHOP_1,
      result: 'denied',
      status: 403,
    });
    // The owner sees the denial on its cluster; the other team does not.
    expect((await audit('?outcome=denied', USERS.alice)).body.page.total).toBe(
      1,
    );
    expect((await audit('?outcome=denied', USERS.bob)).body.page.total).toBe(0);
  });
});
