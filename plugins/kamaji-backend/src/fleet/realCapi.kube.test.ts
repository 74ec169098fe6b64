/*
 * The fleet model against the REAL Cluster API core manager (sigs.k8s.io/cluster-api v1.14.2,
 * test/kube/capi): upstream CAPI CRDs with the manager's conversion, defaulting and validating
 * webhooks, and a minimal test infrastructure/bootstrap provider (test/kube/capi/crds). An island
 * and a tenant are rendered by the scaffolder's render functions and applied as the actions do;
 * the tenant's island profile points at the test provider (kamaji.scaffolder.islandProfiles, no
 * patching of rendered objects). The test plays only what cannot run here: Kamaji (KCP status,
 * the TenantControlPlane on the island, the tenant kubeconfig Secret), the test provider (its
 * objects' status, providerID, bootstrap Secret) and the kubelets (Nodes in the workload cluster).
 * Cluster, MachineDeployment, MachineSet and Machine objects, statuses, phases and conditions
 * come from CAPI itself.
 *
 * Disagreements found between what the tests used to play and what real CAPI v1.14.2 does
 * (each is asserted below):
 * 1. Machine `status.phase` is never `Failed` in v1beta2 (Pending, Provisioning, Provisioned,
 *    Running, Updating, Deleting). A failing machine (Node NotReady) stays `Running`; its `Ready`
 *    and `NodeHealthy` conditions go False, the MachineDeployment's ready/available counts drop and
 *    (maxUnavailable 0) its `Available` and the Cluster's `WorkersAvailable` go False at once. The
 *    model's "N machine(s) failed" finding only applies to v1beta1 management clusters; the failing
 *    worker shows through "1 of 2 workers ready" and "workers not available".
 * 2. Islands: a rendered island (ClusterClass topology) is refused by the real Cluster webhook
 *    while ClusterTopology is off. With ClusterTopology on, the manager also waits for the
 *    ExtensionConfig and MachinePool CRDs (not among the upstream CRDs here) and, while the
 *    ClusterClass is missing, its own updates of the Cluster are refused by its webhook. So the
 *    island here is declared on the test provider instead of its topology (the test patches the
 *    rendered Cluster); the tenant is rendered unchanged, through an island profile.
 * 3. Worker Machines are not created with the MachineSet: the MachineSet's ControlPlaneIsStable
 *    preflight check holds the scale-up until Kamaji's control plane is initialized. The played
 *    fleet had Machines next to a provisioning control plane.
 * 4. The Cluster is `Provisioned` as soon as its infrastructure is provisioned and the control
 *    plane endpoint (copied from the KamajiControlPlane's spec) is set, while its workers are still
 *    provisioning; `Available` (with WorkersAvailable) is what tells a working tenant.
 * 5. A MachineDeployment rollout goes through a second, real MachineSet (revision 2; the old one
 *    is scaled to 0 and deleted) with maxSurge 1 / maxUnavailable 0, the MachineDeployment phase
 *    ScalingDown until the old machines are gone: the pool never loses availability, so the
 *    model showed a rolling pool as healthy. Fixed: `RollingOut` True makes the tenant progressing
 *    ("worker pool <name> rolling out").
 * 6. CAPI's NodeHealthy needs the kubelet's MemoryPressure, DiskPressure and PIDPressure conditions
 *    besides Ready (played Nodes with only Ready leave the Machine `Ready` Unknown).
 */
import {
  CapiPlane,
  FleetObjectApi,
  FLEET_USER,
  TestProvider,
  TEST_BOOTSTRAP_GROUP,
  startCapiPlane,
  waitFor,
} from '@internal/test-kube';
import type {
  IslandNode,
  TenantNode,
} from '@kamaji-backstage/plugin-kamaji-common';
import { renderTenantCluster } from '@kamaji-backstage/plugin-scaffolder-backend-module-kamaji';
import { KubeFleetService } from './KubeFleetService';
import {
  AnyObject,
  CapturingLogger,
  startService,
} from './__testUtils__/fleetTestEnv';
import {
  declareTestIsland,
  ISLANDS_NS,
  KamajiPlayer,
  prepareRealCapiFleet,
  TENANTS_NS,
  testProviderSettings,
} from './__testUtils__/realCapiFleet';

