/*
 * The upgrade plan runner against REAL MachineDeployment rollouts: the real Cluster API core
 * manager (v1.14.2, test/kube/capi) reconciles two tenants rendered by the scaffolder on the test
 * provider (see fleet/realCapi.kube.test.ts); the fleet model is the real KubeFleetService; the
 * runner patches with ClusterActions.upgrade (workers included). The test plays only Kamaji (the
 * KamajiControlPlane status version and the TenantControlPlane once the KCP is patched), the test
 * provider (bootstrap data, providerID) and the kubelets (Nodes). MachineSets, Machines, the
 * rollout and every MachineDeployment status come from CAPI.
 *
 * Disagreements found between what UpgradePlanRunner.kube.test.ts played and real CAPI v1.14.2:
 * 1. The played CAPI flipped a pool's version and counts at once. Real CAPI surges a new Machine
 *    (maxSurge 1, maxUnavailable 0) that counts as up to date (status.upToDateReplicas) as soon
 *    as it exists, while the old Machine keeps the pool available: desired 1, available 1,
 *    upToDate 1 with two Machines and the new one not even provisioned. The gate, which asked for
 *    available and upToDate >= desired, passed there, before the rollout. Fixed (healthGate.ts):
 *    a pool passes only with no surplus Machines (status.replicas == desired), ready and available
 *    == desired and no `RollingOut` True condition.
 * 2. A new Machine whose node never becomes healthy does not fail anything in CAPI: the phase
 *    stays Provisioned/Running, no condition of the Cluster or the MachineDeployment turns False
 *    (the old Machine keeps `Available` True), the rollout just never ends. Only the gate's timeout
 *    halts the plan; its message names the pool and its counts.
 * 3. The MachineSet of the new version is created at once, but CAPI creates no Machine for it
 *    before the control plane reports the new version (the ControlPlaneVersionSkew preflight
 *    check reads the KamajiControlPlane's status.version): the played CAPI rolled workers
 *    regardless of Kamaji.
 * 4. The played fleet model carried True conditions; the real one keeps only conditions not in
 *    their good state, so the gate's "a condition that was True turned False" never fired (its
 *    baseline was always empty). Fixed: the baseline is the conditions not met before the patch,
 *    and a condition False now that is not in it fails the gate. But real CAPI sets the Cluster's
 *    `WorkerMachinesUpToDate` False during every worker rollout ("Version v1.34.2, v1.35.0
 *    required") and `WorkerMachinesReady` False while the old Machine is deleted ("Deleting:
 *    Machine deletion in progress"): these report the rollout's own progress and do not fail it.
 */
import { mockServices } from '@backstage/backend-test-utils';
import {
  CapiPlane,
  FleetObjectApi,
  FLEET_USER,
  TestProvider,
  startCapiPlane,
  waitFor,
} from '@internal/test-kube';
import type {
  TenantNode,
  UpgradePlan,
} from '@kamaji-backstage/plugin-kamaji-common';
import { renderTenantCluster } from '@kamaji-backstage/plugin-scaffolder-backend-module-kamaji';
import { Knex } from 'knex';
import { ClusterActions } from '../actions/ClusterActions';
import { AuditStore } from '../database/AuditStore';
import {
  AnyObject,
  CapturingLogger,
  startService,
} from '../fleet/__testUtils__/fleetTestEnv';
import {
  declareTestIsland,
  ISLANDS_NS,
  KamajiPlayer,
  prepareRealCapiFleet,
  TENANTS_NS,
  testProviderSettings,
} from '../fleet/__testUtils__/realCapiFleet';
import { KubeFleetService } from '../fleet/KubeFleetService';
import { openPlanDatabase } from './__testUtils__/planDatabase';
import { planAuditor } from './planAudit';
import { UpgradePlanRunner } from './UpgradePlanRunner';
import { UpgradePlans } from './UpgradePlans';
import { UpgradePlanStore } from './UpgradePlanStore';

jest.setTimeout(900_000);

