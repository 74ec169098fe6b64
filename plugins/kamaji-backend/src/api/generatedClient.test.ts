/*
 * The client generated into kamaji-common from openapi.yaml (KamajiApiClient, what the frontend and
 * the scaffolder module call) against this plugin's router: its URLs, query encoding and headers
 * (Content-Type: application/json on every request, bodies or not) are what the router accepts.
 */
import { AddressInfo } from 'node:net';
import { mockCredentials } from '@backstage/backend-test-utils';
import { KamajiApiClient } from '@kamaji-backstage/plugin-kamaji-common';
import { fixtureFleet, SHOP_1 } from './__testUtils__/fleetFixture';
import { InMemoryFleetService } from './__testUtils__/InMemoryFleetService';
import { startKamajiTestBackend } from './__testUtils__/startKamajiTestBackend';
import { USERS } from './__testUtils__/testPermissions';

jest.setTimeout(60_000);

describe('the generated KamajiApiClient against the router', () => {
  let backend: Awaited<ReturnType<typeof startKamajiTestBackend>>;
  let api: KamajiApiClient;
  const token = mockCredentials.user.token(USERS.pat);

  beforeAll(async () => {
    backend = await startKamajiTestBackend({
      fleet: new InMemoryFleetService(fixtureFleet()),
    });
    const { port } = backend.server.address() as AddressInfo;
    api = new KamajiApiClient({
      discoveryApi: {
        getBaseUrl: async (pluginId: string) =>
          `http://localhost:${port}/api/${pluginId}`,
      },
      fetchApi: { fetch },
    });
  });

  afterAll(async () => {
    await backend?.backend.stop();
  });

  it('reads the fleet with array filters and paging', async () => {
    const response = await api.getFleet(
      {
        query: { role: ['tenant'], health: ['healthy'], limit: 2 },
        header: {},
      },
      { token },
    );
    expect(response.status).toBe(200);
    const fleet = await response.json();
    expect(fleet.tenants.length).toBeLessThanOrEqual(2);
    expect(fleet.page.limit).toBe(2);
    expect(fleet.managementClusters).toEqual([]);
    expect(fleet.tenants.every(t => t.health.status === 'healthy')).toBe(true);
  });

  it('reads a cluster by its path and by its id (slashes encoded)', async () => {
    const [managementCluster, namespace, name] = SHOP_1.split('/');
    const byPath = await api.getCluster(
      { path: { managementCluster, namespace, name } },
      { token },
    );
    expect(byPath.status).toBe(200);
    expect((await byPath.json()).id).toBe(SHOP_1);
    const byId = await api.getClusterById({ query: { id: SHOP_1 } }, { token });
    expect(byId.status).toBe(200);
    expect((await byId.json()).id).toBe(SHOP_1);
  });

  it('sends a delete without a body and gets the route’s own refusal', async () => {
    const [managementCluster, namespace, name] = SHOP_1.split('/');
    const response = await api.deleteCluster(
      {
        path: { managementCluster, namespace, name },
        query: { confirm: 'another-name' },
      },
      { token },
    );
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/confirm must be the cluster's name/);
  });

  it('sends the token it is given: a user in no group is refused', async () => {
    const status = async (user: string) =>
      (
        await api.getFleet(
          { query: {}, header: {} },
          { token: mockCredentials.user.token(user) },
        )
      ).status;
    expect(await status(USERS.pat)).toBe(200);
    expect(await status(USERS.eve)).toBe(403);
  });
});
