/* TEST HELPER. What the real-CAPI suites share: the island profile on the test provider, the
 * island declared on it, and Kamaji played (KCP endpoint and status, the TCP on the island, the
 * kubeconfig Secrets). Everything else comes from the real CAPI manager. */
import {
  applyAll,
  CapiPlane,
  FleetObjectApi,
  rbacDocuments,
  TestProvider,
  TEST_BOOTSTRAP_GROUP,
  TEST_INFRA_GROUP,
} from '@internal/test-kube';
import {
  defaultScaffolderSettings,
  renderIsland,
} from '@kamaji-backstage/plugin-scaffolder-backend-module-kamaji';

export const TENANTS_NS = 'fleet-tenants';
export const ISLANDS_NS = 'fleet-islands';
/** The field manager the tests play Kamaji (and the island's CAPI) with. */
export const PLAYER = 'kamaji-played-by-test';
const KCP_VERSION = 'controlplane.cluster.x-k8s.io/v1alpha2';

/** Scaffolder settings whose profile for `island` builds workers from the test provider. */
export function testProviderSettings(island: string) {
  const s = defaultScaffolderSettings();
  s.islandProfiles[island] = {
    infrastructureCluster: {
      apiGroup: TEST_INFRA_GROUP,
      kind: 'TestCluster',
      version: 'v1alpha1',
      spec: {},
    },
    workers: {
      bootstrap: {
        apiGroup: TEST_BOOTSTRAP_GROUP,
        kind: 'TestConfigTemplate',
        name: '{island}-worker',
      },
      infrastructure: {
        apiGroup: TEST_INFRA_GROUP,
        kind: 'TestMachineTemplate',
        name: '{island}-worker',
      },
    },
    controlPlane: {
      serviceType: 'LoadBalancer',
      deploymentNamespace: 'kamaji-tenants',
    },
  };
  return s;
}

export const condition = (type: string, status = 'True', reason = type) => ({
  type,
  status,
  reason,
  message: '',
  lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
});

/**
 * A rendered island as it can run here: the real Cluster webhook refuses its ClusterClass
 * topology while ClusterTopology is off, so the Cluster is declared on the test provider's
 * TestCluster (and the KamajiControlPlane the topology controller would reference) instead.
 * Returns the rendered Cluster (with its topology) for tests that assert the refusal.
 */
export async function declareTestIsland(
  central: FleetObjectApi,
  name: string,
  fieldManager: string,
  beforeApply?: (renderedCluster: Record<string, any>) => Promise<void>,
) {
  const objects = renderIsland(
    {
      name,
      site: 'shop-a',
      owner: 'group:default/platform-team',
      kubernetesVersion: 'v1.34.2',
      controlPlaneReplicas: 1,
    },
    { settings: testProviderSettings(name) },
  );
  const clusterObj = objects.find(o => o.kind === 'Cluster')!;
  await beforeApply?.(clusterObj);
  const { topology, ...bareSpec } = clusterObj.spec as Record<string, unknown>;
  bareSpec.infrastructureRef = {
    apiGroup: TEST_INFRA_GROUP,
    kind: 'TestCluster',
    name,
  };
  bareSpec.controlPlaneRef = {
    apiGroup: 'controlplane.cluster.x-k8s.io',
    kind: 'KamajiControlPlane',
    name,
  };
  await central.apply(
    {
      apiVersion: `${TEST_INFRA_GROUP}/v1alpha1`,
      kind: 'TestCluster',
      metadata: { name, namespace: ISLANDS_NS },
      spec: {},
    },
    { fieldManager: PLAYER },
  );
  for (const o of objects)
    await central.apply(o === clusterObj ? { ...o, spec: bareSpec } : o, {
      fieldManager,
    });
  return { topology };
}

/**
 * Plays Kamaji (operator and CAPI provider) for the tenants of one island: what they write to
 * the KamajiControlPlanes in central, the TenantControlPlanes on the island, the kubeconfigs.
 */
export class KamajiPlayer {
  private readonly central: FleetObjectApi;
  private readonly island: FleetObjectApi;

  constructor(private readonly capiPlane: CapiPlane, islandCluster: string) {
    this.central = FleetObjectApi.forConfig(
      capiPlane.plane.kubeConfig('central'),
    );
    this.island = FleetObjectApi.forConfig(
      capiPlane.plane.kubeConfig(islandCluster),
    );
  }

