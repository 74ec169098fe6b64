/*
 * The cluster supplier with the real fleet service (local control plane, seeded example fleet) and
 * the real kubernetes-backend: /clusters lists the fleet's clusters, a request made as the proxy
 * makes it reaches a tenant API server with the fleet's credentials, a stopped island's clusters
 * are left out, and no response carries credential material. The proxy and the object fetcher
 * themselves run in the real backend process in scripts/check-kubernetes-backend.ts.
 */
import https from 'node:https';
import request from 'supertest';
import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { ClusterDetails } from '@backstage/plugin-kubernetes-node';
import {
  FleetService,
  fleetServiceRef,
} from '@kamaji-backstage/plugin-kamaji-node';
import { KamajiAuthStrategy } from './KamajiAuthStrategy';
import { KamajiClusterSupplier } from './KamajiClusterSupplier';
import { readKubernetesSettings } from './settings';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
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

/** GET on a cluster as the kubernetes-backend's fetcher does it: URL + CA from ClusterDetails, credential from the strategy. */
async function getAs(
  cluster: ClusterDetails,
  strategy: KamajiAuthStrategy,
  path: string,
): Promise<{ status: number; body: any }> {
  const credential = await strategy.getCredential(cluster);
  const url = new URL(path, cluster.url);
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        ca: cluster.caData
          ? Buffer.from(cluster.caData, 'base64').toString()
          : undefined,
        ...(credential.type === 'x509 client certificate'
          ? { cert: credential.cert, key: credential.key }
          : {}),
        headers:
          credential.type === 'bearer token'
            ? { authorization: `Bearer ${credential.token}` }
            : {},
      },
      res => {
        let data = '';
        res.on('data', c => (data += c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(data) }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

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
            clusterLocatorMethods: [{ type: 'config', clusters: [] }],
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
            kubernetes: { credentialCacheSeconds: 1 },
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
  it('lists the islands and the tenants with readable access', async () => {
    const items = await clusters();
    expect(items.map(c => c.name)).toEqual([
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

  // The kubernetes-backend's proxy and fetcher load @kubernetes/client-node with a dynamic
  // import(), which jest cannot run without --experimental-vm-modules; so the request is made
  // here the way they make it, with the same supplier and auth strategy the module installs.
  // scripts/check-kubernetes-backend.ts runs the real proxy and fetcher in the backend process.
  it.each([
    [
      'central/fleet-tenants/lyon-press-line',
      'x509 client certificate',
      '/api/v1/namespaces/kamaji-tenants',
      'Namespace',
    ],
    [
      'central/fleet-tenants/berlin-pos',
      'bearer token',
      '/api/v1/namespaces/kamaji-tenants',
      'Namespace',
    ],
    // The island Secret holds the fleet user's kubeconfig: the least-privilege island role (rbac.yaml).
    [
      'central/fleet-islands/island-a',
      'x509 client certificate',
      '/apis/kamaji.clastix.io/v1alpha1/namespaces/kamaji-tenants/tenantcontrolplanes',
      'TenantControlPlaneList',
    ],
  ])(
    'reaches %s with the fleet credentials (%s)',
    async (name, type, path, kind) => {
      const logger = mockServices.logger.mock();
      const strategy = new KamajiAuthStrategy(fleet, logger);
      const supplier = new KamajiClusterSupplier(
        fleet,
        readKubernetesSettings(mockServices.rootConfig()),
        logger,
        strategy,
      );
      const all = await supplier.getClusters({ credentials: {} as any });
      supplier.stop();
      const cluster = all.find(c => c.name === name)!;
      expect(cluster.authMetadata).toEqual({
        'kubernetes.io/auth-provider': 'kamaji',
        'kamaji-backstage.io/cluster-id': name,
      });
      expect((await strategy.getCredential(cluster)).type).toBe(type);
      const res = await getAs(cluster, strategy, path);
      expect(res.status).toBe(200);
      expect(res.body.kind).toBe(kind);
    },
  );

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
