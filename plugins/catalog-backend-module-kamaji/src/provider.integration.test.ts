/*
 * The entity provider against the real fleet service (reading the local control plane seeded with
 * examples/fleet) and the real catalog backend: what lands in the catalog, and how fleet changes
 * flow through as delta mutations.
 */
import request from 'supertest';
import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import catalogPlugin from '@backstage/plugin-catalog-backend';
// The real fleet service, which this module needs at run time (test only).
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import {
  fleetServiceFactory,
  kamajiPlugin,
} from '@kamaji-backstage/plugin-kamaji-backend';
// The shared fleet test environment: local control plane + rbac.yaml + the seeded example fleet.
import {
  type FleetObjectApi,
  type LocalControlPlane,
  FLEET_USER,
  startFleetPlane,
  TEST_FIELD_MANAGER,
  waitFor,
} from '@internal/test-kube';
import { catalogModuleKamaji } from './module';
import { clusterEntityName, isValidEntityName } from './naming';

jest.setTimeout(300_000);

// The catalog's database, closed by TestDatabases after the tests (the default database service
// of a test backend leaves its connection pool's timer running, which keeps a Jest worker alive).
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

let plane: LocalControlPlane;
let admin: (cluster: string) => FleetObjectApi;
let backend: Awaited<ReturnType<typeof startTestBackend>>;

type Row = { ref: string; relations: string[] };

async function clusterEntities(): Promise<Entity[]> {
  const res = await request(backend.server)
    .get('/api/catalog/entities/by-query')
    .query({
      filter: 'kind=resource,spec.type=kubernetes-cluster',
      limit: 1000,
    });
  expect(res.status).toBe(200);
  return res.body.items;
}

const refOf = (e: Entity) =>
  `resource:${e.metadata.namespace}/${e.metadata.name}`;

function rows(entities: Entity[]): Row[] {
  return entities
    .map(e => ({
      ref: refOf(e),
      relations: (e.relations ?? [])
        .map(r => `${r.type} ${r.targetRef}`)
        .sort(),
    }))
    .sort((a, b) => a.ref.localeCompare(b.ref));
}

async function entity(name: string): Promise<Entity | undefined> {
  const res = await request(backend.server).get(
    `/api/catalog/entities/by-name/resource/default/${name}`,
  );
  return res.status === 200 ? res.body : undefined;
}

beforeAll(async () => {
  ({ plane, admin } = await startFleetPlane());
  const knex = await databases.init('SQLITE_3');
  backend = await startTestBackend({
    features: [
      mockServices.database.factory({ knex }),
      catalogPlugin,
      kamajiPlugin,
      catalogModuleKamaji,
      fleetServiceFactory,
      mockServices.rootConfig.factory({
        data: {
          catalog: {
            rules: [
              { allow: ['Resource', 'Location', 'Component', 'System', 'API'] },
            ],
          },
          kamaji: {
            managementClusters: [
              {
                name: 'central',
                title: 'Central (cloud)',
                kubeconfig: {
                  path: plane.state.users[FLEET_USER.name].kubeconfigs.central,
                },
              },
            ],
            fleet: { debounce: '50ms' },
            catalog: {
              defaultOwner: 'group:default/platform-team',
              system: 'kamaji-fleet',
            },
          },
        },
      }),
    ],
  });
});

afterAll(async () => {
  await backend?.stop();
  await plane?.stop();
});

const EXPECTED: Row[] = [
  ['central', [], 'platform-team'],
  ['central--fleet-islands--island-a', ['central'], 'platform-team'],
  ['central--fleet-islands--island-b', ['central'], 'platform-team'],
  [
    // 68 characters in the plain form: shortened with the hash of the cluster id
    'central--fleet-islands--island-b--tcp--kamaji-tenan-h7770f52dcb',
    ['central--fleet-islands--island-b'],
    'team-retail',
  ],
  [
    'central--fleet-tenants--berlin-kiosk',
    ['central--fleet-islands--island-b'],
    'team-retail',
  ],
  [
    'central--fleet-tenants--berlin-pos',
    ['central--fleet-islands--island-b'],
    'team-retail',
  ],
  [
    'central--fleet-tenants--lyon-paint-shop',
    ['central--fleet-islands--island-a'],
    'team-factory',
  ],
  [
    'central--fleet-tenants--lyon-press-line',
    ['central--fleet-islands--island-a'],
    'team-factory',
  ],
  [
    'central--fleet-tenants--lyon-quality-lab',
    ['central--fleet-islands--island-a'],
    'team-factory',
  ],
  ['central--fleet-tenants--platform-tools', ['central'], 'platform-team'],
].map(([name, deps, owner]) => ({
  ref: `resource:default/${name}`,
  relations: [
    ...(deps as string[]).map(d => `dependsOn resource:default/${d}`),
    `ownedBy group:default/${owner}`,
    'partOf system:default/kamaji-fleet',
  ].sort(),
}));