  /** The `<cluster>-kubeconfig` Secret CAPI (island) or Kamaji (tenant) writes once the cluster runs. */
  async kubeconfigSecret(
    cluster: string,
    namespace: string,
    kubeconfig: string,
  ) {
    await this.central.apply(
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
          name: `${cluster}-kubeconfig`,
          namespace,
          labels: { 'cluster.x-k8s.io/cluster-name': cluster },
        },
        type: 'cluster.x-k8s.io/secret',
        stringData: { value: kubeconfig },
      },
      { fieldManager: PLAYER },
    );
  }

  /** The tenant's control plane endpoint: the kube-apiserver of `workload` playing the TCP's. */
  async endpoint(tenant: string, workload: string) {
    const endpoint = new URL(this.capiPlane.plane.server(workload));
    await this.central.apply(
      {
        apiVersion: KCP_VERSION,
        kind: 'KamajiControlPlane',
        metadata: { name: tenant, namespace: TENANTS_NS },
        spec: {
          controlPlaneEndpoint: {
            host: endpoint.hostname,
            port: Number(endpoint.port),
          },
        },
      },
      { fieldManager: PLAYER, strict: false },
    );
    return endpoint;
  }

  /** Everything Kamaji writes once a tenant's control plane runs `version`. */
  async controlPlaneRunning(tenant: string, workload: string, version: string) {
    await this.kcpStatus(tenant, version);
    await this.tcp(tenant, workload, version);
  }

  async kcpStatus(tenant: string, version: string) {
    await this.central.apply(
      {
        apiVersion: KCP_VERSION,
        kind: 'KamajiControlPlane',
        metadata: { name: tenant, namespace: TENANTS_NS },
        status: {
          externalManagedControlPlane: true,
          initialization: { controlPlaneInitialized: true },
          ready: true,
          version,
          replicas: 2,
          readyReplicas: 2,
          availableReplicas: 2,
          upToDateReplicas: 2,
          conditions: [condition('Available')],
        },
      },
      { fieldManager: PLAYER, subresource: 'status', strict: false },
    );
  }

  /** The TenantControlPlane Kamaji's provider creates on the island: `kcp-<KCP uid>`. */
  async tcp(tenant: string, workload: string, version: string) {
    const kcp = await this.central.get({
      apiVersion: KCP_VERSION,
      kind: 'KamajiControlPlane',
      metadata: { name: tenant, namespace: TENANTS_NS },
    });
    const tcp = {
      apiVersion: 'kamaji.clastix.io/v1alpha1',
      kind: 'TenantControlPlane',
      metadata: {
        name: `kcp-${kcp!.metadata.uid}`,
        namespace: 'kamaji-tenants',
        labels: { 'cluster.x-k8s.io/cluster-name': tenant },
      },
      spec: {
        controlPlane: { service: { serviceType: 'LoadBalancer' } },
        kubernetes: { version, kubelet: {} },
        networkProfile: {},
      },
    };
    await this.island.apply(tcp, { fieldManager: PLAYER });
    const endpoint = new URL(this.capiPlane.plane.server(workload));
    await this.island.apply(
      {
        ...tcp,
        status: {
          controlPlaneEndpoint: `${endpoint.hostname}:${endpoint.port}`,
          kubernetesResources: { version: { version, status: 'Ready' } },
        },
      },
      { fieldManager: PLAYER, subresource: 'status' },
    );
  }
}

/**
 * The fleet's RBAC (rbac.yaml) and namespaces on central and the island, the test provider with
 * the island's worker templates, and the Kamaji player: what every real-CAPI suite starts from.
 */
export async function prepareRealCapiFleet(
  capiPlane: CapiPlane,
  island: string,
) {
  const { plane } = capiPlane;
  const central = FleetObjectApi.forConfig(plane.kubeConfig('central'));
  const islandApi = FleetObjectApi.forConfig(plane.kubeConfig(island));
  await applyAll(central, rbacDocuments('management'));
  await applyAll(islandApi, rbacDocuments('island'));
  for (const [api, name] of [
    [central, TENANTS_NS],
    [central, ISLANDS_NS],
    [islandApi, 'kamaji-tenants'],
  ] as const)
    await api.apply(
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
      { fieldManager: PLAYER },
    );
  const provider = new TestProvider(central, TENANTS_NS);
  await provider.createTemplates(`${island}-worker`);
  return {
    central,
    island: islandApi,
    provider,
    kamaji: new KamajiPlayer(capiPlane, island),
  };
}
