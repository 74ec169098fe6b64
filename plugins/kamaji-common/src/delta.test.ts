import { applyFleetDelta, applyFleetDeltaTo, fleetMapsOf } from './delta';
import type {
  AddonSet,
  FleetDelta,
  FleetSnapshot,
  IslandNode,
  TenantNode,
} from './model';

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

  it('applies a delta from an earlier version (a superset, from another replica), skips one already included', () => {
    const superset = {
      fromVersion: 2,
      version: 6,
      generatedAt: '2026-11-25T10:00:02.000Z',
      upserted: [tenant('central/ns/a', 'degraded')],
      removed: ['central/ns/b', 'central/ns/gone-before'],
      upsertedAddonSets: [],
      removedAddonSets: ['absent'],
    };
    const next = applyFleetDelta(snapshot, superset);
    expect(next.version).toBe(6);
    expect(next.tenants.map(t => [t.id, t.health.status])).toEqual([
      ['central/ns/a', 'degraded'],
    ]);
    expect(
      applyFleetDelta(next, { ...superset, fromVersion: 1, version: 5 }),
    ).toBe(next);
  });
});

describe('applyFleetDeltaTo', () => {
  const delta = (change: Partial<FleetDelta>): FleetDelta => ({
    fromVersion: 4,
    version: 5,
    generatedAt: '2026-11-25T10:00:01.000Z',
    upserted: [],
    removed: [],
    upsertedAddonSets: [],
    removedAddonSets: [],
    ...change,
  });

  it('changes the maps in place: removals, upserts, addon sets', () => {
    const maps = fleetMapsOf(snapshot);
    const set = { id: 'central/ClusterProfile/p', matchingClusterIds: [] };
    applyFleetDeltaTo(
      maps,
      delta({
        removed: ['central/ns/b'],
        upserted: [tenant('central/ns/a', 'degraded')],
        upsertedAddonSets: [set as unknown as AddonSet],
      }),
    );
    expect([...maps.tenants.keys()]).toEqual(['central/ns/a']);
    expect(maps.tenants.get('central/ns/a')!.health.status).toBe('degraded');
    expect([...maps.addonSets.keys()]).toEqual([set.id]);
    applyFleetDeltaTo(maps, delta({ removedAddonSets: [set.id] }));
    expect(maps.addonSets.size).toBe(0);
  });

  it('moves a node that changes role to the map of its new kind', () => {
    const maps = fleetMapsOf(snapshot);
    const island = {
      ...tenant('central/ns/a'),
      role: 'island',
    } as unknown as IslandNode;
    applyFleetDeltaTo(maps, delta({ upserted: [island] }));
    expect(maps.tenants.has('central/ns/a')).toBe(false);
    expect(maps.islands.get('central/ns/a')).toBe(island);
  });

  it('is what applyFleetDelta does, on a copy', () => {
    const d = delta({
      removed: ['central/ns/a'],
      upserted: [tenant('central/ns/0')],
    });
    const maps = fleetMapsOf(snapshot);
    applyFleetDeltaTo(maps, d);
    expect(applyFleetDelta(snapshot, d).tenants).toEqual(
      [...maps.tenants.values()].sort((x, y) => (x.id < y.id ? -1 : 1)),
    );
    expect(snapshot.tenants.map(t => t.id)).toEqual([
      'central/ns/a',
      'central/ns/b',
    ]);
  });
});
