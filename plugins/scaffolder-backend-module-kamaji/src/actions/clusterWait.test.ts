import { NotAllowedError } from '@backstage/errors';
import {
  FakeObjectClient,
  actionFailure,
  makeDeps,
  runAction,
} from '../__testUtils__/fakes';
import { createClusterWaitAction } from './clusterWait';

const condition = (
  type: string,
  status: string,
  reason: string,
  message = '',
) => ({
  type,
  status,
  reason,
  message,
  lastTransitionTime: '2026-11-25T10:00:00Z',
});

const states = [
  {
    phase: 'Provisioning',
    conditions: [
      condition('Available', 'False', 'NotAvailable'),
      condition(
        'ControlPlaneInitialized',
        'False',
        'NotInitialized',
        'Control plane not yet initialized',
      ),
    ],
  },
  {
    phase: 'Provisioned',
    conditions: [
      condition('Available', 'False', 'NotAvailable'),
      condition('ControlPlaneInitialized', 'True', 'Initialized'),
      condition('WorkersAvailable', 'False', 'NotAvailable'),
    ],
    workers: { desiredReplicas: 2, availableReplicas: 1 },
  },
  {
    phase: 'Provisioned',
    conditions: [
      condition('Available', 'True', 'Available'),
      condition('ControlPlaneInitialized', 'True', 'Initialized'),
      condition('WorkersAvailable', 'True', 'Available'),
    ],
    workers: { desiredReplicas: 2, availableReplicas: 2 },
  },
];

/** A cluster that moves to the next state on each poll; a fake clock that moves with the sleeps. */
function setup(sequence = states) {
  const client = FakeObjectClient.withFleetBasics();
  const ref = {
    apiVersion: 'cluster.x-k8s.io/v1beta2',
    kind: 'Cluster',
    metadata: { name: 'shop-42', namespace: 'fleet-tenants' },
  };
  client.seed({ ...ref, status: sequence[0] } as any, 'kamaji-backstage');
  let step = 0;
  let now = 0;
  const deps = makeDeps({ client });
  deps.now = () => now;
  deps.sleep = async ms => {
    now += ms;
    step = Math.min(step + 1, sequence.length - 1);
    client.seed({ ...ref, status: sequence[step] } as any, 'kamaji-backstage');
  };
  return { deps, client };
}

describe('kamaji:cluster:wait', () => {
  it('polls until Available, logging a line per change', async () => {
    const { deps } = setup();
    const { ctx, logger } = await runAction(createClusterWaitAction(deps), {
      name: 'shop-42',
      pollIntervalSeconds: 10,
    });
    const lines = logger.info.mock.calls.map(c => c[0]);
    expect(lines).toEqual([
      '[0s] fleet-tenants/shop-42: phase Provisioning, Available False (NotAvailable), ControlPlaneInitialized False (NotInitialized: Control plane not yet initialized)',
      '[10s] fleet-tenants/shop-42: phase Provisioned, Available False (NotAvailable), ControlPlaneInitialized True, WorkersAvailable False (NotAvailable), workers 1/2 available',
      '[20s] fleet-tenants/shop-42: phase Provisioned, Available True, ControlPlaneInitialized True, WorkersAvailable True, workers 2/2 available',
      'fleet-tenants/shop-42 is Available after 20s',
    ]);
    expect(ctx.output).toHaveBeenCalledWith('available', true);
    expect(ctx.output).toHaveBeenCalledWith('waitedSeconds', 20);
  });

  it('fails after the timeout with the last state', async () => {
    const { deps } = setup([states[0]]);
    const e = await actionFailure(createClusterWaitAction(deps), {
      name: 'shop-42',
      timeoutMinutes: 1,
      pollIntervalSeconds: 15,
    });
    expect(e.message).toBe(
      'fleet-tenants/shop-42 did not become Available within 1 minutes; last state: phase Provisioning, Available False (NotAvailable), ControlPlaneInitialized False (NotInitialized: Control plane not yet initialized)',
    );
  });

  it('can end without failing the step', async () => {
    const { deps } = setup([states[0]]);
    const { ctx } = await runAction(createClusterWaitAction(deps), {
      name: 'shop-42',
      timeoutMinutes: 1,
      failOnTimeout: false,
    });
    expect(ctx.output).toHaveBeenCalledWith('available', false);
    expect(ctx.output).toHaveBeenCalledWith('waitedSeconds', 60);
  });

  it('fails at once when there is no such cluster', async () => {
    const { deps } = setup();
    const e = await actionFailure(createClusterWaitAction(deps), {
      name: 'shop-43',
    });
    expect(e.message).toContain(
      'There is no Cluster fleet-tenants/shop-43 in central',
    );
  });

  it('checks the permission and the input', async () => {
    expect(
      await actionFailure(createClusterWaitAction(makeDeps({ allow: false })), {
        name: 'shop-42',
      }),
    ).toBeInstanceOf(NotAllowedError);
    const e = await actionFailure(createClusterWaitAction(makeDeps()), {
      name: 'Shop 42',
      timeoutMinutes: 0,
      pollIntervalSeconds: 'soon',
    });
    expect(e.message).toContain('pollIntervalSeconds: must be a number');
    const e2 = await actionFailure(createClusterWaitAction(makeDeps()), {
      name: 'Shop 42',
      timeoutMinutes: 0,
    });
    expect(e2.message).toContain('name: must be a DNS-1123 label');
    expect(e2.message).toContain(
      'timeoutMinutes: must be between 1 and 240; got 0',
    );
  });

  it('does not wait in a template dry run', async () => {
    const { deps, client } = setup();
    const { ctx } = await runAction(
      createClusterWaitAction(deps),
      { name: 'shop-42' },
      { isDryRun: true },
    );
    expect(ctx.output).toHaveBeenCalledWith('available', false);
    expect(client.calls).toEqual([]);
  });
});
