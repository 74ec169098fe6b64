import {
  applyFleetDelta,
  FleetCluster,
  FleetSnapshot,
  TenantNode,
} from '@kamaji-backstage/plugin-kamaji-common';
import { healthFrom, unhealthyIslandsReason } from '../fleet/health';
import {
  fixtureFleet,
  FACTORY_1,
  ISLAND_A,
  ISLAND_B,
  MC,
  SHOP_1,
  SHOP_2,
  tenant,
} from './__testUtils__/fleetFixture';
import { FleetMirror } from './mirror';
import { ConditionalView, SnapshotSource } from './visibility';

const ownedBy =
  (...groups: string[]) =>
  (c: FleetCluster) =>
    groups.includes(c.owner ?? '');

const retail = ownedBy('group:default/team-retail');
const factory = ownedBy('group:default/team-factory');
const islandsOnly = (c: FleetCluster) => c.role === 'island';
const nothing = () => false;

function filtered(
  snapshot: FleetSnapshot,
  predicate: (c: FleetCluster) => boolean,
) {
  const source = SnapshotSource.of(snapshot);
  return {
    version: snapshot.version,
    generatedAt: snapshot.generatedAt,
    ...new ConditionalView(predicate).load(source).snapshot(source),
  };
}

/** Compares what a client holds with what a fresh read would give (ids and node contents). */
function expectSameView(client: FleetSnapshot, fresh: FleetSnapshot) {
  const norm = (s: FleetSnapshot) => ({
    managementClusters: [...s.managementClusters].sort((a, b) =>
      a.id.localeCompare(b.id),
    ),
    islands: [...s.islands].sort((a, b) => a.id.localeCompare(b.id)),
    tenants: [...s.tenants].sort((a, b) => a.id.localeCompare(b.id)),
    addonSets: [...s.addonSets]
      .map(a => ({
        ...a,
        matchingClusterIds: [...a.matchingClusterIds].sort(),
      }))
      .sort((a, b) => a.id.localeCompare(b.id)),
  });
  expect(norm(client)).toEqual(norm(fresh));
}

/** Islands list their tenants, as the model does: re-list them after a change. */
function rebuildIslands(
  model: FleetSnapshot,
  upserted: FleetCluster[],
  removed: string[],
) {
  const after = applyFleetDelta(model, {
    fromVersion: model.version,
    version: model.version + 1,
    generatedAt: model.generatedAt,
    upserted,
    removed,
    upsertedAddonSets: [],
    removedAddonSets: [],
  });
  for (const island of after.islands) {
    const on = after.tenants.filter(t => t.islandId === island.id);
    upserted.push({ ...island, tenantIds: on.map(t => t.id) });
  }
}

