import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  compactTenant,
  expandFleetSnapshot,
  type FleetSnapshotResponse,
} from '@kamaji-backstage/plugin-kamaji-common';
import {
  fixtureFleet,
  CENTRAL_TENANT,
  FACTORY_1,
  FACTORY_2,
  ISLAND_A,
  ISLAND_B,
  LEGACY,
  MC,
  SHOP_1,
  SHOP_2,
} from './__testUtils__/fleetFixture';
import { InMemoryFleetService } from './__testUtils__/InMemoryFleetService';
import {
  CREDENTIAL_PATTERN,
  startKamajiTestBackend,
} from './__testUtils__/startKamajiTestBackend';
import { TestPermissions, USERS } from './__testUtils__/testPermissions';

jest.setTimeout(60_000);

const as = (user: string) => ({
  Authorization: mockCredentials.user.header(user),
});
const asService = () => ({ Authorization: mockCredentials.service.header() });
const anonymous = () => ({ Authorization: mockCredentials.none.header() });

const ids = (list: Array<{ id: string }>) => list.map(c => c.id).sort();
const sorted = (list: string[]) => [...list].sort();

describe('kamaji router', () => {
  let server: any;
  let backend: Awaited<ReturnType<typeof startKamajiTestBackend>>;
  const permissions = new TestPermissions();
  const fleet = new InMemoryFleetService(fixtureFleet());
  const bodies: string[] = [];

  const get = (path: string, headers: Record<string, string>) =>
    request(server)
      .get(path)
      .set(headers)
      .then(r => {
        bodies.push(r.text ?? '');
        return r;
      });
  const post = (path: string, headers: Record<string, string>, body: any) =>
    request(server)
      .post(path)
      .set(headers)
      .send(body)
      .then(r => {
        bodies.push(r.text ?? '');
        return r;
      });
  const del = (path: string, headers: Record<string, string>) =>
    request(server)
      .delete(path)
      .set(headers)
      .then(r => {
        bodies.push(r.text ?? '');
        return r;
      });

  beforeAll(async () => {
    backend = await startKamajiTestBackend({ fleet, permissions });
    server = backend.server;
  });

  afterAll(async () => {
    await backend?.backend.stop();
  });

  beforeEach(() => {
    permissions.overrides = {};
  });

  describe('authentication', () => {
    it('serves /health without credentials', async () => {
      const res = await get('/api/kamaji/health', anonymous());
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ok' });
    });

    it.each([
      '/api/kamaji/v1/fleet',
      `/api/kamaji/v1/clusters/by-id?id=${encodeURIComponent(SHOP_1)}`,
      '/api/kamaji/v1/clusters/central/fleet-tenants/shop-0001',
      '/api/kamaji/v1/islands/central/fleet-islands/island-a',
      '/api/kamaji/v1/events',
      '/api/kamaji/v1/audit',
      '/api/kamaji/openapi.json',
    ])('refuses %s without credentials', async path => {
      const res = await get(path, anonymous());
      expect(res.status).toBe(401);
    });

    it('refuses actions without credentials', async () => {
      const base = '/api/kamaji/v1/clusters/central/fleet-tenants/shop-0001';
      expect(
        (await post(`${base}/upgrade`, anonymous(), { version: 'v1.35.0' }))
          .status,
      ).toBe(401);
      expect(
        (await post(`${base}/scale`, anonymous(), { pool: 'a', replicas: 1 }))
          .status,
      ).toBe(401);
      expect((await del(`${base}?confirm=shop-0001`, anonymous())).status).toBe(
        401,
      );
    });

    it('serves its OpenAPI spec', async () => {
      const res = await get('/api/kamaji/openapi.json', as(USERS.pat));
      expect(res.status).toBe(200);
      expect(Object.keys(res.body.paths)).toContain('/api/kamaji/v1/fleet');
    });
  });

  describe('GET /v1/fleet', () => {
    it('gives the platform team the whole fleet, with an ETag', async () => {
      const res = await get('/api/kamaji/v1/fleet', as(USERS.pat));
      expect(res.status).toBe(200);
      expect(ids(res.body.tenants)).toEqual(
        [CENTRAL_TENANT, FACTORY_1, FACTORY_2, LEGACY, SHOP_1, SHOP_2].sort(),
      );
      expect(ids(res.body.islands)).toEqual([ISLAND_A, ISLAND_B]);
      expect(ids(res.body.managementClusters)).toEqual([MC]);
      expect(res.body.addonSets).toHaveLength(3);
      expect(res.body.page).toEqual({ total: 6, offset: 0, limit: 200 });
      expect(res.body.version).toBe(10);
      expect(res.body.epoch).toMatch(/^[a-z0-9]+$/);
      expect(res.headers.etag).toMatch(/^"fleet-/);

      const again = await get('/api/kamaji/v1/fleet', {
        ...as(USERS.pat),
        'If-None-Match': res.headers.etag,
      });
      expect(again.status).toBe(304);
      expect(again.text).toBe('');
    });

    it('serves the cached page gzip-compressed once per version, and plain to clients that ask for identity (HEAD too)', async () => {
      const zipped = await get('/api/kamaji/v1/fleet', {
        ...as(USERS.pat),
        'Accept-Encoding': 'gzip',
      });
      expect(zipped.status).toBe(200);
      expect(zipped.headers['content-encoding']).toBe('gzip');
      expect(zipped.headers.vary).toMatch(/Accept-Encoding/);
      expect(zipped.body.page.total).toBe(6);

      const uncompressed = await get('/api/kamaji/v1/fleet', {
        ...as(USERS.pat),
        'Accept-Encoding': 'identity',
      });
      expect(uncompressed.status).toBe(200);
      expect(uncompressed.headers['content-encoding']).toBeUndefined();
      expect(uncompressed.body).toEqual(zipped.body);

      const head = await request(server)
        .head('/api/kamaji/v1/fleet')
        .set({ ...as(USERS.pat), 'Accept-Encoding': 'identity' });
      expect(head.status).toBe(200);
      expect(head.headers.etag).toBe(uncompressed.headers.etag);
      expect(head.text ?? '').toBe('');
    });

    it('serves one page holding the whole fleet as it is, tenants whole, once per version', async () => {
      const res = await get('/api/kamaji/v1/fleet?limit=1000', as(USERS.pat));
      const again = await get('/api/kamaji/v1/fleet?limit=1000', asService());
      expect(res.body).toEqual({
        ...fleet.getSnapshot(),
        page: { total: 6, offset: 0, limit: 1000 },
        epoch: expect.any(String),
      });
      expect(again.text).toBe(res.text);
      expect(again.headers.etag).toBe(res.headers.etag);
    });

    it('gives a service principal the whole fleet', async () => {
      const res = await get('/api/kamaji/v1/fleet', asService());
      expect(res.status).toBe(200);
      expect(res.body.tenants).toHaveLength(6);
    });

    it('shows an application team its tenants and where they run, nothing of the others', async () => {
      const res = await get('/api/kamaji/v1/fleet', as(USERS.alice));
      expect(res.status).toBe(200);
      // Cached per version and per decision: never the fleet-wide reader's ETag.
      const everything = await get('/api/kamaji/v1/fleet', as(USERS.pat));
      expect(res.headers.etag).toMatch(/^"fleet-/);
      expect(res.headers.etag).not.toBe(everything.headers.etag);
      expect(ids(res.body.tenants)).toEqual([SHOP_1, SHOP_2]);
      expect(ids(res.body.islands)).toEqual([ISLAND_A, ISLAND_B]);
      const islandA = res.body.islands.find((i: any) => i.id === ISLAND_A);
      expect(islandA.tenantIds).toEqual([SHOP_1]);
      expect(islandA.tenantHealth).toEqual({
        healthy: 1,
        progressing: 0,
        degraded: 0,
        unhealthy: 0,
        unknown: 0,
      });
      expect(islandA.dataStores[0].usedBy).toEqual([SHOP_1]);
      const [mgmt] = res.body.managementClusters;
      expect(mgmt.tenantIds).toEqual([]);
      expect(mgmt.islandIds).toEqual([ISLAND_A, ISLAND_B]);
      expect(res.body.addonSets.map((a: any) => a.name).sort()).toEqual([
        'retail-cni',
        'tenant-baseline',
      ]);
      const baseline = res.body.addonSets.find(
        (a: any) => a.name === 'tenant-baseline',
      );
      expect(baseline.matchingClusterIds.sort()).toEqual([SHOP_1, SHOP_2]);
      expect(JSON.stringify(res.body)).not.toMatch(/factory|legacy|hq-0001/);
    });

    it('shows the factory team its own clusters, the one in the management cluster included', async () => {
      const res = await get('/api/kamaji/v1/fleet', as(USERS.bob));
      expect(ids(res.body.tenants)).toEqual(
        sorted([CENTRAL_TENANT, FACTORY_1, FACTORY_2]),
      );
      expect(res.body.managementClusters[0].tenantIds).toEqual([
        CENTRAL_TENANT,
      ]);
      expect(JSON.stringify(res.body)).not.toMatch(/shop-000/);
    });

    it('answers 403 when the read permission is denied', async () => {
      expect((await get('/api/kamaji/v1/fleet', as(USERS.eve))).status).toBe(
        403,
      );
      permissions.overrides = { 'kamaji.cluster.read': { '*': 'DENY' } };
      const res = await get('/api/kamaji/v1/fleet', as(USERS.pat));
      expect(res.status).toBe(403);
      expect(res.body.error.name).toBe('NotAllowedError');
    });

    it('applies ALLOW and CONDITIONAL answers as given', async () => {
      permissions.overrides = {
        'kamaji.cluster.read': {
          [USERS.alice]: 'ALLOW',
          [USERS.pat]: 'CONDITIONAL',
        },
      };
      const alice = await get('/api/kamaji/v1/fleet', as(USERS.alice));
      expect(alice.body.tenants).toHaveLength(6);
      // The platform team owns the islands and the management cluster, no tenant.
      const pat = await get('/api/kamaji/v1/fleet', as(USERS.pat));
      expect(pat.body.tenants).toEqual([]);
      expect(ids(pat.body.islands)).toEqual([ISLAND_A, ISLAND_B]);
      expect(pat.body.islands[0].tenantIds).toEqual([]);
      expect(pat.body.addonSets).toEqual([]);
    });

    it.each<[string, string[], string[]?]>([
      // island-a is degraded by its unhealthy unmanaged tenant.
      ['health=degraded', [SHOP_2], [ISLAND_A]],
      ['health=degraded&health=progressing', [FACTORY_2, SHOP_2], [ISLAND_A]],
      ['version=v1.35', [FACTORY_2]],
      ['version=v1.33.5', [SHOP_2]],
      [
        'version=1.34',
        [CENTRAL_TENANT, FACTORY_1, FACTORY_2, LEGACY, SHOP_1],
        [ISLAND_A, ISLAND_B],
      ],
      ['q=LYON', [SHOP_1], [ISLAND_A]],
      ['q=fleet.example.io', [SHOP_1]],
      ['role=island', [], [ISLAND_A, ISLAND_B]],
      [
        `island=${encodeURIComponent(ISLAND_A)}`,
        [FACTORY_1, LEGACY, SHOP_1],
        [ISLAND_A],
      ],
      ['owner=team-retail', [SHOP_1, SHOP_2]],
      // Every written form of the same group, in any case (kamaji-common's owner parser).
      ['owner=Team-Retail', [SHOP_1, SHOP_2]],
      [
        `owner=${encodeURIComponent('group:Default/Team-Retail')}`,
        [SHOP_1, SHOP_2],
      ],
      [
        `owner=${encodeURIComponent('group:default/team-factory')}`,
        [CENTRAL_TENANT, FACTORY_1, FACTORY_2],
      ],
      ['managementCluster=elsewhere', [], []],
      ['role=tenant&owner=team-retail&health=healthy', [SHOP_1]],
    ])('filters %s', async (query, tenants, islands = []) => {
      const res = await get(`/api/kamaji/v1/fleet?${query}`, as(USERS.pat));
      expect(res.status).toBe(200);
      expect(ids(res.body.tenants)).toEqual(sorted(tenants));
      expect(ids(res.body.islands)).toEqual(sorted(islands));
      expect(res.body.page.total).toBe(tenants.length);
      // Filtered reads have their own ETag (version + filters), never the unfiltered one.
      const unfiltered = await get('/api/kamaji/v1/fleet', as(USERS.pat));
      expect(res.headers.etag).not.toBe(unfiltered.headers.etag);
    });

    it('pages tenants in id order', async () => {
      const res = await get(
        '/api/kamaji/v1/fleet?limit=2&offset=1',
        as(USERS.pat),
      );
      expect(res.body.page).toEqual({ total: 6, offset: 1, limit: 2 });
      const all = sorted([
        CENTRAL_TENANT,
        FACTORY_1,
        FACTORY_2,
        LEGACY,
        SHOP_1,
        SHOP_2,
      ]);
      expect(res.body.tenants.map((t: any) => t.id)).toEqual(all.slice(1, 3));
      const last = await get(
        '/api/kamaji/v1/fleet?limit=5&offset=5',
        as(USERS.pat),
      );
      expect(last.body.tenants.map((t: any) => t.id)).toEqual([all[5]]);
      const past = await get('/api/kamaji/v1/fleet?offset=100', as(USERS.pat));
      expect(past.body.tenants).toEqual([]);
      expect(past.body.page.total).toBe(6);
    });

    it('pages at the version of the first page while the model moves on (atVersion)', async () => {
      const first = await get('/api/kamaji/v1/fleet?limit=3', as(USERS.pat));
      const version = first.body.version;
      const removed = fleet.getCluster(SHOP_2)!;
      fleet.push({ removed: [SHOP_2] });
      try {
        const next = await get(
          `/api/kamaji/v1/fleet?limit=3&offset=3&atVersion=${version}`,
          as(USERS.pat),
        );
        expect(next.status).toBe(200);
        expect(next.body.version).toBe(version);
        expect(next.body.page.total).toBe(6);
        expect(ids([...first.body.tenants, ...next.body.tenants])).toEqual(
          sorted([
            CENTRAL_TENANT,
            FACTORY_1,
            FACTORY_2,
            LEGACY,
            SHOP_1,
            SHOP_2,
          ]),
        );
        const current = await get(
          '/api/kamaji/v1/fleet?limit=3&offset=3',
          as(USERS.pat),
        );
        expect(current.body.version).toBe(version + 1);
        expect(current.body.page.total).toBe(5);
      } finally {
        fleet.push({ upserted: [removed] });
      }
    });

    it('answers 410 with words for a version it no longer holds', async () => {
      for (const path of [
        '/api/kamaji/v1/fleet?atVersion=999999',
        '/api/kamaji/v1/fleet/snapshot?atVersion=999999',
      ]) {
        const res = await get(path, as(USERS.pat));
        expect(res.status).toBe(410);
        expect(res.body.error.message).toMatch(
          /fleet version 999999 is no longer held .*read the fleet again/,
        );
      }
    });

    it('GET /v1/fleet/snapshot gives the whole fleet at one version in one response, gzip-compressed, with an ETag', async () => {
      const res = await get('/api/kamaji/v1/fleet/snapshot', {
        ...as(USERS.pat),
        'Accept-Encoding': 'gzip',
      });
      expect(res.status).toBe(200);
      expect(res.headers['content-encoding']).toBe('gzip');
      const snapshot = fleet.getSnapshot();
      expect(res.body.tenants).toEqual(snapshot.tenants.map(compactTenant));
      expect(expandFleetSnapshot(res.body)).toEqual({
        ...snapshot,
        page: { total: 6, offset: 0, limit: 6 },
        epoch: expect.any(String),
      });
      const again = await get('/api/kamaji/v1/fleet/snapshot', {
        ...as(USERS.pat),
        'If-None-Match': res.headers.etag,
      });
      expect(again.status).toBe(304);
      // Another fleet-wide reader gets the same body, from the service's serialisation of this
      // version, made once.
      const calls = fleet.snapshotJsonCalls;
      expect(calls).toBeGreaterThan(0);
      const service = await get('/api/kamaji/v1/fleet/snapshot', asService());
      expect(service.text).toBe(JSON.stringify(res.body));
      expect(fleet.snapshotJsonCalls).toBe(calls);
    });

    it('GET /v1/fleet/snapshot gives an application team its own consistent snapshot, and filters through the index', async () => {
      const res = await get('/api/kamaji/v1/fleet/snapshot', as(USERS.alice));
      expect(res.status).toBe(200);
      const snapshot = expandFleetSnapshot<FleetSnapshotResponse>(res.body);
      expect(ids(snapshot.tenants)).toEqual([SHOP_1, SHOP_2]);
      const paged = await get(
        '/api/kamaji/v1/fleet?limit=1000',
        as(USERS.alice),
      );
      const { page: _p, ...snapshotBody } = snapshot;
      const { page: _q, ...pagedBody } = paged.body;
      expect(snapshotBody).toEqual(pagedBody);
      const patEtag = (
        await get('/api/kamaji/v1/fleet/snapshot', as(USERS.pat))
      ).headers.etag;
      expect(res.headers.etag).not.toBe(patEtag);

      const filtered = await get(
        '/api/kamaji/v1/fleet/snapshot?health=healthy&role=tenant',
        as(USERS.alice),
      );
      expect(
        ids(expandFleetSnapshot<FleetSnapshotResponse>(filtered.body).tenants),
      ).toEqual(
        snapshot.tenants
          .filter(t => t.health.status === 'healthy')
          .map(t => t.id)
          .sort(),
      );
      expect(filtered.body.islands).toEqual([]);
    });

    it.each([
      ['limit=0', 'limit'],
      ['limit=1001', 'limit'],
      ['offset=-1', 'offset'],
      ['health=sick', 'health'],
      ['role=admin', 'role'],
      ['version=latest', 'version'],
      ['managementCluster=Central', 'managementCluster'],
      ['island=central', 'island'],
      ['unknown=1', 'unknown'],
      [`q=${'x'.repeat(201)}`, 'q'],
      [`owner=${encodeURIComponent('user:default/alice')}`, 'owner'],
    ])('rejects %s with a 400 naming the field', async (query, field) => {
      const res = await get(`/api/kamaji/v1/fleet?${query}`, as(USERS.pat));
      expect(res.status).toBe(400);
      expect(res.body.error.name).toBe('InputError');
      expect(res.body.error.message).toContain(field);
    });
  });

  describe('GET /v1/clusters/...', () => {
    it('answers a visible cluster and 404 for invisible or unknown ones', async () => {
      const shop = await get(
        '/api/kamaji/v1/clusters/central/fleet-tenants/shop-0001',
        as(USERS.alice),
      );
      expect(shop.status).toBe(200);
      expect(shop.body.id).toBe(SHOP_1);

      const notHers = await get(
        '/api/kamaji/v1/clusters/central/fleet-tenants/factory-0001',
        as(USERS.alice),
      );
      expect(notHers.status).toBe(404);
      const unknown = await get(
        '/api/kamaji/v1/clusters/central/fleet-tenants/nope',
        as(USERS.pat),
      );
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.name).toBe('NotFoundError');
      // Same answer for "exists but not yours" and "does not exist".
      expect(notHers.body.error.message).toMatch(/^No cluster with id/);
    });

    it('shows an island to a team that has a tenant on it, projected', async () => {
      const res = await get(
        '/api/kamaji/v1/clusters/central/fleet-islands/island-b',
        as(USERS.alice),
      );
      expect(res.status).toBe(200);
      expect(res.body.tenantIds).toEqual([SHOP_2]);
      expect(
        (
          await get(
            '/api/kamaji/v1/clusters/central/fleet-islands/island-b',
            as(USERS.eve),
          )
        ).status,
      ).toBe(404);
    });

    it('finds any cluster by id, unmanaged and management clusters included', async () => {
      const legacy = await get(
        `/api/kamaji/v1/clusters/by-id?id=${encodeURIComponent(LEGACY)}`,
        as(USERS.pat),
      );
      expect(legacy.status).toBe(200);
      expect(legacy.body.managed).toBe(false);
      expect(
        (
          await get(
            `/api/kamaji/v1/clusters/by-id?id=${encodeURIComponent(LEGACY)}`,
            as(USERS.alice),
          )
        ).status,
      ).toBe(404);
      const mgmt = await get(
        '/api/kamaji/v1/clusters/by-id?id=central',
        as(USERS.alice),
      );
      expect(mgmt.status).toBe(200);
      expect(mgmt.body.tenantIds).toEqual([]);
      const bad = await get(
        `/api/kamaji/v1/clusters/by-id?id=${encodeURIComponent(
          '../etc/passwd',
        )}`,
        as(USERS.pat),
      );
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toContain('id');
      // Matches the pattern, but no id a cluster can have (a name longer than 253): unknown.
      const odd = await get(
        `/api/kamaji/v1/clusters/by-id?id=central/ns/${'a'.repeat(300)}`,
        as(USERS.pat),
      );
      expect(odd.status).toBe(404);
    });

    it('rejects malformed path segments with 400', async () => {
      const res = await get(
        '/api/kamaji/v1/clusters/Central/fleet-tenants/shop-0001',
        as(USERS.pat),
      );
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain('managementCluster');
    });
  });

  describe('GET /v1/islands/...', () => {
    it('gives the island with the tenants the caller may read', async () => {
      const pat = await get(
        '/api/kamaji/v1/islands/central/fleet-islands/island-a',
        as(USERS.pat),
      );
      expect(pat.status).toBe(200);
      expect(pat.body.island.id).toBe(ISLAND_A);
      expect(ids(pat.body.tenants)).toEqual(
        sorted([FACTORY_1, LEGACY, SHOP_1]),
      );

      const alice = await get(
        '/api/kamaji/v1/islands/central/fleet-islands/island-a',
        as(USERS.alice),
      );
      expect(ids(alice.body.tenants)).toEqual([SHOP_1]);
      expect(alice.body.island.tenantIds).toEqual([SHOP_1]);
    });

    it('answers 404 for tenants, unknown and invisible islands', async () => {
      for (const [path, user] of [
        ['central/fleet-tenants/shop-0001', USERS.pat],
        ['central/fleet-islands/island-z', USERS.pat],
        ['central/fleet-islands/island-a', USERS.eve],
      ]) {
        const res = await get(`/api/kamaji/v1/islands/${path}`, as(user));
        expect(res.status).toBe(404);
      }
    });
  });

  describe('GET /v1/audit', () => {
    it('is for holders of kamaji.audit.read or kamaji.cluster.read', async () => {
      const pat = await get('/api/kamaji/v1/audit', as(USERS.pat));
      expect(pat.status).toBe(200);
      expect(pat.body.page).toEqual({
        total: expect.any(Number),
        offset: 0,
        limit: 50,
      });
      expect((await get('/api/kamaji/v1/audit', as(USERS.alice))).status).toBe(
        200,
      );
      expect((await get('/api/kamaji/v1/audit', as(USERS.eve))).status).toBe(
        403,
      );
    });

    it('rejects bad filters', async () => {
      for (const [query, field] of [
        ['outcome=maybe', 'outcome'],
        ['action=reboot', 'action'],
        ['from=yesterday', 'from'],
        ['from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z', 'to'],
        ['result=denied', 'result'],
      ]) {
        const res = await get(`/api/kamaji/v1/audit?${query}`, as(USERS.pat));
        expect(res.status).toBe(400);
        expect(res.body.error.message).toContain(field);
      }
    });
  });

  describe('day-2 actions (no API server behind)', () => {
    const base = (name: string) =>
      `/api/kamaji/v1/clusters/central/fleet-tenants/${name}`;

    it('answers 404 for a cluster the caller may not see, and audits nothing', async () => {
      const before = (await get('/api/kamaji/v1/audit', as(USERS.pat))).body
        .page.total;
      const res = await post(
        `${base('factory-0001')}/upgrade`,
        as(USERS.alice),
        {
          version: 'v1.35.0',
        },
      );
      expect(res.status).toBe(404);
      const eve = await post(`${base('shop-0001')}/scale`, as(USERS.eve), {
        pool: 'shop-0001-edge',
        replicas: 2,
      });
      expect(eve.status).toBe(404);
      const after = (await get('/api/kamaji/v1/audit', as(USERS.pat))).body.page
        .total;
      expect(after).toBe(before);
    });

    it('answers 403 when the action is not allowed on a visible cluster, and audits the denial', async () => {
      permissions.overrides = {
        'kamaji.cluster.read': { [USERS.alice]: 'ALLOW' },
      };
      const res = await post(
        `${base('factory-0001')}/upgrade`,
        as(USERS.alice),
        {
          version: 'v1.35.0',
        },
      );
      expect(res.status).toBe(403);
      expect(res.body.error.message).toContain('kamaji.cluster.upgrade');
      const del1 = await del(
        `${base('shop-0001')}?confirm=shop-0001`,
        as(USERS.alice),
      );
      expect(del1.status).toBe(403);

      const audit = await get(
        `/api/kamaji/v1/audit?actor=${encodeURIComponent(
          USERS.alice,
        )}&outcome=denied`,
        as(USERS.pat),
      );
      expect(audit.body.items.slice(0, 2)).toEqual([
        expect.objectContaining({
          action: 'delete',
          target: SHOP_1,
          result: 'denied',
          status: 403,
        }),
        expect.objectContaining({
          action: 'upgrade',
          target: FACTORY_1,
          result: 'denied',
          status: 403,
          request: { version: 'v1.35.0', workers: false },
        }),
      ]);
    });

    it('checks the request before touching the management cluster', async () => {
      const cases: Array<[string, any, number, RegExp]> = [
        [
          'shop-0001',
          { version: 'v1.37.0' },
          400,
          /^version v1\.37\.0 is above the supported ceiling v1\.36/,
        ],
        [
          'shop-0001',
          { version: '1.35' },
          400,
          /version must be a Kubernetes version in semver form/,
        ],
        ['factory-0002', { version: 'v1.35.1' }, 409, /middle of an upgrade/],
      ];
      for (const [name, body, status, message] of cases) {
        const res = await post(`${base(name)}/upgrade`, as(USERS.pat), body);
        expect(res.status).toBe(status);
        expect(res.body.error.message).toMatch(message);
      }
      const island = await post(
        '/api/kamaji/v1/clusters/central/fleet-islands/island-a/upgrade',
        as(USERS.pat),
        { version: 'v1.35.0' },
      );
      expect(island.status).toBe(409);
      expect(island.body.error.message).toMatch(/is an island/);

      const wrong = await del(
        `${base('shop-0001')}?confirm=shop-0002`,
        as(USERS.pat),
      );
      expect(wrong.status).toBe(400);
      expect(wrong.body.error.message).toMatch(
        /^confirm must be the cluster's name "shop-0001"/,
      );
      const hostIsland = await del(
        '/api/kamaji/v1/clusters/central/fleet-islands/island-a?confirm=island-a',
        as(USERS.pat),
      );
      expect(hostIsland.status).toBe(409);
      expect(hostIsland.body.error.message).toMatch(/still hosts 3 tenant/);
    });

    it('answers 503 when the backend has no credentials for the management cluster, and audits the failure', async () => {
      const res = await post(`${base('shop-0001')}/upgrade`, as(USERS.pat), {
        version: 'v1.35.0',
      });
      expect(res.status).toBe(503);
      expect(res.body.error.message).toMatch(/no credentials configured/);
      const audit = await get(
        `/api/kamaji/v1/audit?cluster=${encodeURIComponent(
          SHOP_1,
        )}&action=upgrade&limit=1`,
        as(USERS.pat),
      );
      expect(audit.body.items[0]).toMatchObject({
        actor: USERS.pat,
        actorType: 'user',
        result: 'failure',
        status: 503,
      });
    });

    it.each<[string, string, any, string]>([
      ['upgrade', 'post', {}, 'version'],
      ['upgrade', 'post', { version: 135 }, 'version'],
      ['upgrade', 'post', { version: 'v1.35.0', workers: 'yes' }, 'workers'],
      ['upgrade', 'post', { version: 'v1.35.0', force: true }, 'force'],
      ['upgrade', 'post', { version: 'v'.repeat(65) }, 'version'],
      ['scale', 'post', { pool: 'shop-0001-edge' }, 'replicas'],
      ['scale', 'post', { pool: 'shop-0001-edge', replicas: -1 }, 'replicas'],
      ['scale', 'post', { pool: 'shop-0001-edge', replicas: 1001 }, 'replicas'],
      ['scale', 'post', { pool: 'shop-0001-edge', replicas: 1.5 }, 'replicas'],
      ['scale', 'post', { pool: 'Bad_Pool', replicas: 1 }, 'pool'],
      ['scale', 'post', { pool: '../x', replicas: 1 }, 'pool'],
      ['', 'delete', undefined, 'confirm'],
    ])(
      '%s: rejects %p bodies with a 400 naming %s',
      async (action, method, body, field) => {
        const path = action
          ? `${base('shop-0001')}/${action}`
          : base('shop-0001');
        const res =
          method === 'post'
            ? await post(path, as(USERS.pat), body)
            : await del(path, as(USERS.pat));
        expect(res.status).toBe(400);
        expect(res.body.error.message).toContain(field);
      },
    );

    it('rejects scaling above the configured maximum with a message naming the bound', async () => {
      const res = await post(`${base('shop-0001')}/scale`, as(USERS.pat), {
        pool: 'shop-0001-edge',
        replicas: 500,
      });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(
        /^replicas must be an integer from 0 to 100/,
      );
    });
  });

  /** The status of a GET, without reading the body (so event streams work too). */
  const statusOf = (path: string, headers: Record<string, string>) =>
    new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no answer: ${path}`)),
        5000,
      );
      request(server)
        .get(path)
        .set(headers)
        .buffer(false)
        .parse((r, cb) => {
          clearTimeout(timer);
          resolve(r.statusCode ?? 0);
          (r as any).destroy();
          cb(null, null);
        })
        .end(() => undefined);
    });

  describe('every read route under ALLOW, DENY and CONDITIONAL', () => {
    const routes: Array<[string, string, number, number, number]> = [
      // path, note, ALLOW, DENY, CONDITIONAL (alice: team-retail)
      ['/api/kamaji/v1/fleet', 'fleet', 200, 403, 200],
      [
        '/api/kamaji/v1/clusters/central/fleet-tenants/factory-0001',
        'other team',
        200,
        404,
        404,
      ],
      [
        '/api/kamaji/v1/clusters/central/fleet-tenants/shop-0001',
        'own',
        200,
        404,
        200,
      ],
      [
        `/api/kamaji/v1/clusters/by-id?id=${encodeURIComponent(LEGACY)}`,
        'unowned',
        200,
        404,
        404,
      ],
      [
        '/api/kamaji/v1/islands/central/fleet-islands/island-a',
        'hosting',
        200,
        404,
        200,
      ],
      ['/api/kamaji/v1/events?since=0', 'events', 200, 403, 200],
    ];
    it.each(routes)(
      '%s (%s)',
      async (path, _note, allow, deny, conditional) => {
        const seen: Array<[string, number]> = [];
        for (const answer of ['ALLOW', 'DENY', 'CONDITIONAL'] as const) {
          permissions.overrides = {
            'kamaji.cluster.read': { [USERS.alice]: answer },
          };
          seen.push([answer, await statusOf(path, as(USERS.alice))]);
        }
        expect(seen).toEqual([
          ['ALLOW', allow],
          ['DENY', deny],
          ['CONDITIONAL', conditional],
        ]);
      },
    );

    it('audit: ALLOW and DENY', async () => {
      for (const [answer, status] of [
        ['ALLOW', 200],
        ['DENY', 403],
      ] as const) {
        permissions.overrides = {
          'kamaji.audit.read': { [USERS.bob]: answer },
          'kamaji.cluster.read': { [USERS.bob]: 'DENY' },
        };
        expect((await get('/api/kamaji/v1/audit', as(USERS.bob))).status).toBe(
          status,
        );
      }
    });
  });

  describe('hostile input', () => {
    const long = 'a'.repeat(5000);
    // 200 is fine where the input is merely odd (free text); what matters is: never 5xx.
    const paths = [
      '/api/kamaji/v1/fleet?q=%00%01%02',
      `/api/kamaji/v1/fleet?q=${encodeURIComponent('💥'.repeat(50))}`,
      `/api/kamaji/v1/fleet?q=${long}`,
      '/api/kamaji/v1/fleet?limit=abc',
      '/api/kamaji/v1/fleet?limit=1e3',
      '/api/kamaji/v1/fleet?limit=99999999999999999999999',
      '/api/kamaji/v1/fleet?offset=-99999999999999999999',
      '/api/kamaji/v1/fleet?limit[$gt]=1',
      '/api/kamaji/v1/fleet?health[]=healthy&health[foo]=x',
      '/api/kamaji/v1/fleet?q=a&q=b',
      '/api/kamaji/v1/fleet?island=..%2F..%2Fetc',
      '/api/kamaji/v1/fleet?owner=%E2%80%AE',
      `/api/kamaji/v1/clusters/by-id?id=${long}`,
      '/api/kamaji/v1/clusters/by-id',
      '/api/kamaji/v1/clusters/by-id?id=',
      '/api/kamaji/v1/clusters/by-id?id=a&id=b',
      '/api/kamaji/v1/clusters/by-id?id=%F0%9F%92%A5',
      '/api/kamaji/v1/clusters/central/fleet-tenants/..%2F..%2Fsecrets',
      '/api/kamaji/v1/clusters/central/..%2F/shop-0001',
      `/api/kamaji/v1/clusters/central/fleet-tenants/${long}`,
      '/api/kamaji/v1/clusters/central/fleet-tenants/%E2%98%83',
      '/api/kamaji/v1/islands/central/fleet-islands/%00',
      '/api/kamaji/v1/events?since=-1',
      '/api/kamaji/v1/events?since=abc',
      '/api/kamaji/v1/events?since=1e400',
      '/api/kamaji/v1/events?epoch=%20',
      '/api/kamaji/v1/audit?limit=0',
      `/api/kamaji/v1/audit?actor=${long}`,
      '/api/kamaji/v1/audit?offset=1.5',
    ];
    it.each(paths.map((p, i) => [i, p]))(
      'GET #%s never answers 5xx (%s)',
      async (_i, path) => {
        const res = await get(path, as(USERS.pat));
        expect([200, 400, 404]).toContain(res.status);
      },
    );

    // Numbers given as a list, empty or not in decimal digits.
    const badNumbers = [
      ['/api/kamaji/v1/fleet?offset[0]=5', 'offset'],
      ['/api/kamaji/v1/fleet?limit=5&limit=6', 'limit'],
      ['/api/kamaji/v1/fleet?offset=', 'offset'],
      ['/api/kamaji/v1/fleet/snapshot?atVersion[0]=1', 'atVersion'],
      ['/api/kamaji/v1/audit?offset[0]=5', 'offset'],
      ['/api/kamaji/v1/events?since[0]=1', 'since'],
      ['/api/kamaji/v1/events?since=0.0', 'since'],
      ['/api/kamaji/v1/fleet?limit=1e3', 'limit'],
      ['/api/kamaji/v1/fleet?limit=0x10', 'limit'],
      ['/api/kamaji/v1/fleet?offset=%201', 'offset'],
      ['/api/kamaji/v1/fleet/snapshot?atVersion=1.0', 'atVersion'],
      ['/api/kamaji/v1/audit?limit=10.0', 'limit'],
      ['/api/kamaji/v1/upgrade-plans?offset=1e1', 'offset'],
    ];
    // The snapshot route skips the OpenAPI validator (fleetRoutes.ts): its own schema refuses these.
    const badSnapshotQueries = [
      ['/api/kamaji/v1/fleet/snapshot?limit=5', 'limit'],
      ['/api/kamaji/v1/fleet/snapshot?health=great', 'health'],
      ['/api/kamaji/v1/fleet/snapshot?role=tenant&role=node', 'role'],
      ['/api/kamaji/v1/fleet/snapshot?version=latest', 'version'],
      ['/api/kamaji/v1/fleet/snapshot?island=island-a', 'island'],
      ['/api/kamaji/v1/fleet/snapshot?q=', 'q'],
    ];
    it.each([...badNumbers, ...badSnapshotQueries])(
      'refuses %s, naming %s',
      async (path, field) => {
        const res = await get(path, as(USERS.pat));
        expect(res.status).toBe(400);
        expect(res.body.error.message).toContain(field);
      },
    );

    it('answers 4xx to a bad Last-Event-ID', async () => {
      const res = await get('/api/kamaji/v1/events', {
        ...as(USERS.pat),
        'Last-Event-ID': 'not-a-number',
      });
      expect(res.status).toBe(400);
    });

    const bodies400: Array<[string, any]> = [
      ['upgrade', 'null'],
      ['upgrade', '[]'],
      ['upgrade', '"v1.35.0"'],
      ['upgrade', '{"version":'],
      ['upgrade', JSON.stringify({ version: { $ne: null } })],
      ['upgrade', JSON.stringify({ version: 'v1.35.0\u0000' })],
      ['upgrade', JSON.stringify({ version: '💥' })],
      ['upgrade', JSON.stringify({ version: long })],
      [
        'upgrade',
        JSON.stringify({ __proto__: { admin: true }, version: 'v1.35.0' }),
      ],
      ['scale', JSON.stringify({ pool: 'a', replicas: 1e308 })],
      ['scale', JSON.stringify({ pool: 'a', replicas: '1' })],
      ['scale', JSON.stringify({ pool: long, replicas: 1 })],
      ['scale', JSON.stringify({ pool: ['a'], replicas: 1 })],
      ['scale', JSON.stringify({ pool: 'a', replicas: -0.0001 })],
    ];
    it.each(bodies400.map(([a, raw], i) => [i, a, raw.slice(0, 40), raw]))(
      'POST #%s %s %s answers 4xx, never 5xx',
      async (_i, action, _short, raw) => {
        // factory-0002 is mid-upgrade: a body that passes validation ends in 409 before any
        // request to a management cluster.
        const res = await request(server)
          .post(
            `/api/kamaji/v1/clusters/central/fleet-tenants/factory-0002/${action}`,
          )
          .set(as(USERS.pat))
          .set('Content-Type', 'application/json')
          .send(raw);
        bodies.push(res.text);
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(({} as any).admin).toBeUndefined();
      },
    );

    it('answers 4xx to a wrong content type and to an oversized body', async () => {
      const form = await request(server)
        .post('/api/kamaji/v1/clusters/central/fleet-tenants/shop-0001/upgrade')
        .set(as(USERS.pat))
        .set('Content-Type', 'text/plain')
        .send('version=v1.35.0');
      expect(form.status).toBeGreaterThanOrEqual(400);
      expect(form.status).toBeLessThan(500);
      const big = await request(server)
        .post('/api/kamaji/v1/clusters/central/fleet-tenants/shop-0001/upgrade')
        .set(as(USERS.pat))
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ version: 'x'.repeat(2_000_000) }));
      expect(big.status).toBeGreaterThanOrEqual(400);
      expect(big.status).toBeLessThan(500);
    });

    it('answers 405 with Allow to methods a known path does not have', async () => {
      for (const [method, path, allow] of [
        ['put', '/api/kamaji/v1/fleet', 'GET, HEAD'],
        ['trace', '/api/kamaji/v1/audit', 'GET, HEAD'],
        [
          'patch',
          '/api/kamaji/v1/clusters/central/fleet-tenants/shop-0001',
          'GET, DELETE, HEAD',
        ],
        [
          'get',
          '/api/kamaji/v1/clusters/central/fleet-tenants/shop-0001/scale',
          'POST',
        ],
      ] as const) {
        const res = await (request(server) as any)
          [method](path)
          .set(as(USERS.pat));
        bodies.push(res.text ?? '');
        expect([method, res.status, res.headers.allow]).toEqual([
          method,
          405,
          allow,
        ]);
      }
      // HEAD follows GET.
      const head = await request(server)
        .head('/api/kamaji/v1/fleet')
        .set(as(USERS.pat));
      expect(head.status).toBe(200);
    });

    it('answers OPTIONS with every method the spec declares on the path, whichever route module serves it', async () => {
      for (const [path, allow] of [
        [
          '/api/kamaji/v1/clusters/central/fleet-tenants/shop-0001',
          'GET, DELETE, HEAD, OPTIONS',
        ],
        ['/api/kamaji/v1/fleet/snapshot', 'GET, HEAD, OPTIONS'],
        [
          '/api/kamaji/v1/clusters/central/fleet-tenants/shop-0001/scale',
          'POST, OPTIONS',
        ],
      ] as const) {
        const res = await request(server).options(path).set(as(USERS.pat));
        expect([path, res.status, res.headers.allow]).toEqual([
          path,
          204,
          allow,
        ]);
      }
    });

    it('refuses an If-None-Match on the snapshot longer than the spec allows, naming the header', async () => {
      const res = await get('/api/kamaji/v1/fleet/snapshot', {
        ...as(USERS.pat),
        'If-None-Match': '0'.repeat(257),
      });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain('If-None-Match');
      const longest = await get('/api/kamaji/v1/fleet/snapshot', {
        ...as(USERS.pat),
        'If-None-Match': '0'.repeat(256),
      });
      expect(longest.status).toBe(200);
    });
  });

  it('never shows credential material in a response body or a log line', () => {
    expect(bodies.length).toBeGreaterThan(50);
    for (const body of bodies) expect(body).not.toMatch(CREDENTIAL_PATTERN);
    for (const line of backend.logger.lines) {
      expect(line).not.toMatch(CREDENTIAL_PATTERN);
    }
  });
});
