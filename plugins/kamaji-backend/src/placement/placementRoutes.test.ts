import { mockCredentials } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { IslandNode } from '@kamaji-backstage/plugin-kamaji-common';
import request from 'supertest';
import {
  fixtureFleet,
  ISLAND_A,
  ISLAND_B,
} from '../api/__testUtils__/fleetFixture';
import { InMemoryFleetService } from '../api/__testUtils__/InMemoryFleetService';
import { startKamajiTestBackend } from '../api/__testUtils__/startKamajiTestBackend';
import { USERS } from '../api/__testUtils__/testPermissions';
import { readPlacementConfig } from './placementRoutes';

const ISLAND_C = 'central/fleet-islands/island-c';

describe('GET /v1/placement', () => {
  let backend: Awaited<ReturnType<typeof startKamajiTestBackend>>;

  beforeAll(async () => {
    const fleet = new InMemoryFleetService(fixtureFleet());
    const b = fleet.getCluster(ISLAND_B) as IslandNode;
    // A second, empty island in Lyon whose label allows only 2 tenants.
    const c: IslandNode = {
      ...b,
      id: ISLAND_C,
      name: 'island-c',
      site: 'Lyon',
      labels: { ...b.labels, 'kamaji-backstage.io/tenant-capacity': '2' },
      tenantIds: [],
      dataStores: [{ ...b.dataStores[0], usedBy: [] }],
    };
    fleet.push({ upserted: [c] });
    backend = await startKamajiTestBackend({
      fleet,
      config: {
        kamaji: {
          api: { validateResponses: true },
          placement: { islandCapacity: 4 },
        },
      },
    });
  });

  afterAll(() => backend?.backend.stop());

  const get = (query: string, user: string = USERS.alice) =>
    request(backend.server)
      .get(`/api/kamaji/v1/placement${query}`)
      .set({ Authorization: mockCredentials.user.header(user) });

  it("ranks a site's islands for an application team, with every team's load as counts only", async () => {
    const res = await get('?site=Lyon&version=v1.35.0');
    expect(res.status).toBe(200);
    expect(res.body.recommended).toBe(ISLAND_C);
    expect(
      res.body.islands.map((i: any) => [
        i.islandId,
        i.rank,
        i.load.tenants,
        i.load.capacity,
      ]),
    ).toEqual([
      [ISLAND_C, 1, 0, 2],
      // shop-0001 is alice's; factory-0001 and the unmanaged legacy tenant are not: all count.
      [ISLAND_A, 2, 3, 4],
    ]);
    expect(res.body.islands[1].reasons).toEqual([
      'connected now',
      'hosts 3 of 4 tenant control planes (1 free)',
      'least used data store default (etcd) serves 3 control planes',
      'no uplink history yet',
      'runs Kubernetes v1.34.1, fit for v1.35.0',
    ]);
    expect(res.text).not.toMatch(/factory-0001|legacy|shop-0001/);
  });

  it('needs kamaji.cluster.create, and names the field of a bad query', async () => {
    backend.permissions.overrides = {
      'kamaji.cluster.create': { [USERS.bob]: 'DENY' },
    };
    const denied = await get('?site=Lyon', USERS.bob);
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toMatch(/kamaji\.cluster\.create/);
    backend.permissions.overrides = {};

    const bad = await get('?version=1.35');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/version/);
  });

  it('reads the default capacity from config and refuses a bad one', () => {
    expect(
      readPlacementConfig(
        new ConfigReader({ kamaji: { placement: { islandCapacity: 12 } } }),
      ),
    ).toEqual({ defaultCapacity: 12 });
    expect(readPlacementConfig(new ConfigReader({}))).toEqual({});
    expect(() =>
      readPlacementConfig(
        new ConfigReader({ kamaji: { placement: { islandCapacity: -1 } } }),
      ),
    ).toThrow(/kamaji\.placement\.islandCapacity must be a whole number/);
  });
});