const ISLAND = 'island-a';
const TENANTS = ['line-1', 'line-2'];
const workloadOf = (tenant: string) => `${tenant}-api`;
const idOf = (tenant: string) => `central/${TENANTS_NS}/${tenant}`;
const poolOf = (tenant: string) => `${tenant}-pool`;
const MANAGER = 'kamaji-backstage';
const LIMITS = {
  maxReplicas: 100,
  ceiling: { major: 1, minor: 36, text: 'v1.36' },
};
const STEP_MS = 120_000;
/** How long Kamaji takes to run a new version once its KCP is patched (played). */
const KAMAJI_DELAY_MS = 4_000;

describe('the upgrade plan runner against real CAPI MachineDeployment rollouts', () => {
  let capiPlane: CapiPlane;
  let central: FleetObjectApi;
  let provider: TestProvider;
  let kamaji: KamajiPlayer;
  let service: KubeFleetService;
  let knex: Knex;
  let store: UpgradePlanStore;
  let plans: UpgradePlans;
  let runner: UpgradePlanRunner;
  const logger = new CapturingLogger();
  /** Tenants whose new machines never get a healthy node (the kubelet does not come up). */
  const brokenNodes = new Set<string>();
  /** What CAPI showed when Kamaji was about to report a new version, per tenant and version. */
  const beforeKamaji: Record<string, { sets: number; newMachines: number }> =
    {};

  const capi = (kind: string) =>
    central.listAll('cluster.x-k8s.io/v1beta2', kind, TENANTS_NS);
  const ofTenant = (objs: AnyObject[], tenant: string) =>
    objs.filter(
      o => o.metadata.labels?.['cluster.x-k8s.io/cluster-name'] === tenant,
    );
  const kcpOf = (tenant: string) =>
    central.get({
      apiVersion: 'controlplane.cluster.x-k8s.io/v1alpha2',
      kind: 'KamajiControlPlane',
      metadata: { name: tenant, namespace: TENANTS_NS },
    });
  const mdOf = async (tenant: string) =>
    (await capi('MachineDeployment')).find(
      md => md.metadata.name === poolOf(tenant),
    )!;
  const cond = (o: AnyObject | undefined, type: string) =>
    (o?.status?.conditions ?? []).find((c: any) => c.type === type);
  const model = (tenant: string) =>
    service.getCluster(idOf(tenant)) as TenantNode | undefined;

  /** One pass of the test provider and the kubelets of every tenant. */
  async function playProvider() {
    await provider.bootstrap();
    await provider.provisionMachines();
    for (const t of TENANTS)
      if (!brokenNodes.has(t))
        await provider.joinNodes(
          t,
          FleetObjectApi.forConfig(capiPlane.plane.kubeConfig(workloadOf(t))),
        );
  }

  /** Kamaji: a patched KCP runs its new version KAMAJI_DELAY_MS later. */
  const patchedAt = new Map<string, number>();
  async function playKamaji() {
    for (const t of TENANTS) {
      const kcp = await kcpOf(t);
      const declared = kcp?.spec?.version;
      if (!declared || declared === kcp?.status?.version) continue;
      const key = `${t}@${declared}`;
      if (!patchedAt.has(key)) patchedAt.set(key, Date.now());
      if (Date.now() - patchedAt.get(key)! < KAMAJI_DELAY_MS) continue;
      beforeKamaji[key] = {
        sets: ofTenant(await capi('MachineSet'), t).length,
        newMachines: ofTenant(await capi('Machine'), t).filter(
          m => m.spec.version === declared,
        ).length,
      };
      await kamaji.controlPlaneRunning(t, workloadOf(t), declared);
    }
  }

  /**
   * Ticks the runner and plays Kamaji, the provider and the kubelets until the plan is no
   * longer running; `onTick` sees the plan after each runner tick.
   */
  async function runPlan(
    planId: string,
    onTick: (plan: UpgradePlan) => Promise<void> = async () => {},
  ) {
    const deadline = Date.now() + STEP_MS * 3;
    while (Date.now() < deadline) {
      await runner.tick();
      const plan = (await store.get(planId))!;
      await onTick(plan);
      if (plan.status !== 'running') return plan;
      try {
        await playKamaji();
        await playProvider();
      } catch {
        // Objects CAPI changes while a pass runs give conflicts; the next pass retries.
      }
      await new Promise(r => setTimeout(r, 500));
    }
    throw new Error(
      `plan ${planId} still running: ${JSON.stringify(
        (await store.get(planId))!.steps,
      )}`,
    );
  }

  beforeAll(async () => {
    capiPlane = await startCapiPlane({
      clusters: {
        [ISLAND]: ['kamaji'],
        ...Object.fromEntries(TENANTS.map(t => [workloadOf(t), []])),
      },
      users: [FLEET_USER],
    });
    const { plane } = capiPlane;
    ({ central, provider, kamaji } = await prepareRealCapiFleet(
      capiPlane,
      ISLAND,
    ));
    await declareTestIsland(central, ISLAND, MANAGER);
    await kamaji.kubeconfigSecret(
      ISLAND,
      ISLANDS_NS,
      plane.kubeConfigYaml(ISLAND, FLEET_USER.name),
    );
    for (const t of TENANTS) {
      const objects = renderTenantCluster(
        {
          name: t,
          island: ISLAND,
          kubernetesVersion: 'v1.34.2',
          controlPlaneReplicas: 1,
          workerPools: [{ name: 'pool', replicas: 1 }],
          owner: 'group:default/team-factory',
        },
        { settings: testProviderSettings(ISLAND) },
      );
      for (const o of objects)
        await central.apply(o, { fieldManager: MANAGER });
      await kamaji.endpoint(t, workloadOf(t));
      await kamaji.controlPlaneRunning(t, workloadOf(t), 'v1.34.2');
      await kamaji.kubeconfigSecret(
        t,
        TENANTS_NS,
        plane.kubeConfigYaml(workloadOf(t)),
      );
      await provider.provisionCluster(t);
    }

    service = startService(plane, logger);
    await service.ready();
    await waitFor(
      'both tenants Available with their worker running',
      async () => {
        await playProvider().catch(() => undefined);
        return TENANTS.every(t => model(t)?.health.status === 'healthy');
      },
      STEP_MS,
    ).catch(e => {
      throw new Error(
        `${e.message}: ${JSON.stringify(TENANTS.map(t => model(t)?.health))}`,
      );
    });

    knex = await openPlanDatabase();
    store = new UpgradePlanStore(knex);
    const audit = planAuditor(new AuditStore(knex), mockServices.logger.mock());
    plans = new UpgradePlans(service, store, { ceiling: LIMITS.ceiling });
    runner = new UpgradePlanRunner({
      fleet: service,
      store,
      actions: new ClusterActions(service, LIMITS),
      audit,
      logger: mockServices.logger.mock(),
    });
  });

  afterAll(async () => {
    await service?.stop();
    await knex?.destroy();
    if (capiPlane) {
      if (process.env.CAPI_TEST_LOGS)
        // eslint-disable-next-line no-console
        console.info(capiPlane.capi.logTail(300));
      await capiPlane.stop();
    }
  });

  async function startPlan(version: string, gateTimeoutSeconds: number) {
    const plan = await plans.create(
      {
        version,
        waves: { explicit: TENANTS.map(t => [idOf(t)]) },
        gateTimeoutSeconds,
      },
      'user:default/pat',
    );
    return plans.command(plan.id, 'start', 'user:default/pat');
  }

  it('passes each gate only once real CAPI has rolled the pool through a new MachineSet', async () => {
    const plan = await startPlan('v1.35.0', 180);
    expect(plan.waves.map(w => w.clusterIds)).toEqual(
      TENANTS.map(t => [idOf(t)]),
    );
    /** CAPI's MachineDeployment and Machines at the tick each step's gate passed. */
    const atPass: Record<string, { md: AnyObject; machines: AnyObject[] }> = {};
    const done = await runPlan(plan.id, async p => {
      for (const step of p.steps)
        if (step.state === 'succeeded' && !atPass[step.clusterId]) {
          const t = step.clusterId.split('/')[2];
          atPass[step.clusterId] = {
            md: await mdOf(t),
            machines: ofTenant(await capi('Machine'), t),
          };
        }
    });
    expect(done.status).toBe('succeeded');
    expect(done.steps.map(s => s.state)).toEqual(['succeeded', 'succeeded']);

    for (const t of TENANTS) {
      // Disagreement 3: the new MachineSet existed, its Machine waited for Kamaji's version.
      expect(beforeKamaji[`${t}@v1.35.0`]).toEqual({
        sets: 2,
        newMachines: 0,
      });
      // Disagreement 1 (gate fixed): when the gate passed, the rollout was over in CAPI.
      const { md, machines } = atPass[idOf(t)];
      expect(md.spec.template.spec.version).toBe('v1.35.0');
      expect(md.status).toMatchObject({
        replicas: 1,
        readyReplicas: 1,
        availableReplicas: 1,
        upToDateReplicas: 1,
      });
      expect(cond(md, 'RollingOut')).toMatchObject({ status: 'False' });
      expect(cond(md, 'Available')).toMatchObject({ status: 'True' });
      expect(machines).toHaveLength(1);
      expect(machines[0]).toMatchObject({
        spec: { version: 'v1.35.0' },
        status: { phase: 'Running' },
      });
      const sets = ofTenant(await capi('MachineSet'), t).filter(
        s => s.spec.replicas > 0,
      );
      expect(
        sets.map(
          s =>
            s.metadata.annotations[
              'machinedeployment.clusters.x-k8s.io/revision'
            ],
        ),
      ).toEqual(['2']);
    }
  });

  it('halts on a gate timeout when a new machine never becomes healthy; the next wave is untouched', async () => {
    brokenNodes.add('line-1');
    const before = await mdOf('line-2');
    const kcpBefore = await kcpOf('line-2');
    const plan = await startPlan('v1.35.1', 40);
    const halted = await runPlan(plan.id);

    expect(halted.status).toBe('halted');
    expect(halted.steps.map(s => [s.clusterId, s.state])).toEqual([
      [idOf('line-1'), 'failed'],
      [idOf('line-2'), 'pending'],
    ]);
    expect(halted.message).toBe(
      `halted: ${idOf(
        'line-1',
      )} failed: health gate timed out after 40 s (worker pool ${poolOf(
        'line-1',
      )} rolling out: 2 machines for 1, 1 ready, 1 available, 1 up to date)`,
    );
    // Disagreement 2: CAPI failed nothing; the surge Machine waits without a node, the old one
    // keeps the pool available, the rollout never ends.
    const md = await mdOf('line-1');
    expect(md.spec.template.spec.version).toBe('v1.35.1');
    expect(md.status).toMatchObject({
      replicas: 2,
      availableReplicas: 1,
      upToDateReplicas: 1,
    });
    expect(cond(md, 'RollingOut')).toMatchObject({ status: 'True' });
    expect(cond(md, 'Available')).toMatchObject({ status: 'True' });
    const machines = ofTenant(await capi('Machine'), 'line-1');
    expect(
      machines.map(m => [m.spec.version, m.status?.nodeRef ? 'node' : 'none']),
    ).toEqual(
      expect.arrayContaining([
        ['v1.35.0', 'node'],
        ['v1.35.1', 'none'],
      ]),
    );
    // The next wave: not one write.
    expect((await mdOf('line-2')).metadata.resourceVersion).toBe(
      before.metadata.resourceVersion,
    );
    expect((await kcpOf('line-2'))!.metadata.resourceVersion).toBe(
      kcpBefore!.metadata.resourceVersion,
    );
  });
});
