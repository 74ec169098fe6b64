import { tenant } from '../api/__testUtils__/fleetFixture';
import { checkGate, conditionsNotMet } from './healthGate';

const ID = 'central/fleet-tenants/line-1';
const upgraded = () =>
  tenant({
    id: ID,
    declared: 'v1.35.0',
    pools: [{ name: 'line-1-pool', replicas: 1, version: 'v1.35.0' }],
  });
const gate = (t = upgraded()) =>
  checkGate(t, { version: 'v1.35.0', workers: true, baseline: [] });

describe('checkGate on worker pools', () => {
  it('passes a pool that has rolled out', () => {
    expect(gate()).toEqual({ kind: 'passed' });
  });

  it('waits while real CAPI surges: the new Machine up to date, the old one still available', () => {
    const t = upgraded();
    // What the real manager reports mid-rollout (maxSurge 1, maxUnavailable 0).
    t.workerPools[0].replicas = {
      desired: 1,
      current: 2,
      ready: 1,
      available: 1,
      upToDate: 1,
    };
    expect(gate(t)).toEqual({
      kind: 'waiting',
      reason:
        'worker pool line-1-pool rolling out: 2 machines for 1, 1 ready, 1 available, 1 up to date',
    });
  });

  it('waits while the MachineDeployment reports RollingOut, whatever the counts', () => {
    const t = upgraded();
    t.workerPools[0].conditions = [
      { type: 'RollingOut', status: 'True', source: 'MachineDeployment' },
    ];
    expect(gate(t)).toMatchObject({ kind: 'waiting' });
  });

  it('waits for a pool with a Machine not ready', () => {
    const t = upgraded();
    t.workerPools[0].replicas.ready = 0;
    expect(gate(t)).toMatchObject({ kind: 'waiting' });
  });
});

describe('checkGate on conditions', () => {
  const broken = {
    type: 'ControlPlaneReady',
    status: 'False' as const,
    source: 'Cluster',
    message: 'etcd quorum lost',
  };

  it('fails when a condition that was met before the patch turns False', () => {
    const before = upgraded();
    const after = upgraded();
    after.conditions = [broken];
    expect(
      checkGate(after, {
        version: 'v1.35.0',
        workers: true,
        baseline: conditionsNotMet(before),
      }),
    ).toEqual({
      kind: 'failed',
      reason:
        'condition ControlPlaneReady of the Cluster turned False: etcd quorum lost',
    });
  });

  it('does not blame the patch for a condition that was already not met', () => {
    const before = upgraded();
    before.conditions = [broken];
    const after = upgraded();
    after.conditions = [broken];
    expect(
      checkGate(after, {
        version: 'v1.35.0',
        workers: true,
        baseline: conditionsNotMet(before),
      }),
    ).toEqual({ kind: 'passed' });
  });
});

it('checkGate lets machines not up to date turn False during the rollout (real CAPI does)', () => {
  const after = upgraded();
  after.conditions = [
    {
      type: 'WorkerMachinesUpToDate',
      status: 'False',
      source: 'Cluster',
      message: '* Machine line-1-pool-x: Version v1.34.2, v1.35.0 required',
    },
  ];
  expect(
    checkGate(after, { version: 'v1.35.0', workers: true, baseline: [] }),
  ).toEqual({ kind: 'passed' });
});
