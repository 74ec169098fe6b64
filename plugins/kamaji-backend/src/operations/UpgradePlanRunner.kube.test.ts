/*
 * The runner against a real kube-apiserver (the local control plane): the patches are the day-2
 * upgrade's real writes to the KamajiControlPlanes and MachineDeployments in central. The test plays
 * Kamaji and CAPI: it reads what was patched on the API server and moves the fleet model's running
 * versions (or injects a failure condition). Plans and steps live in a real SQLite database.
 */
import { mockServices } from '@backstage/backend-test-utils';
import { LocalControlPlane, waitFor } from '@internal/test-kube';
import {
  FLEET_KINDS,
  IslandNode,
  KAMAJI_FIELD_MANAGER,
  KubeKind,
  TenantNode,
  UpgradePlanRequest,
} from '@kamaji-backstage/plugin-kamaji-common';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { Knex } from 'knex';
import { ClusterActions } from '../actions/ClusterActions';
import { AuditStore } from '../database/AuditStore';
import {
  fixtureFleet,
  ISLAND_A,
  ISLAND_B,
  tenant,
} from '../api/__testUtils__/fleetFixture';
import { InMemoryFleetService } from '../api/__testUtils__/InMemoryFleetService';
import {
  at,
  clusterObject,
  kcpObject,
  mdObject,
  NS,
} from '../api/__testUtils__/tenantObjects';
import { openPlanDatabase } from './__testUtils__/planDatabase';
import { planAuditor } from './planAudit';
import { UpgradePlanRunner } from './UpgradePlanRunner';
import { UpgradePlans } from './UpgradePlans';
import { UpgradePlanStore } from './UpgradePlanStore';

jest.setTimeout(300_000);

const { Cluster, KamajiControlPlane, MachineDeployment } = FLEET_KINDS;
const LIMITS = {
  maxReplicas: 100,
  ceiling: { major: 1, minor: 36, text: 'v1.36' },
};
const NAMES = [
  'line-a1',
  'line-a2',
  'line-a3',
  'line-b1',
  'line-b2',
  'line-b3',
];
const idOf = (name: string) => `central/${NS}/${name}`;

function modelTenant(name: string): TenantNode {
  const t = tenant({
    id: idOf(name),
    owner: 'group:default/team-factory',
    island: name.includes('-a') ? ISLAND_A : ISLAND_B,
    pools: [{ name: `${name}-pool`, replicas: 1 }],
  });
  // As the fleet model keeps them: only conditions not in their good state (none here).
  t.conditions = [];
  return t;
}

