import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import { fixtureFleet } from './__testUtils__/fleetFixture';
import { InMemoryFleetService } from './__testUtils__/InMemoryFleetService';
import { startKamajiTestBackend } from './__testUtils__/startKamajiTestBackend';
import { TestPermissions, USERS } from './__testUtils__/testPermissions';

jest.setTimeout(60_000);

const as = (user: string) => ({
  Authorization: mockCredentials.user.header(user),
});

describe('the read decision, reused for kamaji.api.readPermissionCacheSeconds', () => {
  const permissions = new TestPermissions();
  let backend: Awaited<ReturnType<typeof startKamajiTestBackend>>;
  const readFleet = (user: string) =>
    request(backend.server).get('/api/kamaji/v1/fleet').set(as(user));

  beforeAll(async () => {
    backend = await startKamajiTestBackend({
      fleet: new InMemoryFleetService(fixtureFleet()),
      permissions,
      config: { kamaji: { api: { readPermissionCacheSeconds: 1 } } },
    });
  });

  afterAll(() => backend?.backend.stop());

  it("serves a user's reads by the decision asked first until it is 1 s old", async () => {
    const first = await readFleet(USERS.alice);
    expect(first.status).toBe(200);
    expect(first.body.tenants.length).toBeGreaterThan(0);

    permissions.overrides = { 'kamaji.cluster.read': { '*': 'DENY' } };
    const reused = await readFleet(USERS.alice);
    expect(reused.status).toBe(200);
    expect(reused.body.tenants).toEqual(first.body.tenants);
    // Another user's decision is their own, asked now.
    expect((await readFleet(USERS.bob)).status).toBe(403);

    await new Promise(resolve => setTimeout(resolve, 1_100));
    expect((await readFleet(USERS.alice)).status).toBe(403);
  });
});
