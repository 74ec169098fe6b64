import {
  ConnectionState,
  countHealth,
  FleetCondition,
} from '@kamaji-backstage/plugin-kamaji-common';
import {
  islandHealth,
  managementHealth,
  staleHealth,
  tenantHealth,
  TenantHealthInput,
  worstHealth,
} from './health';

const cond = (
  type: string,
  status: 'True' | 'False' | 'Unknown',
  message?: string,
): FleetCondition => ({
  type,
  status,
  ...(message ? { message } : {}),
});

const readyCluster = {
  phase: 'Provisioned',
  available: 'True' as const,
  controlPlaneInitialized: true,
  deleting: false,
  conditions: [cond('Available', 'True')],
};
const readyKcp = {
  ready: true,
  initialized: true,
  available: 'True' as const,
  conditions: [],
  deleting: false,
};
const readyTcp = {
  status: 'Ready' as const,
  version: 'v1.34.2',
  replicas: 2,
  readyReplicas: 2,
};
const workers = (ready: number, desired = 3) => ({
  desired,
  ready,
  available: ready,
});

describe('tenantHealth', () => {
  const cases: Array<[string, TenantHealthInput, string, RegExp?]> = [
    [
      'ready',
      {
        cluster: readyCluster,
        kcp: readyKcp,
        tcp: readyTcp,
        workers: workers(3),
      },
      'healthy',
    ],
    [
      'provisioning Cluster (TCP provisioning, KCP not ready, no workers ready)',
      {
        cluster: {
          ...readyCluster,
          phase: 'Provisioning',
          available: 'False',
          controlPlaneInitialized: false,
        },
        kcp: { ...readyKcp, ready: false, initialized: false },
        tcp: { status: 'Provisioning' },
        workers: workers(0, 2),
      },
      'progressing',
      /provisioning/,
    ],
    [
      'a worker pool rolling out (MachineDeployment RollingOut True, still available)',
      {
        cluster: readyCluster,
        kcp: readyKcp,
        tcp: readyTcp,
        workers: workers(2, 2),
        rollingOut: ['retail-1-edge'],
      },
      'progressing',
      /worker pool retail-1-edge rolling out/,
    ],
    [
      'control plane upgrading',
      {
        cluster: readyCluster,
        kcp: readyKcp,
        tcp: {
          ...readyTcp,
          status: 'Upgrading',
          version: 'v1.33.7',
          declaredVersion: 'v1.34.2',
        },
        workers: workers(2, 2),
      },
      'progressing',
      /upgrading to v1\.34\.2 \(running v1\.33\.7\)/,
    ],
    [
      'workers missing (Available False, WorkersAvailable False)',
      {
        cluster: {
          ...readyCluster,
          available: 'False',
          conditions: [
            cond('Available', 'False'),
            cond(
              'WorkersAvailable',
              'False',
              '* MachineDeployment x: 2 available replicas, at least 3 required',
            ),
          ],
        },
        kcp: readyKcp,
        tcp: readyTcp,
        workers: workers(2),
      },
      'degraded',
      /workers not available: MachineDeployment x: 2 available/,
    ],
    [
      'control plane not available',
      {
        cluster: {
          ...readyCluster,
          available: 'False',
          conditions: [
            cond('Available', 'False'),
            cond('ControlPlaneAvailable', 'False', 'down'),
          ],
        },
        kcp: { ...readyKcp, ready: false },
        tcp: { ...readyTcp, status: 'NotReady', readyReplicas: 0 },
      },
      'unhealthy',
      /control plane not ready \(0 of 2 pods ready\)/,
    ],
    [
      'no workers ready after initialisation',
      {
        cluster: readyCluster,
        kcp: readyKcp,
        tcp: readyTcp,
        workers: workers(0),
      },
      'unhealthy',
      /0 of 3 workers ready/,
    ],
    [
      'being deleted',
      {
        cluster: { ...readyCluster, deleting: true },
        kcp: readyKcp,
        tcp: readyTcp,
      },
      'progressing',
      /being deleted/,
    ],
    [
      'phase Deleting',
      { cluster: { ...readyCluster, phase: 'Deleting' } },
      'progressing',
      /being deleted/,
    ],
    [
      'KCP referenced but missing',
      { cluster: readyCluster, kcp: 'missing' },
      'unhealthy',
      /KamajiControlPlane not found/,
    ],
    [
      'KCP kind unreadable',
      { cluster: readyCluster, kcp: 'unreadable' },
      'unknown',
      /cannot be read/,
    ],
    [
      'TCP not found on the island after initialisation',
      {
        cluster: readyCluster,
        kcp: readyKcp,
        tcp: {
          missing:
            'TenantControlPlane kamaji-tenants/kcp-1 not found on island a',
        },
      },
      'unhealthy',
      /not found on island a/,
    ],
    [
      'TCP not found yet while provisioning',
      {
        cluster: { ...readyCluster, phase: 'Provisioning' },
        kcp: { ...readyKcp, ready: false, initialized: false },
        tcp: { missing: 'TenantControlPlane not found' },
      },
      'progressing',
    ],
    [
      'TCPs cannot be read',
      {
        cluster: readyCluster,
        kcp: readyKcp,
        tcp: { unknown: 'TenantControlPlanes on island a cannot be read' },
      },
      'unknown',
    ],
    [
      'sleeping',
      {
        cluster: {
          ...readyCluster,
          available: 'False',
          conditions: [cond('Available', 'False')],
        },
        kcp: { ...readyKcp, ready: false },
        tcp: { status: 'Sleeping' },
      },
      'degraded',
      /sleeping/,
    ],
    [
      'write-limited',
      { cluster: readyCluster, kcp: readyKcp, tcp: { status: 'WriteLimited' } },
      'degraded',
      /write-limited/,
    ],
    [
      'TCP status Unknown',
      { cluster: readyCluster, kcp: readyKcp, tcp: { status: 'Unknown' } },
      'unknown',
    ],
    [
      'KCP not ready while TCP is Ready',
      {
        cluster: readyCluster,
        kcp: { ...readyKcp, ready: false },
        tcp: readyTcp,
      },
      'degraded',
      /KamajiControlPlane not ready/,
    ],
    [
      'Cluster availability Unknown',
      {
        cluster: { ...readyCluster, available: 'Unknown' },
        kcp: readyKcp,
        tcp: readyTcp,
      },
      'unknown',
    ],
    [
      'Cluster without controlPlaneRef',
      { cluster: { ...readyCluster, missingControlPlaneRef: true } },
      'unknown',
      /controlPlaneRef/,
    ],
    [
      'Cluster phase Failed',
      { cluster: { ...readyCluster, phase: 'Failed' } },
      'unhealthy',
    ],
    [
      'failed machines',
      {
        cluster: readyCluster,
        kcp: readyKcp,
        tcp: readyTcp,
        workers: workers(3),
        machinePhases: { Running: 3, Failed: 1 },
      },
      'degraded',
      /1 machine\(s\) failed/,
    ],
    ['unmanaged TCP ready', { tcp: readyTcp }, 'healthy'],
    [
      'unmanaged TCP not ready',
      { tcp: { status: 'NotReady', replicas: 1, readyReplicas: 0 } },
      'unhealthy',
    ],
  ];

  it.each(
    cases.map(([name, input, status, reason]) => ({
      name,
      input,
      status,
      reason,
    })),
  )('$name', ({ input, status, reason }) => {
    const h = tenantHealth(input);
    expect(h.status).toBe(status);
    // reasons exactly for anything but healthy
    expect(h.reasons.length > 0).toBe(status !== 'healthy');
    expect(h.reasons.join(' | ')).toMatch(reason ?? /.*/);
  });
});

