import { UpgradePlanRequest } from '@kamaji-backstage/plugin-kamaji-common';
import {
  CENTRAL_TENANT,
  FACTORY_1,
  FACTORY_2,
  fixtureFleet,
  ISLAND_A,
  ISLAND_B,
  LEGACY,
  SHOP_1,
  SHOP_2,
} from '../api/__testUtils__/fleetFixture';
import { buildUpgradePlan } from './planBuilder';

const rules = { ceiling: { major: 1, minor: 36, text: 'v1.36' } };

function plan(request: UpgradePlanRequest, fleet = fixtureFleet()) {
  const built = buildUpgradePlan(fleet, request, rules);
  const step = (id: string) => built.steps.find(s => s.clusterId === id);
  return { ...built, step };
}

describe('buildUpgradePlan', () => {
  it('puts a canary first, then one wave per island, and refuses in words', () => {
    const { waves, step } = plan({ version: 'v1.35.2' });
    expect(waves).toEqual([
      { index: 0, name: 'canary', clusterIds: [FACTORY_1] },
      {
        index: 1,
        name: 'central (management cluster)',
        clusterIds: [CENTRAL_TENANT],
      },
      { index: 2, name: ISLAND_A, clusterIds: [SHOP_1] },
    ]);
    expect(step(SHOP_2)).toMatchObject({ state: 'refused', wave: -1 });
    expect(step(SHOP_2)!.message).toContain('skips a minor release');
    expect(step(FACTORY_2)!.message).toContain('in the middle of an upgrade');
    expect(step(LEGACY)!.message).toContain('not a declared tenant');
    expect(step(FACTORY_1)).toMatchObject({
      state: 'pending',
      fromVersion: 'v1.34.2',
    });
  });

  it('refuses downgrades, clusters at the target, and versions outside the range', () => {
    const { step } = plan({ version: 'v1.34.2' });
    expect(step(SHOP_1)!.message).toBe('already at the target v1.34.2');
    expect(step(SHOP_2)).toMatchObject({ state: 'pending' });
    expect(plan({ version: 'v1.37.0' }).step(SHOP_1)!.message).toContain(
      'above the supported ceiling v1.36',
    );
    const old = plan({ version: 'v1.34.3' }, fixtureFleet());
    expect(old.step(SHOP_1)!.state).toBe('pending');
    const low = buildUpgradePlan(
      fixtureFleet(),
      { version: 'v1.34.3' },
      {
        ...rules,
        range: { minMinor: 35, maxMinor: 36 },
      },
    );
    expect(low.steps.find(s => s.clusterId === SHOP_1)!.message).toContain(
      'outside the supported range v1.35 to v1.36',
    );
  });

  it('selects with the fleet filters and a label selector', () => {
    const byIsland = plan({
      version: 'v1.35.2',
      selection: { island: ISLAND_A },
    });
    expect(byIsland.steps.map(s => s.clusterId)).toEqual([
      LEGACY,
      FACTORY_1,
      SHOP_1,
    ]);
    const byOwner = plan({
      version: 'v1.35.2',
      selection: { owner: 'group:default/team-retail' },
      waves: { canary: 0 },
    });
    expect(byOwner.waves).toEqual([
      { index: 0, name: ISLAND_A, clusterIds: [SHOP_1] },
    ]);
    const byLabel = plan({
      version: 'v1.35.2',
      selection: {
        labelSelector: { matchLabels: { 'fleet.example.io/tier': 'tenant' } },
      },
    });
    expect(byLabel.steps.map(s => s.clusterId)).toEqual([SHOP_1]);
  });

  it('takes explicit waves and refuses selected clusters outside them', () => {
    const { waves, step } = plan({
      version: 'v1.35.2',
      waves: { explicit: [[SHOP_1], [CENTRAL_TENANT, SHOP_1]] },
    });
    expect(waves.map(w => w.clusterIds)).toEqual([[SHOP_1], [CENTRAL_TENANT]]);
    expect(step(FACTORY_1)!.message).toBe(
      'selected, but in none of the explicit waves',
    );
  });

  it('marks clusters of a disconnected island: wait (default) or skip', () => {
    const fleet = fixtureFleet();
    const islandB = fleet.islands.find(i => i.id === ISLAND_B)!;
    islandB.connection = {
      status: 'disconnected',
      since: '2026-12-01T00:00:00Z',
    };
    const waiting = plan({ version: 'v1.34.2' }, fleet).step(SHOP_2)!;
    expect(waiting).toMatchObject({ state: 'pending' });
    expect(waiting.message).toContain('will wait for the uplink');
    const skipped = plan(
      { version: 'v1.34.2', whenDisconnected: 'skip' },
      fleet,
    ).step(SHOP_2)!;
    expect(skipped).toMatchObject({ state: 'refused' });
    expect(skipped.message).toContain(`island ${ISLAND_B} is disconnected now`);
  });
});
