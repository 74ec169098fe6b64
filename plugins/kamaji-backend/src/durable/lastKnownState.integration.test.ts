import type { LocalControlPlane } from '@internal/test-kube';
import {
  IslandNode,
  TenantNode,
  unmanagedTenantId,
} from '@kamaji-backstage/plugin-kamaji-common';
import { Knex } from 'knex';
import {
  migratedDatabase,
  pluginTestDatabases,
} from '../database/__testUtils__/testDatabases';
import { KubeFleetService } from '../fleet/KubeFleetService';
import {
  AnyObject,
  applyAll,
  CapturingLogger,
  credentialPatterns,
  findCredentials,
  startFleetPlane,
  startService,
  TEST_FIELD_MANAGER,
  waitFor,
} from '../fleet/__testUtils__/fleetTestEnv';
import { FleetStateStore } from './FleetStateStore';

jest.setTimeout(600_000);

const databases = pluginTestDatabases();

const ISLAND_A = 'central/fleet-islands/island-a';
const WRITE = { writeIntervalMs: 200, lastSeenIntervalMs: 1_000 };

/**
 * The backend restarted while island-a's uplink is down: island-a shows its last-known state
 * from the database at once (stale, with its true age and disconnected-since, never healthy);
 * the live list replaces it when island-a answers; a tenant deleted meanwhile disappears; each
 * uplink transition is recorded once.
 */
