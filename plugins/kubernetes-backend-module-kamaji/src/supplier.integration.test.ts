/*
 * The cluster supplier with the real fleet service (local control plane, seeded example fleet) and
 * the real kubernetes-backend: /clusters lists the fleet's clusters, a request made as the proxy
 * makes it reaches a tenant API server with the fleet's credentials, a stopped island's clusters
 * are left out, and no response carries credential material. The proxy and the object fetcher
 * themselves run in the real backend process in scripts/check-kubernetes-backend.ts.
 */
import request from 'supertest';
import {
  BackstageCredentials,
  coreServices,
  createBackendPlugin,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  ClusterDetails,
  KubernetesFetcher,
} from '@backstage/plugin-kubernetes-node';
import {
  createKamajiClusterConditionalDecision,
  FleetService,
  fleetServiceRef,
  kamajiClusterReadConditions,
} from '@kamaji-backstage/plugin-kamaji-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { readableClustersOf } from './readableClusters';
import { KamajiAuthStrategy } from './KamajiAuthStrategy';
import { KamajiClusterSupplier } from './KamajiClusterSupplier';
import { KamajiFetcher } from './KamajiFetcher';
import { ImpersonatorTokens } from './ImpersonatorTokens';
import {
  kamajiClusterReadPermission,
  ownerBindingObject,
} from '@kamaji-backstage/plugin-kamaji-common';
import { readKubernetesSettings } from './settings';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import kubernetesPlugin from '@backstage/plugin-kubernetes-backend';
// The real fleet service, which this module needs at run time (test only).
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import { fleetServiceFactory } from '@kamaji-backstage/plugin-kamaji-backend';
// The shared fleet test environment: local control plane + rbac.yaml + the seeded example fleet.
import {
  type FleetObjectApi,
  type LocalControlPlane,
  credentialPatterns,
  findCredentials,
  FLEET_USER,
  startFleetPlane,
  TEST_FIELD_MANAGER,
  applyAll,
  rbacDocuments,
  waitFor,
} from '@internal/test-kube';
import { kubernetesModuleKamaji } from './module';

jest.setTimeout(300_000);

let plane: LocalControlPlane;
let admin: (cluster: string) => FleetObjectApi;
let backend: Awaited<ReturnType<typeof startTestBackend>>;
const texts: string[] = [];
let fleet: FleetService;

/** A plugin that hands the test the backend's fleet service. */
const fleetProbe = createBackendPlugin({
  pluginId: 'fleet-probe',
  register(env) {
    env.registerInit({
      deps: { fleet: fleetServiceRef, logger: coreServices.logger },
      async init(deps) {
        fleet = deps.fleet;
      },
    });
  },
});

/**
 * The example tenants have no API servers in the local control plane; their CAPI kubeconfig
 * Secrets point at stand-ins: lyon-press-line → island-a (client certificate), berlin-pos →
 * island-b (static token), platform-tools → central (client certificate). berlin-kiosk has no
 * Secret (still provisioning), like legacy-cameras (unmanaged).
 */
const TENANT_SERVERS: Array<[string, string, 'cert' | 'token']> = [
  ['lyon-press-line', 'island-a', 'cert'],
  ['berlin-pos', 'island-b', 'token'],
  ['platform-tools', 'central', 'cert'],
];

async function clusters(): Promise<Array<Record<string, unknown>>> {
  const res = await request(backend.server).get('/api/kubernetes/clusters');
  texts.push(res.text);
  expect(res.status).toBe(200);
  return res.body.items;
}

