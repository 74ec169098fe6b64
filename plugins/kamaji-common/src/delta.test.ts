import { applyFleetDelta } from './delta';
import type { FleetSnapshot, TenantNode } from './model';

const tenant = (id: string, health: 'healthy' | 'degraded' = 'healthy') =>
  ({
    id,
    role: 'tenant',
    name: id.split('/').pop(),
    managementCluster: 'central',
    labels: {},
    health: { status: health, reasons: [] },
    staleness: { stale: false },
    managed: true,
    versions: { workers: [], skew: false },
    controlPlane: {},
    workerPools: [],
    workers: { desired: 0, current: 0, ready: 0, available: 0, upToDate: 0 },
    addons: [],
    conditions: [],
  } as TenantNode);

const snapshot: FleetSnapshot = {
  version: 4,
  generatedAt: '2026-11-25T10:00:00.000Z',
  managementClusters: [],
  islands: [],
  tenants: [tenant('central/ns/a'), tenant('central/ns/b')],
  addonSets: [],
};

describe('applyFleetDelta', () => {
  it('upserts and removes nodes, keeping id order and sharing unchanged nodes', () => {
    const next = applyFleetDelta(snapshot, {
      fromVersion: 4,
      version: 5,
      generatedAt: '2026-11-25T10:00:01.000Z',
      upserted: [tenant('central/ns/c'), tenant('central/ns/a', 'degraded')],
      removed: ['central/ns/b'],
      upsertedAddonSets: [],
      removedAddonSets: [],
    });
    expect(next.version).toBe(5);
    expect(next.tenants.map(t => [t.id, t.health.status])).toEqual([
      ['central/ns/a', 'degraded'],
      ['central/ns/c', 'healthy'],
    ]);
    expect(snapshot.tenants).toHaveLength(2); // input untouched
  });

  it('refuses a delta that does not follow the snapshot', () => {
    expect(() =>
      applyFleetDelta(snapshot, {
        fromVersion: 5,
        version: 6,
        generatedAt: '',
        upserted: [],
        removed: [],
        upsertedAddonSets: [],
        removedAddonSets: [],
      }),
    ).toThrow(/does not follow snapshot version 4/);
  });
});
