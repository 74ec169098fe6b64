import {
  coreServices,
  createBackendFeatureLoader,
  createBackendPlugin,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { LocalControlPlane, FleetObjectApi } from '@internal/test-kube';
import {
  compactFleetResponse,
  FleetDelta,
  TenantNode,
  unmanagedTenantId,
} from '@kamaji-backstage/plugin-kamaji-common';
import {
  FleetService,
  fleetServiceRef,
} from '@kamaji-backstage/plugin-kamaji-node';
import { fleetServiceFactory } from './fleetServiceFactory';
import { KubeFleetService } from './KubeFleetService';
import {
  applyAll,
  AnyObject,
  CapturingLogger,
  credentialPatterns,
  findCredentials,
  rbacDocuments,
  startFleetPlane,
  startService,
  TEST_FIELD_MANAGER,
  waitFor,
} from './__testUtils__/fleetTestEnv';

jest.setTimeout(300_000);

const LIMITED_USER = { name: 'kamaji-limited', groups: ['kamaji-limited'] };

describe('KubeFleetService against real API servers (central, island-a, island-b)', () => {
  let plane: LocalControlPlane;
  let admin: (cluster: string) => FleetObjectApi;
  let service: KubeFleetService;
  const logger = new CapturingLogger();
  const deltas: FleetDelta[] = [];
  const texts: string[] = [];

  beforeAll(async () => {
    ({ plane, admin } = await startFleetPlane([LIMITED_USER]));
    service = startService(plane, logger);
    service.subscribe(d => deltas.push(d));
    const started = Date.now();
    await service.ready();
    // eslint-disable-next-line no-console
    console.info(`fleet service ready in ${Date.now() - started} ms`);
  });

  afterAll(async () => {
    await service?.stop();
    await plane?.stop();
  });

  const tenant = (name: string) =>
    service.getSnapshot().tenants.find(t => t.name === name) as TenantNode;

  it('builds the model of the seeded example fleet', () => {
    const snap = service.getSnapshot();
    texts.push(JSON.stringify(snap));
    expect(snap.version).toBeGreaterThan(0);

    expect(snap.managementClusters).toHaveLength(1);
    const central = snap.managementClusters[0];
    expect(central).toMatchObject({
      id: 'central',
      role: 'management',
      title: 'Central (cloud)',
      connection: { status: 'connected' },
      islandIds: [
        'central/fleet-islands/island-a',
        'central/fleet-islands/island-b',
      ],
      tenantIds: ['central/fleet-tenants/platform-tools'],
      health: { status: 'healthy' },
    });
    expect(central.connection.unreadableKinds).toBeUndefined();

    expect(snap.islands.map(i => i.id)).toEqual([
      'central/fleet-islands/island-a',
      'central/fleet-islands/island-b',
    ]);
    const [a, b] = snap.islands;
    expect(a).toMatchObject({
      name: 'island-a',
      site: 'factory-lyon',
      owner: 'group:default/platform-team',
      connection: { status: 'connected' },
      staleness: { stale: false },
      health: { status: 'healthy', reasons: [] },
      kubernetesVersion: 'v1.34.2',
      endpoint: '10.10.0.10:6443',
      tenantIds: [
        'central/fleet-tenants/lyon-paint-shop',
        'central/fleet-tenants/lyon-press-line',
        'central/fleet-tenants/lyon-quality-lab',
      ],
      tenantHealth: {
        healthy: 1,
        progressing: 1,
        degraded: 1,
        unhealthy: 0,
        unknown: 0,
      },
    });
    expect(a.dataStores).toEqual([
      {
        name: 'default',
        driver: 'etcd',
        ready: true,
        usedBy: expect.any(Array),
      },
    ]);
    expect([...a.dataStores[0].usedBy].sort()).toEqual([...a.tenantIds].sort());
    expect(b.tenantIds).toEqual([
      unmanagedTenantId('central/fleet-islands/island-b', {
        namespace: 'kamaji-tenants',
        name: 'legacy-cameras',
      }),
      'central/fleet-tenants/berlin-kiosk',
      'central/fleet-tenants/berlin-pos',
    ]);

    expect(snap.tenants.map(t => t.name).sort()).toEqual([
      'berlin-kiosk',
      'berlin-pos',
      'legacy-cameras',
      'lyon-paint-shop',
      'lyon-press-line',
      'lyon-quality-lab',
      'platform-tools',
    ]);
    const expected: Record<
      string,
      { island?: string; owner?: string; health: string }
    > = {
      'lyon-press-line': {
        island: 'island-a',
        owner: 'team-factory',
        health: 'healthy',
      },
      'lyon-paint-shop': {
        island: 'island-a',
        owner: 'team-factory',
        health: 'progressing',
      },
      'lyon-quality-lab': {
        island: 'island-a',
        owner: 'team-factory',
        health: 'degraded',
      },
      'berlin-pos': {
        island: 'island-b',
        owner: 'team-retail',
        health: 'healthy',
      },
      'berlin-kiosk': {
        island: 'island-b',
        owner: 'team-retail',
        health: 'progressing',
      },
      'platform-tools': { owner: 'platform-team', health: 'healthy' },
      'legacy-cameras': {
        island: 'island-b',
        owner: 'team-retail',
        health: 'healthy',
      },
    };
    for (const [name, e] of Object.entries(expected)) {
      const t = tenant(name);
      expect({
        name,
        island: t.islandId,
        owner: t.owner,
        health: t.health.status,
      }).toEqual({
        name,
        island: e.island ? `central/fleet-islands/${e.island}` : undefined,
        owner: `group:default/${e.owner}`,
        health: e.health,
      });
      expect(t.staleness).toEqual({ stale: false });
    }

    const paint = tenant('lyon-paint-shop');
    expect(paint.versions).toEqual({
      declared: 'v1.34.2',
      running: 'v1.33.7',
      workers: ['v1.33.7'],
      skew: true,
    });
    expect(paint.health.reasons.join(' ')).toMatch(/upgrading/);
    expect(paint.controlPlane.tenantControlPlane).toMatchObject({
      status: 'Upgrading',
      hostedIn: 'central/fleet-islands/island-a',
      namespace: 'kamaji-tenants',
    });
    expect(paint.controlPlane.tenantControlPlane!.name).toBe(
      `kcp-${paint.controlPlane.kamajiControlPlane!.uid}`,
    );
    expect(tenant('lyon-press-line').versions).toEqual({
      declared: 'v1.34.2',
      running: 'v1.34.2',
      workers: ['v1.34.2'],
      skew: false,
    });
    expect(
      tenant('lyon-press-line').workerPools.map(p => [
        p.name,
        p.replicas.ready,
      ]),
    ).toEqual([
      ['lyon-press-line-edge', 2],
      ['lyon-press-line-vision', 1],
    ]);
    expect(tenant('lyon-press-line').workerPools[0].machinePhases).toEqual({
      Running: 2,
    });
    expect(tenant('lyon-quality-lab').workers).toMatchObject({
      desired: 3,
      ready: 2,
    });
    expect(tenant('lyon-quality-lab').health.reasons.join(' ')).toMatch(
      /workers/,
    );
    expect(tenant('berlin-kiosk').versions).toMatchObject({
      declared: 'v1.34.2',
      skew: false,
    });
    expect(tenant('berlin-kiosk').versions.running).toBeUndefined();
    expect(tenant('berlin-kiosk').workerPools[0].machinePhases).toEqual({
      Pending: 2,
    });

    const tools = tenant('platform-tools');
    expect(tools.islandId).toBeUndefined();
    expect(tools.controlPlane.tenantControlPlane).toMatchObject({
      name: 'platform-tools',
      namespace: 'fleet-tenants',
      hostedIn: 'central',
      status: 'Ready',
    });

    const legacy = tenant('legacy-cameras');
    expect(legacy).toMatchObject({
      id: 'central/fleet-islands/island-b/tcp/kamaji-tenants/legacy-cameras',
      managed: false,
      versions: { running: 'v1.33.7', workers: [], skew: false },
    });

    // Addon sets and their clusters.
    const sets = Object.fromEntries(snap.addonSets.map(s => [s.name, s]));
    expect(Object.keys(sets).sort()).toEqual([
      'cilium',
      'edge-baseline',
      'observability',
    ]);
    const names = (ids: string[]) => ids.map(id => id.split('/').pop()).sort();
    expect(sets.observability).toMatchObject({
      id: 'central/ClusterProfile/_/observability',
      kind: 'ClusterProfile',
      health: { status: 'healthy' },
    });
    expect(names(sets.observability.matchingClusterIds)).toEqual([
      'berlin-pos',
      'lyon-paint-shop',
      'lyon-press-line',
      'lyon-quality-lab',
      'platform-tools',
    ]);
    expect(sets.observability.contents).toEqual([
      'prometheus-community/prometheus-node-exporter@4.47.0',
      'prometheus-community/kube-state-metrics@6.1.0',
      'ConfigMap/observability-scrape-config',
    ]);
    expect(names(sets.cilium.matchingClusterIds)).toEqual([
      'berlin-kiosk',
      'berlin-pos',
      'lyon-paint-shop',
      'lyon-press-line',
      'lyon-quality-lab',
      'platform-tools',
    ]);
    expect(sets.cilium).toMatchObject({
      id: 'central/HelmChartProxy/fleet-tenants/cilium',
      contents: ['cilium@1.18.1'],
      health: { status: 'progressing' },
    });
    expect(names(sets['edge-baseline'].matchingClusterIds)).toEqual([
      'berlin-kiosk',
      'berlin-pos',
      'lyon-paint-shop',
      'lyon-press-line',
    ]);
    expect(
      tenant('lyon-press-line').addons.map(x => [x.name, x.status]),
    ).toEqual([
      ['observability', 'applied'],
      ['edge-baseline', 'applied'],
      ['cilium', 'applied'],
    ]);
    expect(tenant('berlin-kiosk').addons.map(x => [x.name, x.status])).toEqual([
      ['edge-baseline', 'progressing'],
      ['cilium', 'progressing'],
    ]);
    expect(service.getProblems()).toEqual([]);
  });

  it('serves the snapshot JSON, the snapshot as the API sends it', () => {
    const { version, json } = service.getSnapshotJson();
    expect(version).toBe(service.getSnapshot().version);
    expect(JSON.parse(json)).toEqual(
      JSON.parse(JSON.stringify(compactFleetResponse(service.getSnapshot()))),
    );
    // Random identifiers stay out of the whole-fleet snapshot (see compactTenant).
    expect(json).not.toMatch(/"uid"|kcp-[0-9a-f]{8}-/);
    expect(service.getCluster('central/fleet-tenants/berlin-pos')?.name).toBe(
      'berlin-pos',
    );
  });
  describe('live changes through watches', () => {
    const TENANT = 'shop-0099';
    const clusterObj = (): AnyObject => ({
      apiVersion: 'cluster.x-k8s.io/v1beta2',
      kind: 'Cluster',
      metadata: {
        name: TENANT,
        namespace: 'fleet-tenants',
        labels: {
          'kamaji-backstage.io/owner': 'team-retail',
          'addons.kamaji-backstage.io/cilium': 'enabled',
        },
      },
      spec: {
        controlPlaneRef: {
          apiGroup: 'controlplane.cluster.x-k8s.io',
          kind: 'KamajiControlPlane',
          name: TENANT,
        },
      },
    });
    const kcpObj = (): AnyObject => ({
      apiVersion: 'controlplane.cluster.x-k8s.io/v1alpha2',
      kind: 'KamajiControlPlane',
      metadata: { name: TENANT, namespace: 'fleet-tenants' },
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
    const now = '2026-11-25T12:00:00Z';
    const condition = (type: string) => ({
      type,
      status: 'True',
      reason: type,
      message: '',
      lastTransitionTime: now,
    });
    let tcpName = '';

    it('a new tenant appears without a restart, joined to the TCP Kamaji creates on the island', async () => {
      const central = admin('central');
      const islandB = admin('island-b');
      await central.apply(clusterObj(), { fieldManager: TEST_FIELD_MANAGER });
      const kcp = await central.apply(kcpObj(), {
        fieldManager: TEST_FIELD_MANAGER,
      });
      tcpName = `kcp-${kcp.metadata.uid}`;
      // Playing the controllers: CAPI, the KCP controller, Kamaji on the island.
      await central.apply(
        {
          ...clusterObj(),
          status: {
            phase: 'Provisioned',
            initialization: {
              infrastructureProvisioned: true,
              controlPlaneInitialized: true,
            },
            conditions: [condition('Available')],
          },
        },
        { fieldManager: TEST_FIELD_MANAGER, subresource: 'status' },
      );
      await central.apply(
        {
          ...kcpObj(),
          status: {
            externalManagedControlPlane: true,
            ready: true,
            version: 'v1.34.2',
            initialization: { controlPlaneInitialized: true },
          },
        },
        { fieldManager: TEST_FIELD_MANAGER, subresource: 'status' },
      );
      const tcp = {
        apiVersion: 'kamaji.clastix.io/v1alpha1',
        kind: 'TenantControlPlane',
        metadata: {
          name: tcpName,
          namespace: 'kamaji-tenants',
          labels: { 'cluster.x-k8s.io/cluster-name': TENANT },
        },
        spec: {
          controlPlane: { service: { serviceType: 'LoadBalancer' } },
          kubernetes: { version: 'v1.34.2', kubelet: {} },
          networkProfile: {},
        },
      };
      await islandB.apply(tcp, { fieldManager: TEST_FIELD_MANAGER });
      await islandB.apply(
        {
          ...tcp,
          status: {
            controlPlaneEndpoint: '10.11.20.99:6443',
            kubernetesResources: {
              version: { version: 'v1.34.2', status: 'Ready' },
            },
          },
        },
        { fieldManager: TEST_FIELD_MANAGER, subresource: 'status' },
      );
      const written = Date.now();
      const t = await waitFor(`tenant ${TENANT} with its TCP`, () => {
        const n = tenant(TENANT);
        return n?.controlPlane.tenantControlPlane?.status === 'Ready' && n;
      });
      // eslint-disable-next-line no-console
      console.info(
        `new tenant visible ${Date.now() - written} ms after the last write`,
      );
      expect(t).toMatchObject({
        id: `central/fleet-tenants/${TENANT}`,
        islandId: 'central/fleet-islands/island-b',
        owner: 'group:default/team-retail',
        health: { status: 'healthy' },
        endpoint: '10.11.20.99:6443',
        controlPlane: {
          tenantControlPlane: {
            name: tcpName,
            hostedIn: 'central/fleet-islands/island-b',
          },
        },
      });
      // the TCP is joined, not an extra unmanaged tenant
      expect(
        service.getSnapshot().tenants.filter(x => x.name === tcpName),
      ).toEqual([]);
      expect(service.getSnapshot().islands[1].tenantIds).toContain(
        `central/fleet-tenants/${TENANT}`,
      );
      const cilium = service
        .getSnapshot()
        .addonSets.find(a => a.name === 'cilium')!;
      expect(cilium.matchingClusterIds).toContain(
        `central/fleet-tenants/${TENANT}`,
      );
    });

    it('a deleted tenant disappears', async () => {
      await admin('central').remove(clusterObj());
      await admin('central').remove(kcpObj());
      await admin('island-b').remove({
        apiVersion: 'kamaji.clastix.io/v1alpha1',
        kind: 'TenantControlPlane',
        metadata: { name: tcpName, namespace: 'kamaji-tenants' },
      });
      const deleted = Date.now();
      await waitFor(
        `tenant ${TENANT} gone`,
        () =>
          !tenant(TENANT) &&
          !service.getSnapshot().tenants.some(x => x.name === tcpName),
      );
      // eslint-disable-next-line no-console
      console.info(
        `deleted tenant gone ${Date.now() - deleted} ms after the last delete`,
      );
      expect(
        service.getCluster(`central/fleet-tenants/${TENANT}`),
      ).toBeUndefined();
    });

    it('debounces a burst of watch events into a few deltas', async () => {
      const central = admin('central');
      const machine = (i: number): AnyObject => ({
        apiVersion: 'cluster.x-k8s.io/v1beta2',
        kind: 'Machine',
        metadata: {
          name: `platform-tools-burst-${i}`,
          namespace: 'fleet-tenants',
          labels: {
            'cluster.x-k8s.io/cluster-name': 'platform-tools',
            'cluster.x-k8s.io/deployment-name': 'platform-tools-workers',
          },
        },
        spec: {
          clusterName: 'platform-tools',
          bootstrap: { dataSecretName: `platform-tools-burst-${i}` },
          infrastructureRef: {
            apiGroup: 'infrastructure.cluster.x-k8s.io',
            kind: 'OpenStackMachine',
            name: `platform-tools-burst-${i}`,
          },
        },
      });
      const N = 60;
      const before = deltas.length;
      const started = Date.now();
      for (let i = 0; i < N; i += 10) {
        await Promise.all(
          Array.from({ length: 10 }, (_, j) =>
            central.apply(machine(i + j), { fieldManager: TEST_FIELD_MANAGER }),
          ),
        );
      }
      const pool = () =>
        tenant('platform-tools').workerPools.find(
          p => p.name === 'platform-tools-workers',
        )!;
      // Machines without status count as phase Unknown.
      await waitFor(
        'every new Machine counted',
        () => pool().machinePhases.Unknown === N,
      );
      const made = deltas.length - before;
      // eslint-disable-next-line no-console
      console.info(
        `${N} Machine writes in ${
          Date.now() - started
        } ms gave ${made} model versions`,
      );
      expect(made).toBeGreaterThan(0);
      expect(made).toBeLessThanOrEqual(N / 4);
      for (let i = 0; i < N; i++) await central.remove(machine(i));
      await waitFor(
        'the burst Machines gone',
        () => !pool().machinePhases.Unknown,
      );
    });

    it('every change came as a delta with version = previous + 1', () => {
      expect(deltas.length).toBeGreaterThan(1);
      for (const d of deltas) expect(d.version).toBe(d.fromVersion + 1);
      for (let i = 1; i < deltas.length; i++)
        expect(deltas[i].fromVersion).toBe(deltas[i - 1].version);
      expect(deltas[deltas.length - 1].version).toBe(
        service.getSnapshot().version,
      );
      texts.push(JSON.stringify(deltas));
    });
  });

  it('reports objects with missing or malformed fields and keeps going', async () => {
    const central = admin('central');
    await central.apply(
      {
        apiVersion: 'cluster.x-k8s.io/v1beta2',
        kind: 'Cluster',
        metadata: { name: 'broken-ref', namespace: 'fleet-tenants' },
        spec: {
          controlPlaneRef: {
            apiGroup: 'controlplane.cluster.x-k8s.io',
            kind: 'KamajiControlPlane',
            name: 'broken-ref',
          },
        },
      },
      { fieldManager: TEST_FIELD_MANAGER },
    );
    await central.apply(
      {
        apiVersion: 'controlplane.cluster.x-k8s.io/v1alpha2',
        kind: 'KamajiControlPlane',
        metadata: { name: 'broken-ref', namespace: 'fleet-tenants' },
        spec: {
          version: 'v1.34.2',
          deployment: {
            externalClusterReference: {
              deploymentNamespace: 'kamaji-tenants',
              kubeconfigSecretName: 'nowhere-kubeconfig',
              kubeconfigSecretKey: 'value',
              kubeconfigSecretNamespace: 'fleet-islands',
            },
          },
        },
      },
      { fieldManager: TEST_FIELD_MANAGER },
    );
    await central.apply(
      {
        apiVersion: 'cluster.x-k8s.io/v1beta2',
        kind: 'Cluster',
        metadata: { name: 'no-cp-ref', namespace: 'fleet-tenants' },
        spec: {
          infrastructureRef: {
            apiGroup: 'infrastructure.cluster.x-k8s.io',
            kind: 'Metal3Cluster',
            name: 'no-cp-ref',
          },
        },
      },
      { fieldManager: TEST_FIELD_MANAGER },
    );
    const garbage = {
      apiVersion: 'kamaji.clastix.io/v1alpha1',
      kind: 'TenantControlPlane',
      metadata: { name: 'garbage', namespace: 'kamaji-tenants' },
      spec: {
        controlPlane: { service: { serviceType: 'LoadBalancer' } },
        kubernetes: { version: 'v1.34.2', kubelet: {} },
        networkProfile: {},
      },
    };
    await admin('island-b').apply(garbage, {
      fieldManager: TEST_FIELD_MANAGER,
    });
    await admin('island-b').apply(
      {
        ...garbage,
        status: {
          controlPlaneEndpoint: 'not an endpoint!!',
          kubernetesResources: {
            version: { version: 'banana', status: 'Unknown' },
          },
        },
      },
      { fieldManager: TEST_FIELD_MANAGER, subresource: 'status' },
    );

    const problems = await waitFor('the problems to be reported', () => {
      const p = service.getProblems();
      return p.length >= 3 && p.some(x => x.object.includes('garbage')) && p;
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        {
          cluster: 'central',
          object: 'KamajiControlPlane fleet-tenants/broken-ref',
          message:
            'externalClusterReference points at Secret fleet-islands/nowhere-kubeconfig, which does not exist',
        },
        {
          cluster: 'central',
          object: 'Cluster fleet-tenants/no-cp-ref',
          message: 'Cluster has no spec.controlPlaneRef',
        },
        {
          cluster: 'central/fleet-islands/island-b',
          object: 'TenantControlPlane kamaji-tenants/garbage',
          message: 'status.controlPlaneEndpoint is not host:port',
        },
      ]),
    );
    expect(tenant('broken-ref').health.status).toBe('unknown');
    expect(tenant('broken-ref').health.reasons.join(' ')).toMatch(
      /nowhere-kubeconfig/,
    );
    expect(tenant('no-cp-ref').health.reasons.join(' ')).toMatch(
      /controlPlaneRef/,
    );
    expect(tenant('garbage')).toMatchObject({
      managed: false,
      health: { status: 'unknown' },
    });
    expect(
      logger.lines.some(l =>
        /fleet problem in central: Cluster fleet-tenants\/no-cp-ref/.test(l),
      ),
    ).toBe(true);
    // the rest of the fleet is untouched
    expect(tenant('berlin-pos').health.status).toBe('healthy');
    expect(service.getSnapshot().managementClusters[0].connection.status).toBe(
      'connected',
    );
    texts.push(JSON.stringify(problems));
  });

  it('reconnects an island when its kubeconfig Secret is rotated', async () => {
    const islandB = 'central/fleet-islands/island-b';
    const before = await service.getClusterAccess(islandB);
    expect(before?.kubeConfig.getCurrentUser()?.token).toBeUndefined(); // client certificate
    const rotated = Date.now();
    await admin('central').apply(
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'island-b-kubeconfig', namespace: 'fleet-islands' },
        type: 'cluster.x-k8s.io/secret',
        data: {
          value: Buffer.from(
            plane.kubeConfigYaml('island-b', 'kamaji-backstage', 'token'),
          ).toString('base64'),
        },
      },
      { fieldManager: 'kamaji-backstage-seed' },
    );
    await waitFor(
      'the island to reconnect with the new credentials',
      async () => {
        const access = await service.getClusterAccess(islandB);
        const node = service.getCluster(islandB);
        return (
          !!access?.kubeConfig.getCurrentUser()?.token &&
          node?.role === 'island' &&
          node.connection.status === 'connected'
        );
      },
    );
    // eslint-disable-next-line no-console
    console.info(
      `island reconnected with rotated credentials in ${
        Date.now() - rotated
      } ms`,
    );
    expect(
      logger.lines.some(l =>
        /island island-b: kubeconfig Secret fleet-islands\/island-b-kubeconfig changed, reconnecting/.test(
          l,
        ),
      ),
    ).toBe(true);
    expect((await service.getClusterAccess(islandB))?.server).toBe(
      plane.server('island-b'),
    );
    expect(service.getManagementClusterAccess('central')?.server).toBe(
      plane.server('central'),
    );
    expect(
      await service.getClusterAccess('central/fleet-tenants/berlin-pos'),
    ).toBeUndefined(); // no tenant kubeconfig Secret seeded
    // ... which is normal (no API server yet), so nothing is logged for it.
    expect(
      logger.lines.filter(l =>
        l.includes('cluster access for central/fleet-tenants/berlin-pos'),
      ),
    ).toEqual([]);
    expect(
      await service.getClusterAccess(
        'central/fleet-islands/island-b/tcp/kamaji-tenants/legacy-cameras',
      ),
    ).toBeUndefined();
  });

  it('reports a kind that RBAC forbids as degraded, not fatal', async () => {
    // rbac.yaml's reader role without clusterprofiles, for a second user.
    const [reader] = rbacDocuments('management').filter(
      d => d.metadata.name === 'kamaji-backstage-fleet-reader',
    );
    const limited: AnyObject = {
      ...reader,
      metadata: { name: 'kamaji-limited-reader' },
      rules: reader.rules.map((r: any) => ({
        ...r,
        resources: r.resources.filter((x: string) => x !== 'clusterprofiles'),
      })),
    };
    const binding = (name: string, role: string): AnyObject => ({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: role,
      },
      subjects: [
        {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'Group',
          name: LIMITED_USER.groups[0],
        },
      ],
    });
    await applyAll(admin('central'), [
      limited,
      binding('kamaji-limited-reader', 'kamaji-limited-reader'),
      binding('kamaji-limited-secrets', 'kamaji-backstage-fleet-secrets'),
    ]);
    const limitedLogger = new CapturingLogger(logger.lines);
    const other = startService(plane, limitedLogger, LIMITED_USER.name);
    try {
      await other.ready();
      const snap = other.getSnapshot();
      const central = snap.managementClusters[0];
      expect(central.connection.status).toBe('degraded');
      expect(central.connection.unreadableKinds).toEqual([
        {
          kind: 'ClusterProfile',
          reason: expect.stringMatching(
            /^forbidden: .*HTTP 403.*clusterprofiles/,
          ),
        },
      ]);
      expect(central.health).toMatchObject({
        status: 'degraded',
        reasons: ['cannot read ClusterProfile'],
      });
      expect(snap.islands.map(i => i.connection.status)).toEqual([
        'connected',
        'connected',
      ]);
      expect(
        snap.tenants.find(t => t.name === 'lyon-press-line')?.health.status,
      ).toBe('healthy');
      expect(snap.addonSets.map(a => a.name).sort()).toEqual([
        'cilium',
        'edge-baseline',
      ]);
      texts.push(JSON.stringify(snap));
    } finally {
      await other.stop();
    }
  });

  describe('the service factory in a backend', () => {
    const probe = { fleet: undefined as FleetService | undefined };
    const probePlugin = createBackendPlugin({
      pluginId: 'fleetprobe',
      register(env) {
        env.registerInit({
          deps: { fleet: fleetServiceRef },
          async init({ fleet }) {
            probe.fleet = fleet;
          },
        });
      },
    });
    const rootLogger = createServiceFactory({
      service: coreServices.rootLogger,
      deps: {},
      factory: () => logger,
    });

    it('is accepted from a feature loader and serves the fleet (url + serviceAccountToken + caFile)', async () => {
      const state = plane.state;
      const backend = await startTestBackend({
        features: [
          rootLogger,
          mockServices.rootConfig.factory({
            data: {
              kamaji: {
                managementClusters: [
                  {
                    name: 'central',
                    url: state.clusters.central.server,
                    serviceAccountToken: state.users['kamaji-backstage'].token!,
                    caFile: state.caFile,
                  },
                ],
              },
            },
          }),
          createBackendFeatureLoader({ loader: () => [fleetServiceFactory] }),
          probePlugin,
        ],
      });
      try {
        expect(probe.fleet).toBeDefined();
        await probe.fleet!.ready();
        const snap = probe.fleet!.getSnapshot();
        expect(snap.managementClusters[0].connection.status).toBe('connected');
        expect(snap.tenants.map(t => t.name)).toEqual(
          expect.arrayContaining([
            'berlin-pos',
            'legacy-cameras',
            'lyon-press-line',
          ]),
        );
        expect(probe.fleet!.getSnapshotJson!().version).toBe(snap.version);
      } finally {
        await backend.stop();
      }
      expect(
        logger.lines.some(
          l =>
            /watching management cluster central/.test(l) &&
            /kamaji-fleet/.test(l),
        ),
      ).toBe(true);
    });

    it('fails start-up on invalid configuration, naming the key', async () => {
      await expect(
        startTestBackend({
          features: [
            rootLogger,
            mockServices.rootConfig.factory({
              data: {
                kamaji: {
                  managementClusters: [
                    {
                      name: 'central',
                      url: plane.server('central'),
                      serviceAccountToken: 'not-a-real-token',
                    },
                    { name: 'Central!', kubeconfig: { path: '/nonexistent' } },
                  ],
                },
              },
            }),
            createBackendFeatureLoader({ loader: () => [fleetServiceFactory] }),
            probePlugin,
          ],
        }),
      ).rejects.toThrow(
        /kamaji\.managementClusters\[1\]\.name: must be a DNS label, got "Central!"/,
      );
    });
  });

  it('never logs or serves credentials (kubeconfig contents, keys, tokens)', async () => {
    await service.stop(); // include the shutdown's log lines
    texts.push(
      service.getSnapshotJson().json,
      JSON.stringify(service.getProblems()),
    );
    const patterns = credentialPatterns(plane);
    // the scan finds what it looks for
    expect(
      findCredentials(
        [plane.kubeConfigYaml('island-a', 'kamaji-backstage')],
        patterns,
      ).length,
    ).toBeGreaterThan(0);
    expect(findCredentials([...logger.lines, ...texts], patterns)).toEqual([]);
    // eslint-disable-next-line no-console
    console.info(
      `credential scan: ${logger.lines.length} log lines and ${texts.length} model texts, no credentials found`,
    );
  });
});