describe('the Kamaji entity provider with the real catalog and fleet', () => {
  it('writes exactly the expected entities and relations for the example fleet', async () => {
    // The dependents of island-b etc. carry the reverse relations (dependencyOf, hasPart ...)
    // only on entities that exist; only look at the outgoing ones we define.
    const outgoing = new Set(['dependsOn', 'ownedBy', 'partOf']);
    const got = await waitFor(
      'all 10 cluster entities with relations',
      async () => {
        const es = await clusterEntities();
        const r = rows(es).map(x => ({
          ...x,
          relations: x.relations.filter(rel => outgoing.has(rel.split(' ')[0])),
        }));
        return r.length === EXPECTED.length &&
          r.every(x => x.relations.length > 0)
          ? { r, es }
          : undefined;
      },
      60_000,
      250,
    );
    expect(got.r).toEqual(EXPECTED);

    // Every team reads the islands and the management cluster, and the catalog does not filter
    // relations by permission: their entities name no tenant (tenants relate to them one way).
    const island = got.es.find(
      e => e.metadata.name === 'central--fleet-islands--island-a',
    )!;
    const central = got.es.find(e => e.metadata.name === 'central')!;
    expect(
      island.relations!.filter(r => r.targetRef.includes('fleet-tenants')),
    ).toEqual([]);
    expect(
      central.relations!.filter(r => r.targetRef.includes('fleet-tenants')),
    ).toEqual([]);
    expect(
      central
        .relations!.filter(r => r.type === 'dependencyOf')
        .map(r => r.targetRef)
        .sort(),
    ).toEqual([
      'resource:default/central--fleet-islands--island-a',
      'resource:default/central--fleet-islands--island-b',
    ]);

    const legacy = got.es.find(
      e =>
        e.metadata.annotations?.['kamaji-backstage.io/cluster-id'] ===
        'central/fleet-islands/island-b/tcp/kamaji-tenants/legacy-cameras',
    )!;
    expect(legacy.metadata.labels).toMatchObject({
      'kamaji-backstage.io/role': 'tenant',
      'kamaji-backstage.io/unmanaged': 'true',
    });
    expect(legacy.metadata.tags).toContain('unmanaged');
    const press = got.es.find(e =>
      e.metadata.name.endsWith('lyon-press-line'),
    )!;
    expect(press.metadata).toMatchObject({
      title: 'lyon-press-line',
      annotations: {
        'kamaji-backstage.io/cluster-id':
          'central/fleet-tenants/lyon-press-line',
        'backstage.io/managed-by-location': 'kamaji-fleet:central',
        'backstage.io/managed-by-origin-location': 'kamaji-fleet:central',
      },
      labels: { 'kamaji-backstage.io/role': 'tenant' },
    });
    expect(press.metadata.tags).toEqual(
      expect.arrayContaining(['factory-lyon', 'k8s-v1-34', 'healthy']),
    );
    expect(
      got.es.find(e => e.metadata.name === 'central')!.metadata.labels,
    ).toMatchObject({ 'kamaji-backstage.io/role': 'management' });
  });

  const TENANT = 'shop-0099';
  const clusterObj = (
    owner: string,
    name = TENANT,
    namespace = 'fleet-tenants',
  ) => ({
    apiVersion: 'cluster.x-k8s.io/v1beta2',
    kind: 'Cluster',
    metadata: {
      name,
      namespace,
      labels: { 'kamaji-backstage.io/owner': owner },
    },
    spec: {
      controlPlaneRef: {
        apiGroup: 'controlplane.cluster.x-k8s.io',
        kind: 'KamajiControlPlane',
        name,
      },
    },
  });
  const kcpObj = (name = TENANT, namespace = 'fleet-tenants') => ({
    apiVersion: 'controlplane.cluster.x-k8s.io/v1alpha2',
    kind: 'KamajiControlPlane',
    metadata: { name, namespace },
    spec: {
      version: 'v1.34.2',
      deployment: {
        externalClusterReference: {
          deploymentNamespace: 'kamaji-tenants',
          kubeconfigSecretName: 'island-b-kubeconfig',
          kubeconfigSecretKey: 'value',
          kubeconfigSecretNamespace: 'fleet-islands',
        },
      },
    },
  });
  const name = clusterEntityName(`central/fleet-tenants/${TENANT}`);

  it('a new tenant flows through as a delta', async () => {
    await admin('central').apply(clusterObj('team-retail'), {
      fieldManager: TEST_FIELD_MANAGER,
    });
    await admin('central').apply(kcpObj(), {
      fieldManager: TEST_FIELD_MANAGER,
    });
    const e = await waitFor(
      'the new tenant entity',
      async () => {
        const x = await entity(name);
        return x?.relations?.length ? x : undefined;
      },
      30_000,
      200,
    );
    expect(e.spec).toMatchObject({ owner: 'group:default/team-retail' });
    expect(e.relations!.map(r => `${r.type} ${r.targetRef}`)).toEqual(
      expect.arrayContaining([
        'ownedBy group:default/team-retail',
        'dependsOn resource:default/central--fleet-islands--island-b',
      ]),
    );
  });

  it("agrees with the fleet API's owner filter on every group's clusters", async () => {
    const entities = await clusterEntities();
    for (const group of ['platform-team', 'team-retail', 'team-factory']) {
      const owner = `group:default/${group}`;
      const res = await request(backend.server)
        .get('/api/kamaji/v1/fleet')
        .query({ owner, limit: 1000 });
      expect(res.status).toBe(200);
      const fromApi = [...res.body.islands, ...res.body.tenants]
        .map((c: { id: string }) => c.id)
        .sort();
      // Management clusters carry no owner label: the entity gets kamaji.catalog.defaultOwner.
      const fromCatalog = entities
        .filter(
          e =>
            e.spec?.owner === owner &&
            e.metadata.labels?.['kamaji-backstage.io/role'] !== 'management',
        )
        .map(e => e.metadata.annotations!['kamaji-backstage.io/cluster-id'])
        .sort();
      expect(fromCatalog.length).toBeGreaterThan(0);
      expect(fromCatalog).toEqual(fromApi);
    }
  });

  it('an owner change flows through as a delta', async () => {
    await admin('central').apply(clusterObj('team-factory'), {
      fieldManager: TEST_FIELD_MANAGER,
    });
    const e = await waitFor(
      'the new owner',
      async () => {
        const x = await entity(name);
        return x?.relations?.some(
          r => r.targetRef === 'group:default/team-factory',
        )
          ? x
          : undefined;
      },
      30_000,
      200,
    );
    expect(e.spec!.owner).toBe('group:default/team-factory');
    expect(
      e.relations!.filter(r => r.type === 'ownedBy').map(r => r.targetRef),
    ).toEqual(['group:default/team-factory']);
  });

  it('a deleted tenant disappears', async () => {
    await admin('central').remove(clusterObj('team-factory'));
    await admin('central').remove(kcpObj());
    await waitFor(
      'the entity gone',
      async () => !(await entity(name)),
      30_000,
      200,
    );
    expect((await clusterEntities()).length).toBe(EXPECTED.length);
  });

  it('tricky names: same name in another namespace, long dotted names stay valid and unique', async () => {
    const central = admin('central');
    await central.apply(
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'fleet-tenants-2' },
      },
      { fieldManager: TEST_FIELD_MANAGER },
    );
    const longName = `shop.berlin-mitte.${'x'.repeat(60)}.example`;
    const objs = [
      ['berlin-pos', 'fleet-tenants-2'],
      [longName, 'fleet-tenants'],
      [`${longName}-2`, 'fleet-tenants'],
    ];
    for (const [n, ns] of objs) {
      await central.apply(clusterObj('team-retail', n, ns), {
        fieldManager: TEST_FIELD_MANAGER,
      });
      await central.apply(kcpObj(n, ns), { fieldManager: TEST_FIELD_MANAGER });
    }
    const ids = objs.map(([n, ns]) => `central/${ns}/${n}`);
    const es = await waitFor(
      'the tricky entities',
      async () => {
        const all = await clusterEntities();
        const found = ids.map(id =>
          all.find(
            e =>
              e.metadata.annotations?.['kamaji-backstage.io/cluster-id'] === id,
          ),
        );
        return found.every(Boolean)
          ? { all, found: found as Entity[] }
          : undefined;
      },
      30_000,
      200,
    );
    const names = es.all.map(e => e.metadata.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.every(isValidEntityName)).toBe(true);
    expect(es.found.map(e => e.metadata.name)).toEqual(
      ids.map(clusterEntityName),
    );
    expect(es.found[0].metadata.name).toBe(
      'central--fleet-tenants-2--berlin-pos',
    );
    expect(es.found[1].metadata.name).toHaveLength(63);
    expect(es.found[1].metadata.title).toBe(longName);
    for (const [n, ns] of objs) {
      await central.remove(clusterObj('team-retail', n, ns));
      await central.remove(kcpObj(n, ns));
    }
  });
});