describe('the upgrade plan runner on a real API server', () => {
  let plane: LocalControlPlane;
  let api: CustomObjectsApi;
  let knex: Knex;
  let fleet: InMemoryFleetService;
  let store: UpgradePlanStore;
  let auditStore: AuditStore;
  let plans: UpgradePlans;
  /** Clusters whose control plane reports a failure after its patch (the test plays Kamaji). */
  const failing = new Set<string>();

  const read = (kind: KubeKind, name: string): Promise<any> =>
    api.getNamespacedCustomObject({ ...at(kind), name });
  const managers = (obj: any): string[] =>
    (obj.metadata.managedFields ?? []).map((f: any) => f.manager);
  const model = (name: string) => fleet.getCluster(idOf(name)) as TenantNode;

  function newRunner(actions = new ClusterActions(fleet, LIMITS)) {
    return new UpgradePlanRunner({
      fleet,
      store,
      actions,
      audit: planAuditor(auditStore, mockServices.logger.mock()),
      logger: mockServices.logger.mock(),
    });
  }

  /** Kamaji and CAPI: what was patched on the API server starts running (or fails). */
  async function playControllers() {
    const upserted: TenantNode[] = [];
    for (const name of NAMES) {
      const kcp = await read(KamajiControlPlane, name);
      const md = await read(MachineDeployment, `${name}-pool`);
      const t = model(name);
      const declared = kcp.spec.version;
      if (declared === t.versions.declared) continue;
      const next: TenantNode = structuredClone(t);
      next.versions = { ...t.versions, declared };
      if (failing.has(name)) {
        next.conditions = [
          ...next.conditions,
          {
            type: 'ControlPlaneReady',
            status: 'False',
            source: 'Cluster',
            message: 'etcd quorum lost',
          },
        ];
      } else {
        next.versions.running = declared;
        next.workerPools = t.workerPools.map(p => ({
          ...p,
          version: md.spec.template.spec.version,
        }));
      }
      upserted.push(next);
    }
    if (upserted.length) fleet.push({ upserted });
  }

  async function runUntil(
    planId: string,
    done: (status: string) => boolean,
    runner = newRunner(),
  ) {
    for (let i = 0; i < 40; i++) {
      await runner.tick();
      await playControllers();
      const plan = await store.get(planId);
      if (done(plan!.status)) return plan!;
    }
    throw new Error(
      `plan ${planId} did not get there: ${(await store.get(planId))!.status}`,
    );
  }

  async function startPlan(request: UpgradePlanRequest) {
    const plan = await plans.create(request, 'user:default/pat');
    return plans.command(plan.id, 'start', 'user:default/pat');
  }

  function setIsland(id: string, status: 'connected' | 'disconnected') {
    const island = structuredClone(fleet.getCluster(id) as IslandNode);
    island.connection = { status, since: new Date().toISOString() };
    fleet.push({ upserted: [island] });
  }

  beforeAll(async () => {
    plane = await LocalControlPlane.start({
      clusters: { central: ['capi', 'kamaji', 'addons'] },
    });
    const kubeConfig = plane.kubeConfig('central');
    api = kubeConfig.makeApiClient(CustomObjectsApi);
    await kubeConfig
      .makeApiClient(CoreV1Api)
      .createNamespace({ body: { metadata: { name: NS } } });
    const create = (kind: KubeKind, body: any) =>
      api.createNamespacedCustomObject({ ...at(kind), body });
    for (const name of NAMES) {
      await create(Cluster, clusterObject(name));
      await create(KamajiControlPlane, kcpObject(name, 'v1.34.2'));
      await create(
        MachineDeployment,
        mdObject(name, `${name}-pool`, 1, 'v1.34.2'),
      );
    }
    fleet = new InMemoryFleetService({
      ...fixtureFleet(),
      tenants: NAMES.map(modelTenant),
    });
    fleet.setManagementClusterAccess('central', kubeConfig);

    knex = await openPlanDatabase();
    store = new UpgradePlanStore(knex);
    auditStore = new AuditStore(knex);
    plans = new UpgradePlans(fleet, store, { ceiling: LIMITS.ceiling });
  });

  afterAll(async () => {
    await knex?.destroy();
    await plane?.stop();
  });

  it('halts the whole plan on the first failed gate of wave 2; wave 3 stays untouched', async () => {
    failing.add('line-a3');
    const plan = await startPlan({
      version: 'v1.35.2',
      maxConcurrent: 2,
      gateTimeoutSeconds: 60,
    });
    expect(plan.waves.map(w => [w.name, w.clusterIds])).toEqual([
      ['canary', [idOf('line-a1')]],
      [ISLAND_A, [idOf('line-a2'), idOf('line-a3')]],
      [ISLAND_B, [idOf('line-b1'), idOf('line-b2'), idOf('line-b3')]],
    ]);
    const halted = await runUntil(plan.id, s => s !== 'running');
    expect(halted.status).toBe('halted');
    expect(halted.message).toBe(
      `halted: ${idOf(
        'line-a3',
      )} failed: condition ControlPlaneReady of the Cluster turned False: etcd quorum lost`,
    );
    const states = Object.fromEntries(
      halted.steps.map(s => [s.clusterId.split('/')[2], s.state]),
    );
    expect(states).toEqual({
      'line-a1': 'succeeded',
      'line-a2': 'succeeded',
      'line-a3': 'failed',
      'line-b1': 'pending',
      'line-b2': 'pending',
      'line-b3': 'pending',
    });
    for (const name of ['line-a1', 'line-a2']) {
      const kcp = await read(KamajiControlPlane, name);
      expect(kcp.spec.version).toBe('v1.35.2');
      expect(managers(kcp)).toContain(KAMAJI_FIELD_MANAGER);
      expect(
        (await read(MachineDeployment, `${name}-pool`)).spec.template.spec
          .version,
      ).toBe('v1.35.2');
    }
    for (const name of ['line-b1', 'line-b2', 'line-b3']) {
      const kcp = await read(KamajiControlPlane, name);
      expect(kcp.spec.version).toBe('v1.34.2');
      expect(managers(kcp)).not.toContain(KAMAJI_FIELD_MANAGER);
    }
    const audit = await auditStore.list({
      limit: 100,
      offset: 0,
      cluster: idOf('line-a3'),
    });
    expect(audit.items.map(e => [e.result, e.request?.step])).toEqual([
      [
        'failure',
        'failed: condition ControlPlaneReady of the Cluster turned False: etcd quorum lost',
      ],
      ['success', 'patched'],
    ]);
    failing.clear();
  });

  it('resumes after the runner died right after a patch: nothing patched twice, nothing skipped', async () => {
    const plan = await startPlan({
      version: 'v1.35.2',
      selection: { island: ISLAND_B },
      waves: { canary: 0 },
      maxConcurrent: 3,
    });
    // The first runner's process "dies" right after its first patch reached the API server.
    class DyingActions extends ClusterActions {
      override async upgrade(...args: Parameters<ClusterActions['upgrade']>) {
        await super.upgrade(...args);
        return new Promise<never>(() => {});
      }
    }
    void newRunner(new DyingActions(fleet, LIMITS)).tick();
    const patched = await waitFor('the first patch', async () => {
      const kcp = await read(KamajiControlPlane, 'line-b1');
      return kcp.spec.version === 'v1.35.2' && kcp;
    });
    const steps = await store.steps(plan.id);
    expect(steps.map(s => s.state)).toEqual(['patching', 'pending', 'pending']);

    const done = await runUntil(plan.id, s => s !== 'running', newRunner());
    expect(done.status).toBe('succeeded');
    expect(done.steps.map(s => s.state)).toEqual([
      'succeeded',
      'succeeded',
      'succeeded',
    ]);
    const after = await read(KamajiControlPlane, 'line-b1');
    expect(after.metadata.resourceVersion).toBe(
      patched.metadata.resourceVersion,
    );
    for (const name of ['line-b2', 'line-b3']) {
      expect((await read(KamajiControlPlane, name)).spec.version).toBe(
        'v1.35.2',
      );
    }
    const audit = await auditStore.list({
      limit: 100,
      offset: 0,
      cluster: idOf('line-b1'),
    });
    expect(
      audit.items
        .filter(e => e.request?.step === 'patched')
        .map(e => e.details?.changed),
    ).toEqual([false]);
  });

  it('lets the clusters of a disconnected island wait for the uplink, never patched blind', async () => {
    setIsland(ISLAND_A, 'disconnected');
    const plan = await startPlan({
      version: 'v1.35.3',
      selection: { island: ISLAND_A },
      waves: { canary: 0 },
      maxConcurrent: 2,
    });
    const before = await read(KamajiControlPlane, 'line-a1');
    const runner = newRunner();
    await runner.tick();
    await runner.tick();
    const waiting = await store.get(plan.id);
    expect(waiting!.status).toBe('running');
    const first = waiting!.steps.find(s => s.clusterId === idOf('line-a1'))!;
    expect(first).toMatchObject({
      state: 'waiting-uplink',
      message: `waiting for the uplink of island ${ISLAND_A}`,
    });
    expect(
      (await read(KamajiControlPlane, 'line-a1')).metadata.resourceVersion,
    ).toBe(before.metadata.resourceVersion);

    setIsland(ISLAND_A, 'connected');
    await runner.tick();
    expect((await read(KamajiControlPlane, 'line-a1')).spec.version).toBe(
      'v1.35.3',
    );
    await plans.command(plan.id, 'abort', 'user:default/pat');
  });

  it('resumes a halted plan once its failed cluster is fixed: that cluster first, patched again without a write', async () => {
    failing.add('line-b2');
    const plan = await startPlan({
      version: 'v1.35.3',
      selection: { island: ISLAND_B },
      waves: { canary: 0 },
      maxConcurrent: 1,
    });
    const halted = await runUntil(plan.id, s => s !== 'running');
    expect(halted.steps.map(s => s.state)).toEqual([
      'succeeded',
      'failed',
      'pending',
    ]);
    const patched = await read(KamajiControlPlane, 'line-b2');
    expect(patched.spec.version).toBe('v1.35.3');

    // The platform team fixes line-b2 (here: Kamaji reports it running the target, healthy).
    failing.clear();
    const fixed = structuredClone(model('line-b2'));
    fixed.versions.running = 'v1.35.3';
    fixed.conditions = fixed.conditions.filter(c => c.status !== 'False');
    fixed.workerPools = fixed.workerPools.map(p => ({
      ...p,
      version: 'v1.35.3',
    }));
    fleet.push({ upserted: [fixed] });

    const resumed = await plans.command(plan.id, 'resume', 'user:default/pat');
    expect(resumed.status).toBe('running');
    expect(resumed.message).toBeUndefined();
    expect(resumed.steps[1]).toMatchObject({
      state: 'patching',
      message: 'tried again by user:default/pat',
    });
    expect(resumed.steps[2].state).toBe('pending');

    const done = await runUntil(plan.id, s => s !== 'running');
    expect(done.status).toBe('succeeded');
    expect(done.steps.map(s => s.state)).toEqual([
      'succeeded',
      'succeeded',
      'succeeded',
    ]);
    expect(
      (await read(KamajiControlPlane, 'line-b2')).metadata.resourceVersion,
    ).toBe(patched.metadata.resourceVersion);
    expect((await read(KamajiControlPlane, 'line-b3')).spec.version).toBe(
      'v1.35.3',
    );
    const audit = await auditStore.list({
      limit: 100,
      offset: 0,
      cluster: idOf('line-b2'),
    });
    expect(
      audit.items
        .filter(e => e.request?.step === 'patched')
        .slice(0, 2)
        .map(e => e.details?.changed),
    ).toEqual([false, true]);
  });
});