beforeAll(async () => {
  ({ plane, admin } = await startFleetPlane());
  for (const [tenant, server, auth] of TENANT_SERVERS) {
    await admin('central').apply(
      {
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'cluster.x-k8s.io/secret',
        metadata: {
          name: `${tenant}-kubeconfig`,
          namespace: 'fleet-tenants',
          labels: { 'cluster.x-k8s.io/cluster-name': tenant },
        },
        data: {
          value: Buffer.from(
            plane.kubeConfigYaml(server, 'admin', auth),
          ).toString('base64'),
        },
      },
      { fieldManager: TEST_FIELD_MANAGER },
    );
  }
  backend = await startTestBackend({
    features: [
      kubernetesPlugin,
      kubernetesModuleKamaji,
      fleetServiceFactory,
      fleetProbe,
      mockServices.rootConfig.factory({
        data: {
          kubernetes: {
            serviceLocatorMethod: { type: 'multiTenant' },
            clusterLocatorMethods: [
              {
                type: 'config',
                // A cluster the app configures itself, with a built-in auth strategy.
                clusters: [
                  {
                    name: 'configured',
                    url: 'https://127.0.0.1:1',
                    authProvider: 'serviceAccount',
                    serviceAccountToken: 'not-used-by-this-test',
                    skipMetricsLookup: true,
                  },
                ],
              },
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

describe('the Kamaji cluster supplier with the real kubernetes-backend and fleet', () => {
  it('lists the islands and the tenants with readable access, after the clusters the app configures', async () => {
    const items = await clusters();
    expect(items.map(c => c.name)).toEqual([
      'configured',
      'central/fleet-islands/island-a',
      'central/fleet-islands/island-b',
      'central/fleet-tenants/berlin-pos',
      'central/fleet-tenants/lyon-press-line',
      'central/fleet-tenants/platform-tools',
    ]);
    const press = items.find(
      c => c.name === 'central/fleet-tenants/lyon-press-line',
    )!;
    expect(press).toMatchObject({
      title: 'lyon-press-line',
      authProvider: 'kamaji',
    });
    // presentAuthMetadata gives nothing: the router then leaves `auth` out.
    expect(press.auth).toBeUndefined();
    expect(Object.keys(press).sort()).toEqual([
      'authProvider',
      'name',
      'title',
    ]);
  });

  // The kubernetes-backend's proxy loads @kubernetes/client-node with a dynamic import(), which
  // jest cannot run without --experimental-vm-modules; the module's own fetcher runs here, with
  // the supplier and auth strategy the module installs. scripts/check-kubernetes-backend.ts runs
  // the fetcher and the real proxy in the backend process, as users of different teams.
  describe('requests of a signed-in user', () => {
    const alice = mockCredentials.user('user:default/alice');
    const aliceIdentity = {
      user: 'user:default/alice',
      groups: ['group:default/team-retail'],
    };
    const pods = {
      group: '',
      apiVersion: 'v1',
      plural: 'pods',
      objectType: 'pods' as const,
    };
    const logger = mockServices.logger.mock();
    const settings = readKubernetesSettings(mockServices.rootConfig());
    let strategy: KamajiAuthStrategy;
    beforeAll(() => {
      strategy = new KamajiAuthStrategy(
        new ImpersonatorTokens(fleet, settings.impersonator, logger),
      );
    });
    const fetcher = new KamajiFetcher({} as KubernetesFetcher);

    async function detailsFor(credentials: BackstageCredentials, name: string) {
      const supplier = new KamajiClusterSupplier(
        fleet,
        settings,
        logger,
        async c => (c === alice ? aliceIdentity : undefined),
        async () => () => true,
        strategy,
      );
      const all = await supplier.getClusters({ credentials });
      supplier.stop();
      return all.find(c => c.name === name)!;
    }

    async function listPods(cluster: ClusterDetails) {
      return fetcher.fetchObjectsForService({
        serviceId: 'berlin-pos',
        clusterDetails: cluster,
        credential: await strategy.getCredential(cluster),
        objectTypesToFetch: new Set([pods]),
        customResources: [],
        namespace: 'kamaji-tenants',
      });
    }

    it('carry the user and its groups; the cluster RBAC decides (403, then allowed once bound)', async () => {
      // berlin-pos' Secret holds island-b's admin token: the impersonator is installed with it.
      const cluster = await detailsFor(
        alice,
        'central/fleet-tenants/berlin-pos',
      );
      expect(cluster.authMetadata).toEqual({
        'kubernetes.io/auth-provider': 'kamaji',
        'kamaji-backstage.io/cluster-id': 'central/fleet-tenants/berlin-pos',
        'kamaji-backstage.io/impersonate-user': 'user:default/alice',
        'kamaji-backstage.io/impersonate-groups': 'group:default/team-retail',
      });
      const credential = await strategy.getCredential(cluster);
      expect(credential.type).toBe('bearer token');
      const adminToken = plane.state.users.admin.token;
      expect(credential).not.toEqual({
        type: 'bearer token',
        token: adminToken,
      });

      const denied = await listPods(cluster);
      expect(denied.responses).toEqual([]);
      expect(denied.errors).toEqual([
        {
          errorType: 'UNAUTHORIZED_ERROR',
          statusCode: 403,
          resourcePath: '/api/v1/namespaces/kamaji-tenants/pods',
        },
      ]);

      // The workload viewer of rbac.yaml: the built-in aggregated roles (view, edit) stay empty
      // without a controller manager.
      const viewer = rbacDocuments('tenant').find(
        d => d.metadata.name === 'kamaji-backstage-tenant-workload-viewer',
      )!;
      await applyAll(admin('island-b'), [
        viewer,
        ownerBindingObject('group:default/team-retail', viewer.metadata.name),
      ]);
      const allowed = await waitFor('team-retail bound', async () => {
        const r = await listPods(cluster);
        return r.errors.length === 0 && r;
      });
      expect(allowed.responses).toEqual([{ type: 'pods', resources: [] }]);

      expect(logger.warn).not.toHaveBeenCalled();
    });

    it('create the impersonator with an admin Secret where it is missing, and use only it', async () => {
      // platform-tools' Secret holds central's admin certificate; central has no impersonator yet.
      const impersonatorRole = {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: 'kamaji-backstage-impersonator' },
      };
      expect(await admin('central').get(impersonatorRole)).toBeUndefined();
      const cluster = await detailsFor(
        alice,
        'central/fleet-tenants/platform-tools',
      );
      const credential = await strategy.getCredential(cluster);
      expect(credential.type).toBe('bearer token');
      expect((await listPods(cluster)).errors).toMatchObject([
        { statusCode: 403 },
      ]);
      expect((await admin('central').get(impersonatorRole))?.rules).toEqual([
        {
          apiGroups: [''],
          resources: ['users', 'groups'],
          verbs: ['impersonate'],
        },
      ]);
      expect(logger.warn).not.toHaveBeenCalled();
    });

    it('carry no identity for a service caller, which then gets no credential', async () => {
      const cluster = await detailsFor(
        mockCredentials.service(),
        'central/fleet-tenants/lyon-press-line',
      );
      expect(cluster.authMetadata).toEqual({
        'kubernetes.io/auth-provider': 'kamaji',
        'kamaji-backstage.io/cluster-id':
          'central/fleet-tenants/lyon-press-line',
      });
      expect(await strategy.getCredential(cluster)).toEqual({
        type: 'anonymous',
      });
    });
  });

  describe('what a user is offered: its kamaji.cluster.read, as in the fleet API and the catalog', () => {
    /** Permissions answering `kamaji.cluster.read` as the example policy does for `refs`. */
    const readRuleOf = (refs: string[]): PermissionsService => ({
      authorizeConditional: async requests =>
        requests.map(r =>
          createKamajiClusterConditionalDecision(
            r.permission as typeof kamajiClusterReadPermission,
            kamajiClusterReadConditions(refs),
          ),
        ) as any,
      authorize: async () => {
        throw new Error('not asked');
      },
    });

    async function offered(
      permissions: PermissionsService,
      logger = mockServices.logger.mock(),
    ) {
      const supplier = new KamajiClusterSupplier(
        fleet,
        readKubernetesSettings(mockServices.rootConfig()),
        logger,
        async () => undefined,
        readableClustersOf(permissions, logger),
      );
      const names = (
        await supplier.getClusters({
          credentials: mockCredentials.user('user:default/alice'),
        })
      ).map(c => c.name);
      supplier.stop();
      return names;
    }

    it("offers a team's user the islands and its team's tenants, not another team's", async () => {
      expect(
        await offered(
          readRuleOf(['user:default/alice', 'group:default/team-retail']),
        ),
      ).toEqual([
        'central/fleet-islands/island-a',
        'central/fleet-islands/island-b',
        'central/fleet-tenants/berlin-pos',
      ]);
      expect(
        await offered(
          readRuleOf(['user:default/bob', 'group:default/team-factory']),
        ),
      ).toEqual([
        'central/fleet-islands/island-a',
        'central/fleet-islands/island-b',
        'central/fleet-tenants/lyon-press-line',
      ]);
    });

    it('offers no fleet cluster when the decision cannot be applied', async () => {
      const logger = mockServices.logger.mock();
      const foreign: PermissionsService = {
        authorizeConditional: async requests =>
          requests.map(() => ({
            result: AuthorizeResult.CONDITIONAL,
            pluginId: 'catalog',
            resourceType: 'catalog-entity',
            conditions: {
              rule: 'IS_ENTITY_OWNER',
              resourceType: 'catalog-entity',
              params: { claims: [] },
            },
          })) as any,
        authorize: async () => {
          throw new Error('not asked');
        },
      };
      expect(await offered(foreign, logger)).toEqual([]);
      expect(String(logger.warn.mock.calls[0][0])).toMatch(
        /kamaji.cluster.read could not be applied \(the conditions target catalog\/catalog-entity/,
      );
    });
  });

  it('names the tenants without a kubeconfig Secret in one log line, not one per refresh', async () => {
    const logger = mockServices.logger.mock();
    const supplier = new KamajiClusterSupplier(
      fleet,
      readKubernetesSettings(
        mockServices.rootConfig({
          data: { kamaji: { kubernetes: { accessRefreshSeconds: 0.1 } } },
        }),
      ),
      logger,
      async () => undefined,
      async () => () => true,
    );
    await supplier.start();
    await new Promise(r => setTimeout(r, 600)); // several refreshes
    supplier.stop();
    const lines = logger.info.mock.calls.map(c => String(c[0]));
    expect(lines.filter(l => l.includes('no kubeconfig Secret'))).toEqual([
      'kamaji cluster supplier: no kubeconfig Secret readable for 3 cluster(s), not offered to the Kubernetes plugin until there is one: ' +
        'central/fleet-tenants/berlin-kiosk, central/fleet-tenants/lyon-paint-shop, central/fleet-tenants/lyon-quality-lab',
    ]);
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it("leaves out a stopped island's clusters without an error, and takes them back", async () => {
    await plane.stopCluster('island-b');
    const gone = await waitFor(
      'island-b and berlin-pos left out',
      async () => {
        const items = await clusters();
        return items.some(
          c =>
            String(c.name).includes('island-b') ||
            c.name === 'central/fleet-tenants/berlin-pos',
        )
          ? undefined
          : items;
      },
      40_000,
      500,
    );
    expect(gone.map(c => c.name)).toEqual([
      'configured',
      'central/fleet-islands/island-a',
      'central/fleet-tenants/lyon-press-line',
      'central/fleet-tenants/platform-tools',
    ]);
    await plane.startCluster('island-b');
    await waitFor(
      'island-b back',
      async () =>
        (
          await clusters()
        ).some(c => c.name === 'central/fleet-islands/island-b'),
      40_000,
      500,
    );
  });

  it('no response contains credential material', () => {
    expect(texts.length).toBeGreaterThan(3);
    expect(findCredentials(texts, credentialPatterns(plane))).toEqual([]);
  });
});