describe('staleHealth', () => {
  it('is never healthy and says what the last known health was', () => {
    const h = staleHealth(
      { status: 'healthy', reasons: [] },
      'island island-a unreachable since 2026-11-25T10:00:00.000Z',
    );
    expect(h).toEqual({
      status: 'unknown',
      reasons: [
        'island island-a unreachable since 2026-11-25T10:00:00.000Z; last known: healthy',
      ],
    });
    const d = staleHealth(
      { status: 'degraded', reasons: ['2 of 3 workers ready'] },
      'x unreachable',
    );
    expect(d.reasons).toEqual([
      'x unreachable; last known: degraded',
      '2 of 3 workers ready',
    ]);
  });
});

const connected: ConnectionState = {
  status: 'connected',
  since: '2026-11-25T10:00:00.000Z',
};
const island = {
  phase: 'Provisioned',
  available: 'True' as const,
  deleting: false,
  conditions: [],
};

describe('islandHealth', () => {
  it.each(
    [
      ['healthy island', {}, 'healthy'],
      [
        'disconnected',
        {
          connection: {
            ...connected,
            status: 'disconnected' as const,
            lastError: 'ECONNREFUSED',
          },
        },
        'unknown',
        /unreachable: ECONNREFUSED/,
      ],
      [
        'degraded connection',
        {
          connection: {
            ...connected,
            status: 'degraded' as const,
            unreadableKinds: [{ kind: 'DataStore', reason: 'forbidden' }],
          },
        },
        'degraded',
        /cannot read DataStore/,
      ],
      [
        'DataStore not ready',
        { dataStores: [{ name: 'default', ready: false }] },
        'degraded',
        /DataStore default not ready/,
      ],
      [
        'DataStore without ready (Kamaji < 26.3)',
        { dataStores: [{ name: 'default' }] },
        'healthy',
      ],
      [
        'a tenant unhealthy',
        { tenantHealth: countHealth(['healthy', 'unhealthy']) },
        'degraded',
        /1 of 2 tenants unhealthy/,
      ],
      [
        'Cluster not Available',
        { cluster: { ...island, available: 'False' as const } },
        'degraded',
      ],
      [
        'Cluster provisioning',
        { cluster: { ...island, phase: 'Provisioning' } },
        'progressing',
      ],
    ].map(([name, override, status, reason]) => ({
      name,
      override,
      status,
      reason,
    })) as Array<{
      name: string;
      override: any;
      status: string;
      reason?: RegExp;
    }>,
  )('$name', ({ override, status, reason }) => {
    const h = islandHealth({
      cluster: island,
      connection: connected,
      dataStores: [{ name: 'default', ready: true }],
      tenantHealth: countHealth(['healthy']),
      ...override,
    });
    expect(h.status).toBe(status);
    expect(h.reasons.join(' | ')).toMatch(reason ?? /.*/);
  });
});

describe('managementHealth', () => {
  it('follows the connection and unhealthy islands', () => {
    expect(
      managementHealth({ connection: connected, islands: [] }).status,
    ).toBe('healthy');
    expect(
      managementHealth({
        connection: { ...connected, status: 'disconnected' },
        islands: [],
      }).status,
    ).toBe('unknown');
    expect(
      managementHealth({
        connection: connected,
        islands: [
          { name: 'island-a', health: { status: 'unhealthy', reasons: [] } },
        ],
      }),
    ).toEqual({
      status: 'degraded',
      reasons: ['island(s) unhealthy: island-a'],
    });
  });
});

describe('worstHealth', () => {
  it('orders healthy < progressing < unknown < degraded < unhealthy', () => {
    expect(worstHealth('healthy', 'progressing')).toBe('progressing');
    expect(worstHealth('progressing', 'unknown')).toBe('unknown');
    expect(worstHealth('unknown', 'degraded')).toBe('degraded');
    expect(worstHealth('degraded', 'unhealthy', 'healthy')).toBe('unhealthy');
  });
});
