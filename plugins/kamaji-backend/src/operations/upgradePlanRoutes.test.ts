import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  CENTRAL_TENANT,
  FACTORY_1,
  fixtureFleet,
  ISLAND_A,
  SHOP_1,
  SHOP_2,
} from '../api/__testUtils__/fleetFixture';
import { InMemoryFleetService } from '../api/__testUtils__/InMemoryFleetService';
import { startKamajiTestBackend } from '../api/__testUtils__/startKamajiTestBackend';
import { USERS } from '../api/__testUtils__/testPermissions';

const as = (user: string) => ({
  Authorization: mockCredentials.user.header(user),
});
const PLANS = '/api/kamaji/v1/upgrade-plans';

describe('/v1/upgrade-plans', () => {
  let backend: Awaited<ReturnType<typeof startKamajiTestBackend>>;

  beforeAll(async () => {
    backend = await startKamajiTestBackend({
      fleet: new InMemoryFleetService(fixtureFleet()),
    });
  });
  afterAll(() => backend?.backend.stop());

  const post = (path: string, user: string, body: object = {}) =>
    request(backend.server).post(path).set(as(user)).send(body);

  it('builds a draft plan with its preview, without starting it', async () => {
    const res = await post(PLANS, USERS.pat, { version: 'v1.35.2' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: 'draft',
      version: 'v1.35.2',
      createdBy: USERS.pat,
      waves: [
        { index: 0, name: 'canary', clusterIds: [FACTORY_1] },
        {
          index: 1,
          name: 'central (management cluster)',
          clusterIds: [CENTRAL_TENANT],
        },
        { index: 2, name: ISLAND_A, clusterIds: [SHOP_1] },
      ],
    });
    const shop2 = res.body.steps.find((s: any) => s.clusterId === SHOP_2);
    expect(shop2).toMatchObject({ state: 'refused', wave: -1 });
    expect(shop2.message).toMatch(/skips a minor release/);

    const listed = await request(backend.server).get(PLANS).set(as(USERS.pat));
    expect(listed.body.items.map((p: any) => p.id)).toContain(res.body.id);
  });

  it.each([
    ['offset[0]=5', 'offset'],
    ['limit=5&limit=6', 'limit'],
    ['limit[0]=5', 'limit'],
  ])(
    'refuses a page number given as a list (%s), naming the field',
    async (query, field) => {
      const res = await request(backend.server)
        .get(`${PLANS}?${query}`)
        .set(as(USERS.pat));
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(field);
    },
  );

  it('names the offending field of a bad body and creates nothing', async () => {
    const before = (await request(backend.server).get(PLANS).set(as(USERS.pat)))
      .body.page.total;
    const res = await post(PLANS, USERS.pat, {
      version: 'v1.35.2',
      maxConcurrent: 0,
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/maxConcurrent/);
    const after = (await request(backend.server).get(PLANS).set(as(USERS.pat)))
      .body.page.total;
    expect(after).toBe(before);
  });

  it('moves a plan through start, pause, resume and abort; refuses a wrong move with 409', async () => {
    const { body: plan } = await post(PLANS, USERS.pat, { version: 'v1.35.2' });
    const path = `${PLANS}/${plan.id}`;
    expect((await post(`${path}/pause`, USERS.pat)).status).toBe(409);
    expect((await post(`${path}/start`, USERS.pat)).body.status).toBe(
      'running',
    );
    expect((await post(`${path}/pause`, USERS.pat)).body.status).toBe('paused');
    expect((await post(`${path}/resume`, USERS.pat)).body.status).toBe(
      'running',
    );
    const aborted = await post(`${path}/abort`, USERS.pat);
    expect(aborted.body.status).toBe('aborted');
    expect(aborted.body.message).toBe(`aborted by ${USERS.pat}`);
    const resumed = await post(`${path}/resume`, USERS.pat);
    expect(resumed.status).toBe(409);
    expect(resumed.body.error.message).toMatch(
      /it is aborted \(resume works on a paused or halted plan\)/,
    );
  });

  it('answers a repeated read with 304 until the plan changes', async () => {
    const { body: plan } = await post(PLANS, USERS.pat, { version: 'v1.35.2' });
    const first = await request(backend.server)
      .get(`${PLANS}/${plan.id}`)
      .set(as(USERS.pat));
    const etag = first.headers.etag;
    expect(etag).toBe(`"plan-${plan.revision}"`);
    const same = await request(backend.server)
      .get(`${PLANS}/${plan.id}`)
      .set({ ...as(USERS.pat), 'If-None-Match': etag });
    expect(same.status).toBe(304);
    await post(`${PLANS}/${plan.id}/abort`, USERS.pat);
    const changed = await request(backend.server)
      .get(`${PLANS}/${plan.id}`)
      .set({ ...as(USERS.pat), 'If-None-Match': etag });
    expect(changed.status).toBe(200);
    expect(changed.body.status).toBe('aborted');
  });

  it('denies a user without kamaji.fleet.upgrade (403) and audits the attempt', async () => {
    const { body: plan } = await post(PLANS, USERS.pat, { version: 'v1.35.2' });
    const create = await post(PLANS, USERS.alice, { version: 'v1.35.2' });
    expect(create.status).toBe(403);
    expect(create.body.error.message).toMatch(/kamaji\.fleet\.upgrade/);
    expect((await post(`${PLANS}/${plan.id}/start`, USERS.alice)).status).toBe(
      403,
    );
    expect((await post(`${PLANS}/${plan.id}/abort`, USERS.alice)).status).toBe(
      403,
    );
    expect(
      (
        await request(backend.server)
          .get(`${PLANS}/${plan.id}`)
          .set(as(USERS.alice))
      ).status,
    ).toBe(403);
    const still = await request(backend.server)
      .get(`${PLANS}/${plan.id}`)
      .set(as(USERS.pat));
    expect(still.body.status).toBe('draft');

    const audit = await request(backend.server)
      .get('/api/kamaji/v1/audit')
      .query({ actor: USERS.alice, outcome: 'denied' })
      .set(as(USERS.pat));
    expect(audit.status).toBe(200);
    expect(
      audit.body.items.map((e: any) => [e.target, e.request.step]),
    ).toEqual([
      [`upgrade-plan/${plan.id}`, 'abort'],
      [`upgrade-plan/${plan.id}`, 'start'],
      ['upgrade-plan/new', 'create'],
    ]);
  });

  it('takes a token issued on behalf of a user (the scaffolder action kamaji:upgradeplan:create) as that user', async () => {
    const onBehalfOf = (user: string) => ({
      Authorization: mockCredentials.service.header({
        onBehalfOf: mockCredentials.user(user),
        targetPluginId: 'kamaji',
      }),
    });
    const before = (await request(backend.server).get(PLANS).set(as(USERS.pat)))
      .body.page.total;
    const denied = await request(backend.server)
      .post(PLANS)
      .set(onBehalfOf(USERS.alice))
      .send({ version: 'v1.35.2' });
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toMatch(/kamaji\.fleet\.upgrade/);
    expect(
      (await request(backend.server).get(PLANS).set(as(USERS.pat))).body.page
        .total,
    ).toBe(before);

    const created = await request(backend.server)
      .post(PLANS)
      .set(onBehalfOf(USERS.pat))
      .send({ version: 'v1.35.2' });
    expect(created.status).toBe(201);
    expect(created.body.createdBy).toBe(USERS.pat);
  });
});