describe.each(databases.eachSupportedId())(
  'last-known state across a restart, on %p',
  databaseId => {
    let plane: LocalControlPlane;
    let admin: (cluster: string) => any;
    let knex: Knex;
    let store: FleetStateStore;
    let service: KubeFleetService | undefined;
    const logger = new CapturingLogger();

    beforeAll(async () => {
      ({ plane, admin } = await startFleetPlane());
      knex = await migratedDatabase(databases, databaseId);
      store = new FleetStateStore(knex);
    });

    afterAll(async () => {
      await service?.stop();
      await plane?.stop();
    });

    async function startWithDatabase() {
      const s = startService(plane, logger);
      // As in the plugin: the service starts, then the plugin attaches its database.
      await s.attachDurableState(store, WRITE);
      return s;
    }

    /** Two TenantControlPlanes only island-a knows (no Cluster in central declares them). */
    async function addUnmanagedTenants() {
      const legacy = await admin('island-b').get({
        apiVersion: 'kamaji.clastix.io/v1alpha1',
        kind: 'TenantControlPlane',
        metadata: { namespace: 'kamaji-tenants', name: 'legacy-cameras' },
      });
      const copy = (name: string): AnyObject => ({
        apiVersion: legacy.apiVersion,
        kind: legacy.kind,
        metadata: {
          namespace: 'kamaji-tenants',
          name,
          labels: legacy.metadata.labels,
        },
        spec: legacy.spec,
      });
      for (const name of ['lyon-legacy-scales', 'lyon-legacy-badges']) {
        await applyAll(admin('island-a'), [copy(name)]);
        await admin('island-a').apply(
          { ...copy(name), status: legacy.status },
          { fieldManager: TEST_FIELD_MANAGER, subresource: 'status' },
        );
      }
    }

    const island = () => service!.getCluster(ISLAND_A) as IslandNode;
    const tenantsOnA = () =>
      service!
        .getSnapshot()
        .tenants.filter(t => t.islandId === ISLAND_A)
        .sort((a, b) => (a.id < b.id ? -1 : 1));
    /** What only island-a knows about its tenants. */
    const islandKnowledge = (tenants: TenantNode[]) =>
      tenants.map(t => ({
        id: t.id,
        versions: t.versions,
        tcp: t.controlPlane.tenantControlPlane && {
          status: t.controlPlane.tenantControlPlane.status,
          version: t.controlPlane.tenantControlPlane.version,
          dataStore: t.controlPlane.tenantControlPlane.dataStore,
        },
      }));
    const savedIslandA = async () => (await store.load()).get(ISLAND_A);

    it('keeps island-a while the backend is down, replaces it with the live list, records transitions once', async () => {
      await addUnmanagedTenants();
      service = await startWithDatabase();
      await service.ready();
      await waitFor(
        'island-a with its unmanaged tenants',
        () =>
          tenantsOnA().length === 5 &&
          island().connection.status === 'connected',
        30_000,
      );
      const before = islandKnowledge(tenantsOnA());
      const dataStores = island().dataStores;
      expect(dataStores.length).toBeGreaterThan(0);
      expect(before.map(t => t.id)).toContain(
        unmanagedTenantId(ISLAND_A, {
          namespace: 'kamaji-tenants',
          name: 'lyon-legacy-badges',
        }),
      );
      expect(before.every(t => t.tcp?.version)).toBe(true);
      await waitFor(
        'island-a saved',
        async () =>
          (await savedIslandA())?.kinds.get('TenantControlPlane')?.size === 5,
      );

      // island-a's uplink goes down, then the backend stops.
      await plane.stopCluster('island-a', 'kill');
      await waitFor(
        'island-a disconnected',
        () => island().connection.status === 'disconnected',
        30_000,
      );
      const darkSince = island().connection.since;
      const saved = await waitFor(
        'island-a saved as disconnected',
        async () => {
          const a = await savedIslandA();
          return a?.status === 'disconnected' && a;
        },
      );
      expect(saved.since).toBe(darkSince);
      // When it last answered: the last watch event or probe before the outage.
      const lastSeenAt = saved.lastSeenAt;
      expect(Date.parse(lastSeenAt)).toBeLessThanOrEqual(Date.parse(darkSince));
      expect(Date.parse(lastSeenAt)).toBeGreaterThanOrEqual(
        Date.parse(island().staleness.lastSeenAt!),
      );
      await service.stop();
      service = undefined;
      // What the database holds once the backend is down: the outage as first saved.
      const final = (await savedIslandA())!;
      expect(final.since).toBe(darkSince);
      expect(Date.parse(final.lastSeenAt)).toBeLessThanOrEqual(
        Date.parse(darkSince),
      );
      expect(final.lastSeenAt).toBe(lastSeenAt);

      // While the backend is down, island-a comes back briefly and a tenant is deleted there.
      await plane.startCluster('island-a');
      await admin('island-a').remove({
        apiVersion: 'kamaji.clastix.io/v1alpha1',
        kind: 'TenantControlPlane',
        metadata: { namespace: 'kamaji-tenants', name: 'lyon-legacy-scales' },
      });
      await plane.stopCluster('island-a', 'kill');
      await new Promise(r => setTimeout(r, 1_500)); // so "last seen" is visibly in the past

      // The backend starts while island-a is unreachable: its last-known state, at once.
      service = await startWithDatabase();
      // Central answers (until it does, everything shows central's own staleness).
      const seeded = await waitFor(
        'island-a seeded from the database, central live',
        () =>
          tenantsOnA().length === 5 &&
          service!.getSnapshot().managementClusters[0]?.connection.status ===
            'connected' &&
          island(),
        15_000,
      );
      expect(seeded.connection.status).toBe('disconnected');
      expect(seeded.connection.since).toBe(darkSince);
      expect(seeded.staleness).toEqual({ stale: true, lastSeenAt });
      expect(seeded.health.status).not.toBe('healthy');
      expect(seeded.dataStores).toEqual(dataStores);
      expect(islandKnowledge(tenantsOnA())).toEqual(before);
      for (const t of tenantsOnA()) {
        expect(t.staleness).toMatchObject({ stale: true, lastSeenAt });
        expect(t.health.status).not.toBe('healthy');
      }
      await service.ready();
      // Still dark after the probe failed: the same true age and since.
      expect(island().connection.since).toBe(darkSince);
      expect(island().staleness.lastSeenAt).toBe(lastSeenAt);

      // island-a answers: the live list replaces the saved one.
      await plane.startCluster('island-a');
      await waitFor(
        'island-a live again',
        () =>
          island().connection.status === 'connected' &&
          !island().staleness.stale &&
          tenantsOnA().length === 4,
        30_000,
      );
      const live = islandKnowledge(tenantsOnA());
      expect(live.map(t => t.id)).not.toContain(
        unmanagedTenantId(ISLAND_A, {
          namespace: 'kamaji-tenants',
          name: 'lyon-legacy-scales',
        }),
      );
      expect(live).toEqual(
        before.filter(t => !t.id.endsWith('/lyon-legacy-scales')),
      );
      await waitFor(
        'the deletion saved',
        async () =>
          (await savedIslandA())?.kinds.get('TenantControlPlane')?.size === 4,
      );
      await service.stop();
      service = undefined;

      // One row per transition: connected, disconnected (at the true time), connected again
      // (a just-started API server may serve its CRDs a moment late: degraded in between);
      // the restarts added nothing, central stayed connected.
      const history = await store.transitions(new Date(0), new Date());
      const of = (id: string) =>
        history.filter(t => t.clusterId === id).map(t => t.status);
      expect(of(ISLAND_A).slice(0, 2)).toEqual(['connected', 'disconnected']);
      expect(of(ISLAND_A).filter(s => s === 'disconnected')).toHaveLength(1);
      expect(of(ISLAND_A).at(-1)).toBe('connected');
      of(ISLAND_A).forEach((s, i, all) => expect(s).not.toBe(all[i - 1]));
      const outage = history.find(
        t => t.clusterId === ISLAND_A && t.status === 'disconnected',
      )!;
      expect(outage.at).toBe(darkSince);
      expect(outage.reason).toBeTruthy();
      expect(of('central')).toEqual(['connected']);

      // Nothing saved carries credentials, and no Secret is saved.
      const rows = await knex('kamaji_fleet_objects').select('kind', 'data');
      expect(rows.some((r: any) => r.kind === 'Secret')).toBe(false);
      const texts = [
        ...rows.map((r: any) => r.data),
        JSON.stringify(await knex('kamaji_fleet_sources').select('*')),
        ...history.map(t => JSON.stringify(t)),
      ];
      // A reason may quote an RBAC error ("rbac.authorization.k8s.io"): look for the header form.
      const patterns = credentialPatterns(plane).map(p =>
        p.source === 'Authorization' ? /Authorization\s*:/i : p,
      );
      expect(findCredentials(texts, patterns)).toEqual([]);
    });
  },
);