jest.setTimeout(600_000);

const ISLAND = 'island-a';
const TENANT = 'retail-1';
/** The workload cluster of the tenant: a kube-apiserver of the plane that plays the TCP's API server. */
const WORKLOAD = 'retail-1-api';
const MANAGER = 'kamaji-backstage';
/** Changes a user makes later (a different field manager than the create, as the actions do). */
const UPGRADER = 'kamaji-backstage-upgrade';
const STEP_MS = 90_000;

const settings = () => testProviderSettings(ISLAND);

describe('the fleet model against the real CAPI core manager', () => {
  let capiPlane: CapiPlane;
  let central: FleetObjectApi;
  let workload: FleetObjectApi;
  let provider: TestProvider;
  let kamaji: KamajiPlayer;
  let stopProvider: (() => Promise<void>) | undefined;
  let service: KubeFleetService;
  const logger = new CapturingLogger();

  const tenant = () =>
    service
      .getSnapshot()
      .tenants.find(t => t.id === `central/${TENANTS_NS}/${TENANT}`) as
      | TenantNode
      | undefined;
  /** waitFor on the model; on timeout the error shows the tenant as the model has it. */
  const modelWait = <T>(what: string, check: () => T | undefined | false) =>
    waitFor(what, check, STEP_MS).catch(e => {
      throw new Error(
        `${e.message}\ntenant in the model: ${JSON.stringify(
          tenant(),
          null,
          1,
        )}`,
      );
    });
  const islandNode = () =>
    service.getSnapshot().islands.find(i => i.name === ISLAND) as
      | IslandNode
      | undefined;
  const capi = (kind: string) =>
    central.listAll('cluster.x-k8s.io/v1beta2', kind, TENANTS_NS);
  const cond = (o: AnyObject | undefined, type: string) =>
    (o?.status?.conditions ?? []).find((c: any) => c.type === type);

  beforeAll(async () => {
    capiPlane = await startCapiPlane({
      clusters: { [ISLAND]: ['kamaji'], [WORKLOAD]: [] },
      users: [FLEET_USER],
    });
    const { plane } = capiPlane;
    // eslint-disable-next-line no-console
    console.info(
      `CAPI manager ready in ${capiPlane.capi.startSeconds.toFixed(
        1,
      )} s, RSS ${(capiPlane.capi.rssBytes() / 2 ** 20).toFixed(0)} MiB`,
    );
    ({ central, provider, kamaji } = await prepareRealCapiFleet(
      capiPlane,
      ISLAND,
    ));
    workload = FleetObjectApi.forConfig(plane.kubeConfig(WORKLOAD));
    service = startService(plane, logger);
    await service.ready();
  });

  afterAll(async () => {
    await stopProvider?.();
    await service?.stop();
    if (capiPlane) {
      if (provider?.errors.length)
        // eslint-disable-next-line no-console
        console.info(
          `test provider errors:\n${provider.errors.slice(-5).join('\n')}`,
        );
      if (process.env.CAPI_TEST_LOGS)
        // eslint-disable-next-line no-console
        console.info(capiPlane.capi.logTail(300));
      // eslint-disable-next-line no-console
      console.info(
        `CAPI manager RSS at the end ${(
          capiPlane.capi.rssBytes() /
          2 ** 20
        ).toFixed(0)} MiB`,
      );
      await capiPlane.stop();
    }
  });

  it('the real webhook refuses a rendered island (ClusterClass topology) while ClusterTopology is off; declared on the test provider it is provisioning', async () => {
    // Disagreement 2: the island is declared with the test provider's infrastructure instead of
    // its topology (the site's ClusterClass and providers cannot run here); the rest as rendered.
    const { topology } = await declareTestIsland(
      central,
      ISLAND,
      MANAGER,
      async rendered =>
        expect(
          central.apply(rendered as any, { fieldManager: MANAGER }),
        ).rejects.toThrow(/ClusterTopology feature flag/),
    );
    expect(topology).toBeDefined();
    // The kubeconfig Secret CAPI would write once the island runs, for the fleet user.
    await kamaji.kubeconfigSecret(
      ISLAND,
      ISLANDS_NS,
      capiPlane.plane.kubeConfigYaml(ISLAND, FLEET_USER.name),
    );
    const cluster = await waitFor(
      'CAPI to reconcile the island Cluster',
      async () => {
        const c = await central.get({
          apiVersion: 'cluster.x-k8s.io/v1beta2',
          kind: 'Cluster',
          metadata: { name: ISLAND, namespace: ISLANDS_NS },
        });
        return c?.status?.phase && cond(c, 'Available') && c;
      },
      STEP_MS,
    );
    expect(cluster.status.phase).toBe('Provisioning');
    expect(cond(cluster, 'Available')).toMatchObject({ status: 'False' });
    // The model may still hold an earlier version of the Cluster: wait for the phase read above.
    const node = await waitFor(
      'the island provisioning in the model',
      () =>
        islandNode()?.connection.status === 'connected' &&
        islandNode()?.phase === 'Provisioning' &&
        islandNode(),
      STEP_MS,
    ).catch(e => {
      throw new Error(`${e.message}: ${JSON.stringify(islandNode())}`);
    });
    expect(node.health).toMatchObject({
      status: 'progressing',
      reasons: expect.arrayContaining([
        'provisioning (Cluster phase Provisioning)',
      ]),
    });
  });

  it('a rendered tenant is accepted by the real webhooks and CAPI starts provisioning it', async () => {
    const objects = renderTenantCluster(
      {
        name: TENANT,
        island: ISLAND,
        kubernetesVersion: 'v1.34.2',
        controlPlaneReplicas: 2,
        workerPools: [{ name: 'edge', replicas: 2 }],
        owner: 'group:default/team-retail',
      },
      { settings: settings() },
    );
    for (const o of objects) await central.apply(o, { fieldManager: MANAGER });

    // Disagreement 6: the MachineSet exists at once, but its Machines are held back by the
    // ControlPlaneIsStable preflight check until Kamaji's control plane is initialized.
    const [set] = await waitFor(
      'the MachineDeployment controller to create its MachineSet',
      async () => {
        const sets = await capi('MachineSet');
        return sets.length === 1 && sets;
      },
      STEP_MS,
    );
    expect(set.spec.replicas).toBe(2);
    await waitFor(
      'the MachineSet to report the preflight check',
      async () => {
        const [ms] = await capi('MachineSet');
        return /ControlPlaneIsStable/.test(
          JSON.stringify(ms?.status?.conditions ?? []),
        );
      },
      STEP_MS,
    );
    expect(await capi('Machine')).toEqual([]);

    const t = await modelWait(
      'the tenant provisioning in the model',
      () => tenant()?.phase === 'Provisioning' && tenant(),
    );
    expect(t.health.status).toBe('progressing');
    expect(t.health.reasons[0]).toBe(
      'provisioning (Cluster phase Provisioning)',
    );
    expect(t.workers).toMatchObject({ desired: 2, ready: 0, available: 0 });
  });

  it('with Kamaji played and the machines coming up, CAPI marks the tenant Available', async () => {
    const { plane } = capiPlane;
    // Kamaji: the KCP's endpoint and status, the TCP on the island, the tenant's kubeconfig.
    const endpoint = await kamaji.endpoint(TENANT, WORKLOAD);
    await kamaji.controlPlaneRunning(TENANT, WORKLOAD, 'v1.34.2');
    await kamaji.kubeconfigSecret(
      TENANT,
      TENANTS_NS,
      plane.kubeConfigYaml(WORKLOAD),
    );
    await provider.provisionCluster(TENANT);

    const created = await waitFor(
      'the MachineSet to create 2 Machines once the control plane is stable',
      async () => {
        const ms = await capi('Machine');
        return ms.length === 2 && ms;
      },
      STEP_MS,
    );
    expect(created.map(m => m.status?.phase ?? 'Pending')).toEqual([
      'Pending',
      'Pending',
    ]);
    // Bootstrap data first: the machines move to Provisioning.
    await waitFor(
      'the bootstrap configs CAPI clones from the template',
      async () =>
        (
          await central.listAll(
            `${TEST_BOOTSTRAP_GROUP}/v1alpha1`,
            'TestConfig',
            TENANTS_NS,
          )
        ).length === 2,
      STEP_MS,
    );
    expect(await provider.bootstrap()).toBe(2);
    await waitFor(
      'Machines Provisioning',
      async () =>
        (await capi('Machine')).every(m => m.status?.phase === 'Provisioning'),
      STEP_MS,
    );
    const provisioning = await modelWait(
      'the model to show machines provisioning',
      () =>
        tenant()?.workerPools[0]?.machinePhases.Provisioning === 2 && tenant(),
    );
    expect(provisioning.phase).toBe('Provisioned');
    expect(provisioning.endpoint).toBe(`${endpoint.hostname}:${endpoint.port}`);
    expect(provisioning.health.status).not.toBe('healthy');

    // Then the provider and the kubelets: Running, Ready, Available.
    stopProvider = provider.run(TENANT, workload);
    let lastCluster: AnyObject | undefined;
    let lastMachines: unknown;
    const cluster = await waitFor(
      'the Cluster Available',
      async () => {
        const c = await central.get({
          apiVersion: 'cluster.x-k8s.io/v1beta2',
          kind: 'Cluster',
          metadata: { name: TENANT, namespace: TENANTS_NS },
        });
        lastCluster = c;
        lastMachines = (await capi('Machine')).map(m => m.status);
        return cond(c, 'Available')?.status === 'True' && c;
      },
      STEP_MS,
    ).catch(e => {
      throw new Error(
        `${e.message}: ${JSON.stringify(
          lastCluster?.status?.conditions,
        )}\nmachines: ${JSON.stringify(lastMachines)}`,
      );
    });
    expect(cluster.status.phase).toBe('Provisioned');
    for (const type of [
      'InfrastructureReady',
      'ControlPlaneInitialized',
      'ControlPlaneAvailable',
      'WorkersAvailable',
      'RemoteConnectionProbe',
    ])
      expect(cond(cluster, type)).toMatchObject({ status: 'True' });
    const machines = await capi('Machine');
    expect(machines.map(m => m.status.phase)).toEqual(['Running', 'Running']);
    expect(machines.every(m => m.status.nodeRef?.name)).toBe(true);

    const t = await modelWait(
      'the tenant healthy in the model',
      () => tenant()?.health.status === 'healthy' && tenant(),
    );
    expect(t).toMatchObject({
      phase: 'Provisioned',
      available: 'True',
      workers: { desired: 2, ready: 2, available: 2, upToDate: 2 },
      versions: {
        declared: 'v1.34.2',
        running: 'v1.34.2',
        workers: ['v1.34.2'],
      },
    });
    expect(t.workerPools[0]).toMatchObject({
      name: `${TENANT}-edge`,
      phase: 'Running',
      machinePhases: { Running: 2 },
      conditions: [],
    });
  });

  it('a failing machine (its Node NotReady) shows as a worker down, not as a Failed phase', async () => {
    const [machine] = await capi('Machine');
    const node = machine.status.nodeRef.name;
    await provider.setNodeReady(workload, node, false, 'v1.34.2');

    const failing = await waitFor(
      'CAPI to mark the machine not Ready',
      async () => {
        const m = (await capi('Machine')).find(
          x => x.metadata.name === machine.metadata.name,
        );
        return cond(m, 'Ready')?.status === 'False' && m;
      },
      STEP_MS,
    );
    // Disagreement 1: the phase stays Running.
    expect(failing.status.phase).toBe('Running');
    expect(cond(failing, 'NodeHealthy')).toMatchObject({ status: 'False' });

    const t = await modelWait(
      'the model to show 1 of 2 workers ready',
      () => tenant()?.workers.ready === 1 && tenant(),
    );
    expect(t.workerPools[0].machinePhases).toEqual({ Running: 2 });
    expect(t.health.status).toBe('degraded');
    expect(t.health.reasons).toContain('1 of 2 workers ready');
    expect(t.health.reasons.join('\n')).not.toMatch(/machine\(s\) failed/);
    const md = (await capi('MachineDeployment'))[0];
    expect(cond(md, 'Available')).toMatchObject({ status: 'False' });

    await provider.setNodeReady(workload, node, true, 'v1.34.2');
    await modelWait(
      'the tenant healthy again',
      () => tenant()?.health.status === 'healthy',
    );
  });

  it('rolls the MachineDeployment to a new version through real MachineSets', async () => {
    // The control plane first (Kamaji played), as the upgrade order requires.
    await central.apply(
      {
        apiVersion: 'controlplane.cluster.x-k8s.io/v1alpha2',
        kind: 'KamajiControlPlane',
        metadata: { name: TENANT, namespace: TENANTS_NS },
        spec: { version: 'v1.35.0' },
      },
      { fieldManager: UPGRADER, strict: false },
    );
    await kamaji.controlPlaneRunning(TENANT, WORKLOAD, 'v1.35.0');

    const [md] = await capi('MachineDeployment');
    const [
      {
        metadata: { name: oldSet },
      },
    ] = await capi('MachineSet');
    await central.apply(
      {
        apiVersion: md.apiVersion,
        kind: md.kind,
        metadata: { name: md.metadata.name, namespace: TENANTS_NS },
        spec: {
          clusterName: TENANT,
          template: { spec: { clusterName: TENANT, version: 'v1.35.0' } },
        },
      },
      { fieldManager: UPGRADER, strict: false },
    );

    const rolling = await waitFor(
      'the model to show the rollout',
      () => {
        const t = tenant();
        return (
          t &&
          t.workerPools[0].version === 'v1.35.0' &&
          t.workers.upToDate < 2 &&
          t
        );
      },
      STEP_MS,
    );
    // Disagreement 5 (model fixed): the pool stays available during the rollout; only the
    // MachineDeployment's RollingOut condition says it is rolling.
    expect(rolling.health).toMatchObject({
      status: 'progressing',
      reasons: expect.arrayContaining([
        `worker pool ${TENANT}-edge rolling out`,
      ]),
    });

    const done = await waitFor(
      'the rollout to finish',
      async () => {
        const machines = await capi('Machine');
        const t = tenant();
        return (
          machines.length === 2 &&
          machines.every(
            m => m.spec.version === 'v1.35.0' && m.status?.phase === 'Running',
          ) &&
          t?.workers.upToDate === 2 &&
          t?.workers.available === 2 &&
          t.workerPools[0].phase === 'Running' &&
          t.health.status === 'healthy' &&
          t
        );
      },
      STEP_MS * 2,
    );
    // The old MachineSet is scaled to 0, then deleted; the new one is revision 2.
    const sets = await waitFor(
      'the old MachineSet to be deleted',
      async () => {
        const all = await capi('MachineSet');
        return all.every(x => x.metadata.name !== oldSet) && all;
      },
      STEP_MS,
    );
    expect(sets).toHaveLength(1);
    expect(sets[0].spec.replicas).toBe(2);
    expect(
      sets[0].metadata.annotations[
        'machinedeployment.clusters.x-k8s.io/revision'
      ],
    ).toBe('2');
    expect(done).toMatchObject({
      versions: {
        declared: 'v1.35.0',
        running: 'v1.35.0',
        workers: ['v1.35.0'],
      },
      workers: { desired: 2, ready: 2, available: 2, upToDate: 2 },
    });
    expect(done.workerPools[0]).toMatchObject({
      version: 'v1.35.0',
      phase: 'Running',
      machinePhases: { Running: 2 },
    });
  });
});