describe('ConditionalView', () => {
  it('shows a team its tenants, the islands and management cluster hosting them, projected', () => {
    const view = filtered(fixtureFleet(), retail);
    expect(view.tenants.map(t => t.id)).toEqual([SHOP_1, SHOP_2]);
    expect(view.islands.map(i => [i.id, i.tenantIds])).toEqual([
      [ISLAND_A, [SHOP_1]],
      [ISLAND_B, [SHOP_2]],
    ]);
    expect(view.managementClusters[0]).toMatchObject({
      id: MC,
      tenantIds: [],
      islandIds: [ISLAND_A, ISLAND_B],
    });
    expect(filtered(fixtureFleet(), nothing)).toMatchObject({
      managementClusters: [],
      islands: [],
      tenants: [],
      addonSets: [],
    });
  });

  it('shows islands without their tenants to a decision that accepts islands only', () => {
    const view = filtered(fixtureFleet(), islandsOnly);
    expect(view.islands.map(i => i.tenantIds)).toEqual([[], []]);
    expect(view.islands[0].dataStores[0].usedBy).toEqual([]);
    expect(view.managementClusters.map(m => m.islandIds)).toEqual([
      [ISLAND_A, ISLAND_B],
    ]);
    expect(view.addonSets).toEqual([]);
  });

  it('rolls health up over the clusters a team may see only', () => {
    const model = fixtureFleet();
    const setHealth = (predicate: (c: FleetCluster) => boolean) =>
      filtered(model, predicate).addonSets.find(
        a => a.name === 'tenant-baseline',
      )?.health;
    // The whole set: failed on shop-0002, not applied on factory-0002, unknown on legacy.
    expect(setHealth(() => true)?.reasons).toEqual([
      'failed on shop-0002',
      'not yet applied on factory-0002',
      'delivery status unknown on legacy',
    ]);
    expect(setHealth(retail)).toEqual({
      status: 'degraded',
      reasons: ['failed on shop-0002'],
    });
    expect(setHealth(factory)).toEqual({
      status: 'progressing',
      reasons: ['not yet applied on factory-0002'],
    });

    // island-a is degraded by the unmanaged tenant, which no team sees: its status stays the
    // island's, the reason that counts its tenants is left out.
    const islandA = (predicate: (c: FleetCluster) => boolean) =>
      filtered(model, predicate).islands.find(i => i.id === ISLAND_A)!;
    expect(islandA(() => true).health.reasons).toEqual([
      '1 of 3 tenants unhealthy',
    ]);
    expect(islandA(retail).health).toEqual({ status: 'degraded', reasons: [] });
    expect(islandA(retail).tenantHealth.healthy).toBe(1);
  });

  it('names to a team only the unhealthy islands it may see', () => {
    const model = fixtureFleet();
    model.islands[1] = {
      ...model.islands[1],
      health: { status: 'unhealthy', reasons: ['Cluster phase Failed'] },
    };
    model.managementClusters[0] = {
      ...model.managementClusters[0],
      health: healthFrom([
        ['degraded', unhealthyIslandsReason(model.islands)!],
      ]),
    };
    const reasonsFor = (predicate: (c: FleetCluster) => boolean) =>
      filtered(model, predicate).managementClusters[0].health.reasons;
    expect(reasonsFor(() => true)).toEqual(['island(s) unhealthy: island-b']);
    expect(reasonsFor(c => c.id === ISLAND_A)).toEqual([]);
    expect(reasonsFor(islandsOnly)).toEqual(['island(s) unhealthy: island-b']);
  });

  it('turns a lost owner into removals, and a new owner into upserts', () => {
    let model = fixtureFleet();
    const mirror = FleetMirror.fromSnapshot(model);
    const view = new ConditionalView(retail).loadForDeltas(mirror);
    const shop1 = model.tenants.find(t => t.id === SHOP_1)!;

    const step = (upserted: FleetCluster[]) => {
      const delta = {
        fromVersion: model.version,
        version: model.version + 1,
        generatedAt: model.generatedAt,
        upserted,
        removed: [],
        upsertedAddonSets: [],
        removedAddonSets: [],
      };
      model = applyFleetDelta(model, delta);
      mirror.apply(delta);
      return view.visibleDelta(delta, mirror);
    };

    const given = step([{ ...shop1, owner: 'group:default/team-factory' }]);
    expect(given.removed.sort()).toEqual([ISLAND_A, SHOP_1].sort());
    expect(given.upserted.map(c => c.id)).toEqual([MC]);
    expect(given.upsertedAddonSets.map(a => a.name).sort()).toEqual([
      'retail-cni',
      'tenant-baseline',
    ]);

    const factory1 = model.tenants.find(t => t.id === FACTORY_1)!;
    const taken = step([{ ...factory1, owner: 'group:default/team-retail' }]);
    expect(taken.upserted.map(c => c.id).sort()).toEqual(
      [FACTORY_1, ISLAND_A, MC].sort(),
    );
    expect(taken.removed).toEqual([]);

    const unrelated = step([
      {
        ...model.tenants.find(t => t.id === SHOP_1)!,
        health: { status: 'unhealthy', reasons: ['x'] },
      },
    ]);
    expect(unrelated.upserted).toEqual([]);
    expect(unrelated.removed).toEqual([]);
  });

  it.each([
    ['team-retail', retail],
    ['team-factory', factory],
    ['islands only', islandsOnly],
    ['nothing', nothing],
  ])(
    'keeps a %s client equal to a fresh read through 200 random changes',
    (_name, predicate) => {
      let seed = 42;
      const rand = (n: number) => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return (seed >>> 8) % n;
      };
      const owners = [
        'group:default/team-retail',
        'group:default/team-factory',
        'group:default/platform-team',
        undefined,
      ];
      const healths = [
        'healthy',
        'degraded',
        'unhealthy',
        'progressing',
      ] as const;

      let model = fixtureFleet();
      const mirror = FleetMirror.fromSnapshot(model);
      const view = new ConditionalView(predicate).loadForDeltas(mirror);
      let client: FleetSnapshot = filtered(model, predicate);
      let next = 1;
      let applied = 0;

      for (let i = 0; i < 200; i++) {
        const tenants = model.tenants;
        const upserted: FleetCluster[] = [];
        const removed: string[] = [];
        const upsertedAddonSets = [];
        const removedAddonSets: string[] = [];
        const action = rand(8);
        const pick = tenants.length ? tenants[rand(tenants.length)] : undefined;
        const islandIds = model.islands.map(x => x.id);
        if (action === 0 && pick) {
          upserted.push({ ...pick, owner: owners[rand(owners.length)] });
        } else if (action === 1 && pick) {
          upserted.push({
            ...pick,
            health: { status: healths[rand(healths.length)], reasons: [] },
          });
        } else if (action === 2 && pick && islandIds.length) {
          upserted.push({
            ...pick,
            islandId: islandIds[rand(islandIds.length)],
          });
          rebuildIslands(model, upserted, removed);
        } else if (action === 3 && pick) {
          removed.push(pick.id);
          rebuildIslands(model, upserted, removed);
        } else if (action === 4) {
          const t: TenantNode = tenant({
            id: `central/fleet-tenants/new-${next++}`,
            owner: owners[rand(owners.length)],
            island: islandIds.length
              ? islandIds[rand(islandIds.length)]
              : undefined,
          });
          upserted.push(t);
          rebuildIslands(model, upserted, removed);
        } else if (action === 5 && model.addonSets.length) {
          const a = model.addonSets[rand(model.addonSets.length)];
          const ids = model.tenants.filter(() => rand(2) === 0).map(t => t.id);
          upsertedAddonSets.push({ ...a, matchingClusterIds: ids });
        } else if (action === 6 && model.addonSets.length > 1) {
          removedAddonSets.push(
            model.addonSets[rand(model.addonSets.length)].id,
          );
        } else if (action === 7 && model.islands.length > 1 && rand(4) === 0) {
          // An island disappears (its tenants keep pointing at it, as during a resync).
          removed.push(model.islands[rand(model.islands.length)].id);
        } else {
          continue;
        }
        const delta = {
          fromVersion: model.version,
          version: model.version + 1,
          generatedAt: model.generatedAt,
          upserted,
          removed,
          upsertedAddonSets,
          removedAddonSets,
        };
        model = applyFleetDelta(model, delta);
        mirror.apply(delta);
        const forClient = view.visibleDelta(delta, mirror);
        forClient.fromVersion = client.version;
        client = applyFleetDelta(client, forClient);
        expectSameView(client, filtered(model, predicate));
        applied++;
      }
      expect(applied).toBeGreaterThan(120);
    },
  );
});
