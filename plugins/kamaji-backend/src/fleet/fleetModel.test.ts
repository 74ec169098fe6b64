import type {
  AddonSet,
  FleetSnapshot,
  ManagementClusterNode,
  TenantNode,
} from '@kamaji-backstage/plugin-kamaji-common';
import {
  applyFleetDelta,
  compactFleetResponse,
  expandFleetSnapshot,
} from '@kamaji-backstage/plugin-kamaji-common';
import { FleetModel, FleetNodes } from './fleetModel';

/** The snapshot as GET /v1/fleet/snapshot sends it. */
const sentForm = (snapshot: FleetSnapshot) =>
  JSON.stringify(compactFleetResponse(snapshot));

const tenant = (
  name: string,
  status: 'healthy' | 'degraded' = 'healthy',
): TenantNode => ({
  id: `central/ns/${name}`,
  role: 'tenant',
  name,
  namespace: 'ns',
  managementCluster: 'central',
  labels: {},
  health: { status, reasons: status === 'healthy' ? [] : ['x'] },
  staleness: { stale: false },
  managed: true,
  versions: { workers: [], skew: false },
  controlPlane: {},
  workerPools: [],
  workers: { desired: 0, current: 0, ready: 0, available: 0, upToDate: 0 },
  addons: [],
  conditions: [],
});
const mgmt: ManagementClusterNode = {
  id: 'central',
  role: 'management',
  name: 'central',
  managementCluster: 'central',
  labels: {},
  health: { status: 'healthy', reasons: [] },
  staleness: { stale: false },
  connection: { status: 'connected', since: '2026-11-25T10:00:00.000Z' },
  islandIds: [],
  tenantIds: [],
  tenantHealth: {
    healthy: 0,
    progressing: 0,
    degraded: 0,
    unhealthy: 0,
    unknown: 0,
  },
};
const addon: AddonSet = {
  id: 'central/HelmChartProxy/ns/cilium',
  kind: 'HelmChartProxy',
  name: 'cilium',
  managementCluster: 'central',
  selector: {},
  contents: [],
  matchingClusterIds: [],
  health: { status: 'healthy', reasons: [] },
};
const nodes = (
  tenants: TenantNode[],
  addonSets: AddonSet[] = [addon],
): FleetNodes => ({
  managementClusters: [mgmt],
  islands: [],
  tenants,
  addonSets,
});

describe('FleetModel', () => {
  it('versions every change with a delta, and nothing for no change', () => {
    const model = new FleetModel();
    expect(model.getSnapshot().version).toBe(0);
    const d1 = model.update(nodes([tenant('a'), tenant('b')]))!;
    expect(d1).toMatchObject({
      fromVersion: 0,
      version: 1,
      removed: [],
      removedAddonSets: [],
    });
    expect(d1.upserted.map(n => n.id)).toEqual([
      'central',
      'central/ns/a',
      'central/ns/b',
    ]);
    expect(d1.upsertedAddonSets.map(a => a.id)).toEqual([addon.id]);

    expect(model.update(nodes([tenant('a'), tenant('b')]))).toBeUndefined();
    expect(model.currentVersion).toBe(1);

    const before = model.getSnapshot();
    const d2 = model.update(nodes([tenant('a', 'degraded'), tenant('c')], []))!;
    expect(d2).toMatchObject({
      fromVersion: 1,
      version: 2,
      removed: ['central/ns/b'],
      removedAddonSets: [addon.id],
    });
    expect(d2.upserted.map(n => n.id)).toEqual([
      'central/ns/a',
      'central/ns/c',
    ]);
    const after = model.getSnapshot();
    expect(after.managementClusters[0]).toBe(before.managementClusters[0]); // unchanged nodes shared
    expect(applyFleetDelta(before, d2)).toEqual(after); // deltas replay to the snapshot
    expect(model.getCluster('central/ns/c')?.name).toBe('c');
    expect(model.getCluster('central/ns/b')).toBeUndefined();
  });

  it('keeps the published node when a rebuilt one serialises the same, and tells who built it', () => {
    const kept: Array<[string, unknown]> = [];
    const model = new FleetModel((id, published) => kept.push([id, published]));
    model.update(nodes([tenant('a')]));
    const published = model.getCluster('central/ns/a');
    expect(model.update(nodes([tenant('a')]))).toBeUndefined();
    expect(model.getCluster('central/ns/a')).toBe(published);
    expect(kept).toEqual([['central/ns/a', published]]);
    // Handed the published object again (as the builder does once told), nothing is compared.
    kept.length = 0;
    expect(model.update(nodes([published as TenantNode]))).toBeUndefined();
    expect(kept).toEqual([]);
  });

  it('without the hook, tells an equal rebuilt node by identity the next time', () => {
    const model = new FleetModel();
    const serialised = jest.spyOn(JSON, 'stringify');
    model.update(nodes([tenant('a')]));
    const rebuilt = nodes([tenant('a')]);
    expect(model.update(rebuilt)).toBeUndefined();
    serialised.mockClear();
    expect(model.update(rebuilt)).toBeUndefined();
    expect(serialised).not.toHaveBeenCalled();
    serialised.mockRestore();
  });

  it('serialises each version node by node, as the snapshot route sends it: tenants compact', () => {
    const model = new FleetModel();
    model.update(nodes([tenant('b'), tenant('a')]));
    const first = model.getSnapshotJson();
    expect(first.version).toBe(1);
    expect(first.json).toBe(sentForm(model.getSnapshot()));
    model.update(nodes([tenant('a')]));
    expect(model.getSnapshotJson().json).toBe(sentForm(model.getSnapshot()));
    const sent = JSON.parse(model.getSnapshotJson().json);
    expect(sent.version).toBe(2);
    expect(expandFleetSnapshot(sent)).toEqual(model.getSnapshot());
  });

  it('gives the JSON in pieces of the version asked for, even when read after the model moved on', () => {
    const model = new FleetModel();
    model.update(nodes([tenant('b'), tenant('a')]));
    const expected = sentForm(model.getSnapshot());
    const { version, chunks } = model.getSnapshotJsonChunks();
    model.update(nodes([tenant('a')]));
    const pieces = [...chunks];
    expect(version).toBe(1);
    expect(pieces.length).toBeGreaterThan(2);
    expect(pieces.join('')).toBe(expected);
  });
});
