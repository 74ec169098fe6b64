import { mockServices } from '@backstage/backend-test-utils';
import { NotAllowedError } from '@backstage/errors';
import {
  actionFailure,
  makeDeps,
  RecordingAudit,
  runAction,
} from '../__testUtils__/fakes';
import { createAddonSetCreateAction } from './addonSetCreate';
import { createTenantCreateAction } from './tenantCreate';

const tenant = {
  name: 'shop-42',
  island: 'island-a',
  kubernetesVersion: 'v1.34.2',
  dataStore: 'default',
  workerPools: [{ name: 'edge', replicas: 2 }],
  owner: 'group:default/team-retail',
};

const context = {
  templateInfo: { entityRef: 'template:default/kamaji-tenant-cluster' },
} as any;

function setup(options: Parameters<typeof makeDeps>[0] = {}) {
  const trail = new RecordingAudit();
  const events: Array<{ options: any; outcome?: string }> = [];
  const deps = {
    ...makeDeps({ ...options, audit: trail }),
    auditor: mockServices.auditor.mock({
      createEvent: async eventOptions => {
        const event: { options: any; outcome?: string } = {
          options: eventOptions,
        };
        events.push(event);
        return {
          success: async () => {
            event.outcome = 'success';
          },
          fail: async () => {
            event.outcome = 'fail';
          },
        };
      },
    }),
  };
  return { deps, trail, events };
}

describe('the create actions on the record', () => {
  it('records a create once: who, which template and task, which objects, the result', async () => {
    const { deps, trail, events } = setup();
    await runAction(createTenantCreateAction(deps), tenant, context);
    expect(trail.records).toEqual([
      {
        occurredAt: expect.any(String),
        actor: 'user:default/alice',
        actorType: 'user',
        action: 'create',
        target: 'central/fleet-tenants/shop-42',
        request: {
          action: 'kamaji:tenant:create',
          kind: 'tenant',
          template: 'template:default/kamaji-tenant-cluster',
          taskId: 'mock-task-id',
          name: 'shop-42',
          island: 'island-a',
          kubernetesVersion: 'v1.34.2',
          owner: 'group:default/team-retail',
        },
        result: 'success',
        status: 201,
        details: {
          objects: [
            'created: ConfigMap fleet-tenants/shop-42-access',
            'created: KubeadmConfigTemplate fleet-tenants/shop-42-edge',
            'created: KamajiControlPlane fleet-tenants/shop-42',
            'created: MachineDeployment fleet-tenants/shop-42-edge',
            'created: Cluster fleet-tenants/shop-42',
            'created: ClusterResourceSet fleet-tenants/shop-42-access',
          ],
        },
        durationMs: expect.any(Number),
      },
    ]);
    expect(events).toEqual([
      {
        options: expect.objectContaining({ eventId: 'kamaji-create' }),
        outcome: 'success',
      },
    ]);
  });

  it('records a denied attempt once, with the reason', async () => {
    const { deps, trail, events } = setup({ allow: false });
    const e = await actionFailure(createTenantCreateAction(deps), tenant);
    expect(e).toBeInstanceOf(NotAllowedError);
    expect(trail.records).toEqual([
      expect.objectContaining({
        actor: 'user:default/alice',
        target: 'tenant/shop-42',
        result: 'denied',
        status: 403,
        message: expect.stringContaining('kamaji.cluster.create'),
      }),
    ]);
    expect(events.map(ev => ev.outcome)).toEqual(['fail']);
  });

  it('records a refused input and an owner outside the user groups once each', async () => {
    const { deps, trail } = setup();
    await actionFailure(createTenantCreateAction(deps), {
      ...tenant,
      island: 'island-z',
    });
    await actionFailure(createTenantCreateAction(deps), {
      ...tenant,
      owner: 'group:default/team-factory',
    });
    expect(
      trail.records.map(r => [r.target, r.result, r.status, r.message]),
    ).toEqual([
      ['tenant/shop-42', 'failure', 400, expect.stringContaining('island')],
      [
        'tenant/shop-42',
        'denied',
        403,
        expect.stringContaining('one of your own groups'),
      ],
    ]);
  });

  it('records nothing for a dry run of the template', async () => {
    const { deps, trail, events } = setup();
    await runAction(createTenantCreateAction(deps), tenant, {
      isDryRun: true,
    });
    expect(trail.records).toEqual([]);
    expect(events).toEqual([]);
  });

  it('names an addon set by its own id', async () => {
    const { deps, trail } = setup({ groups: ['group:default/platform-team'] });
    await runAction(createAddonSetCreateAction(deps), {
      name: 'metrics',
      kind: 'HelmChartProxy',
      owner: 'platform-team',
      chart: {
        repositoryURL: 'https://kubernetes-sigs.github.io/metrics-server/',
        chartName: 'metrics-server',
        chartVersion: '3.12.2',
      },
    });
    expect(trail.records.map(r => [r.target, r.result])).toEqual([
      ['addon-set/central/metrics', 'success'],
    ]);
  });

  it('keeps the outcome of the create when the trail cannot be written', async () => {
    const { deps } = setup();
    deps.audit = {
      record: async () => {
        throw new Error('database is gone');
      },
    };
    const { logger } = await runAction(createTenantCreateAction(deps), tenant);
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringContaining('database is gone'),
    );
  });
});
