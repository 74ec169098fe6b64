import {
  buildFleetView,
  effectiveHealth,
  filtersFromParams,
  formatAgo,
  versionMatches,
} from './model';
import { fleet, island, sampleFleet, tenant } from '../../__fixtures__/fleet';
import { islandLabels } from '../common/islandLabels';

describe('fleet view model', () => {
  it('matches versions per component', () => {
    expect(versionMatches('v1.34.2', 'v1.34')).toBe(true);
    expect(versionMatches('1.34.2', '1.34')).toBe(true);
    expect(versionMatches('v1.340.0', 'v1.34')).toBe(false);
    expect(versionMatches(undefined, 'v1.34')).toBe(false);
  });

  it('reads filters from search params and ignores unknown health values', () => {
    const f = filtersFromParams(
      new URLSearchParams('health=unhealthy&health=bogus&q=%20x%20&owner='),
    );
    expect(f).toEqual({
      health: ['unhealthy'],
      q: 'x',
      managementCluster: undefined,
      island: undefined,
      owner: undefined,
      version: undefined,
    });
  });

  it('never reports stale data as healthy', () => {
    const t = tenant('a', { stale: true });
    expect(effectiveHealth(t)).toBe('unknown');
    const i = island('x', [], { disconnected: true });
    expect(effectiveHealth(tenant('b'), i)).toBe('unknown');
    expect(effectiveHealth(tenant('c', { health: 'unhealthy' }), i)).toBe(
      'unhealthy',
    );
  });

  it('filters by owner name or ref, version, free text; counts stay over all tenants', () => {
    const v = buildFleetView(
      sampleFleet(),
      filtersFromParams(new URLSearchParams('owner=team-retail')),
    );
    const a = v.managementClusters[0].islands.find(
      i => i.island.name === 'factory-a',
    )!;
    expect(a.tenants.map(t => t.name)).toEqual(['line-2']);
    expect(a.counts.healthy).toBe(2);
    expect(v.shownTenants).toBe(3);
    for (const owner of ['Team-Retail', 'group:Default/Team-Retail']) {
      const same = buildFleetView(
        sampleFleet(),
        filtersFromParams(new URLSearchParams({ owner })),
      );
      expect(same.shownTenants).toBe(3);
    }
    const byVersion = buildFleetView(
      sampleFleet(),
      filtersFromParams(new URLSearchParams('version=v1.35')),
    );
    expect(byVersion.shownTenants).toBe(1);
  });

  it('builds 10,000 tenants on 500 islands quickly', () => {
    const islands = [];
    const tenants = [];
    for (let i = 0; i < 500; i++) {
      const id = `cloud/islands/island-${i}`;
      const ts = Array.from({ length: 20 }, (_, j) =>
        tenant(`t-${i}-${j}`, { islandId: id }),
      );
      tenants.push(...ts);
      islands.push(island(`island-${i}`, ts, { disconnected: i % 50 === 0 }));
    }
    const f = fleet(islands, tenants);
    const start = Date.now();
    const v = buildFleetView(
      f,
      filtersFromParams(new URLSearchParams('q=t-1')),
    );
    expect(Date.now() - start).toBeLessThan(1000);
    expect(v.disconnectedIslands).toHaveLength(10);
    expect(v.totalTenants).toBe(10000);
  });

  it('formats how long ago', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    expect(formatAgo('2026-01-01T11:48:00Z', now)).toBe('12 min ago');
    expect(formatAgo('2026-01-01T11:59:30Z', now)).toBe('just now');
    expect(formatAgo('2026-01-01T09:00:00Z', now)).toBe('3 h ago');
    expect(formatAgo(undefined, now)).toBe('unknown');
  });
});

describe('two management clusters with an island of the same name', () => {
  function twoIslandsA() {
    const cloudA = island('island-a', [
      tenant('t1', { islandId: 'cloud/islands/island-a' }),
    ]);
    const edgeA: typeof cloudA = {
      ...island('island-a', []),
      id: 'edge/islands/island-a',
      managementCluster: 'edge',
    };
    const t2 = {
      ...tenant('t2', { managementCluster: 'edge', islandId: edgeA.id }),
    };
    edgeA.tenantIds = [t2.id];
    const f = fleet([cloudA], [tenant('t1', { islandId: cloudA.id })]);
    f.managementClusters.push({
      ...f.managementClusters[0],
      id: 'edge',
      name: 'edge',
      managementCluster: 'edge',
      islandIds: [edgeA.id],
      tenantIds: [],
    });
    f.islands.push(edgeA);
    f.tenants.push(t2);
    return { f, cloudA, edgeA, t2 };
  }

  it('shows two islands, each under its management cluster with its own tenants', () => {
    const { f, edgeA, t2 } = twoIslandsA();
    const view = buildFleetView(f, filtersFromParams(new URLSearchParams()));
    const islandsOf = (mc: string) =>
      view.managementClusters
        .find(m => m.cluster.name === mc)!
        .islands.map(i => [i.island.id, i.tenants.map(t => t.id)]);
    expect(islandsOf('cloud')).toEqual([
      ['cloud/islands/island-a', ['cloud/tenants/t1']],
    ]);
    expect(islandsOf('edge')).toEqual([[edgeA.id, [t2.id]]]);
    const filtered = buildFleetView(
      f,
      filtersFromParams(new URLSearchParams({ island: edgeA.id })),
    );
    expect(
      filtered.managementClusters.flatMap(m => m.islands.map(i => i.island.id)),
    ).toEqual([edgeA.id]);
  });

  it('labels them apart wherever islands are listed by name', () => {
    const { f, cloudA, edgeA } = twoIslandsA();
    const other = island('island-b', []);
    const label = islandLabels([...f.islands, other], i => i.name);
    expect([cloudA, edgeA, other].map(label)).toEqual([
      'island-a · cloud',
      'island-a · edge',
      'island-b',
    ]);
  });
});
