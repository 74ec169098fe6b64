import {
  IslandNode,
  UplinkFigures,
} from '@kamaji-backstage/plugin-kamaji-common';
import { rankIslands } from './rankIslands';

const T0 = '2026-12-01T08:00:00.000Z';

function island(
  name: string,
  options: {
    site?: string;
    tenants?: number;
    capacityLabel?: string;
    connection?: IslandNode['connection']['status'];
    version?: string;
    stores?: IslandNode['dataStores'];
  } = {},
): IslandNode {
  const tenants = Array.from(
    { length: options.tenants ?? 0 },
    (_, i) => `central/fleet-tenants/${name}-t${i}`,
  );
  return {
    id: `central/fleet-islands/${name}`,
    role: 'island',
    name,
    namespace: 'fleet-islands',
    managementCluster: 'central',
    site: options.site ?? 'lyon',
    labels: options.capacityLabel
      ? { 'kamaji-backstage.io/tenant-capacity': options.capacityLabel }
      : {},
    health: { status: 'healthy', reasons: [] },
    staleness: { stale: false },
    connection: { status: options.connection ?? 'connected', since: T0 },
    kubernetesVersion: options.version ?? 'v1.34.1',
    tenantIds: tenants,
    tenantHealth: {
      healthy: tenants.length,
      progressing: 0,
      degraded: 0,
      unhealthy: 0,
      unknown: 0,
    },
    dataStores: options.stores ?? [
      {
        name: 'default',
        driver: 'etcd',
        ready: true,
        usedBy: tenants.map((_, i) => `kamaji-tenants/${name}-t${i}`),
      },
    ],
    conditions: [],
  } as IslandNode;
}

const none = new Map();

/** Uplink figures over a whole recorded week unless told otherwise. */
const weekOf = (
  figures: Pick<UplinkFigures, 'availability' | 'outages'> &
    Partial<UplinkFigures>,
): UplinkFigures => ({ window: '7d', observedSeconds: 7 * 86_400, ...figures });

describe('rankIslands', () => {
  it('prefers the less loaded island and says why, in counts', () => {
    const advice = rankIslands(
      [island('busy', { tenants: 7 }), island('quiet', { tenants: 2 })],
      { site: 'lyon', defaultCapacity: 10, uplink: none },
    );
    expect(advice.recommended).toBe('central/fleet-islands/quiet');
    expect(advice.islands.map(i => [i.name, i.rank, i.eligible])).toEqual([
      ['quiet', 1, true],
      ['busy', 2, true],
    ]);
    expect(advice.islands[0].reasons).toEqual([
      'connected now',
      'hosts 2 of 10 tenant control planes (8 free)',
      'least used data store default (etcd) serves 2 control planes',
      'no uplink history yet',
    ]);
    expect(advice.islands[0].load).toEqual({
      tenants: 2,
      capacity: 10,
      dataStores: [
        { name: 'default', driver: 'etcd', ready: true, tenants: 2 },
      ],
    });
    expect(JSON.stringify(advice)).not.toMatch(/-t\d/); // no tenant named
  });

  it('rules out full, disconnected and data-store-less islands, leading with what rules them out', () => {
    const advice = rankIslands(
      [
        island('full', { tenants: 3, capacityLabel: '3' }),
        island('dark', { connection: 'disconnected' }),
        island('bare', { stores: [] }),
        island('ok', { tenants: 5 }),
      ],
      { defaultCapacity: 10, uplink: none },
    );
    expect(advice.islands.map(i => [i.name, i.eligible, i.score])).toEqual([
      ['ok', true, expect.any(Number)],
      ['bare', false, 0],
      ['dark', false, 0],
      ['full', false, 0],
    ]);
    const reasons = Object.fromEntries(
      advice.islands.map(i => [i.name, i.reasons[0]]),
    );
    expect(reasons).toEqual({
      ok: 'connected now',
      bare: 'has no data store for a control plane',
      dark: `disconnected since ${T0}: the control plane could not start`,
      full: 'full: hosts 3 of 3 tenant control planes',
    });
    expect(advice.recommended).toBe('central/fleet-islands/ok');
  });

  it('weighs the uplink history when there is one', () => {
    const steady = island('steady', { tenants: 4 });
    const flaky = island('flaky', { tenants: 1 });
    const uplink = new Map([
      [steady.id, weekOf({ availability: 0.999, outages: 0 })],
      [flaky.id, weekOf({ availability: 0.81, outages: 9 })],
    ]);
    const advice = rankIslands([flaky, steady], {
      defaultCapacity: 10,
      uplink,
    });
    expect(advice.islands.map(i => i.name)).toEqual(['steady', 'flaky']);
    expect(advice.islands[1].reasons).toContain(
      'uplink up 81% of the last 7d with 9 outages',
    );
    expect(advice.islands[0].uplink).toEqual(uplink.get(steady.id));
    // Without the history the less loaded island would win.
    expect(
      rankIslands([flaky, steady], { defaultCapacity: 10, uplink: none })
        .recommended,
    ).toBe(flaky.id);
  });

  it('judges an island added lately on what was recorded, the rest as no history', () => {
    const older = island('older', { tenants: 2 });
    const fresh = island('fresh', { tenants: 2 });
    const blip = weekOf({
      availability: 0.587,
      outages: 1,
      observedSeconds: 10,
    });
    const advice = rankIslands([fresh, older], {
      defaultCapacity: 10,
      uplink: new Map([
        [fresh.id, blip],
        [older.id, weekOf({ availability: 0.9, outages: 2 })],
      ]),
    });
    const byName = Object.fromEntries(advice.islands.map(i => [i.name, i]));
    expect(byName.fresh.reasons).toContain(
      'uplink up 58.7% of the 10 s recorded in the last 7d with 1 outage',
    );
    expect(byName.older.reasons).toContain(
      'uplink up 90% of the last 7d with 2 outages',
    );
    // Ten seconds weigh as little as ten seconds do, a blip or clean: as no history at all.
    const scoreWith = (figures?: UplinkFigures) =>
      rankIslands([fresh], {
        defaultCapacity: 10,
        uplink: figures ? new Map([[fresh.id, figures]]) : none,
      }).islands[0].score;
    const unknown = scoreWith(undefined);
    expect(byName.fresh.score).toBe(unknown);
    expect(scoreWith({ ...blip, availability: 1, outages: 0 })).toBe(unknown);
    // A recorded week at 90 % with two outages tells more, and here wins.
    expect(advice.recommended).toBe(older.id);
    // Half a week recorded counts half: between no history and the whole week's figures.
    const week = weekOf({ availability: 0.2, outages: 10 });
    const halfWeek = { ...week, observedSeconds: week.observedSeconds / 2 };
    expect(scoreWith(week)).toBeLessThan(scoreWith(halfWeek));
    expect(scoreWith(halfWeek)).toBeLessThan(unknown);
  });

  it('rules out an island whose Kubernetes lags the tenant by more than one minor', () => {
    const advice = rankIslands(
      [
        island('old', { version: 'v1.33.4' }),
        island('new', { version: 'v1.35.0' }),
      ],
      { version: 'v1.35.2', uplink: none },
    );
    expect(advice.islands.map(i => [i.name, i.eligible])).toEqual([
      ['new', true],
      ['old', false],
    ]);
    expect(advice.islands[1].reasons[0]).toBe(
      'runs Kubernetes v1.33.4, more than one minor release behind v1.35.2',
    );
    expect(advice.islands[0].reasons).toContain(
      'runs Kubernetes v1.35.0, fit for v1.35.2',
    );
  });

  it('ranks degraded islands below connected ones, counts load without capacity, and keeps to the site', () => {
    const advice = rankIslands(
      [
        island('shaky', { connection: 'degraded' }),
        island('calm', { tenants: 3 }),
        island('elsewhere', { site: 'turin' }),
      ],
      { site: 'lyon', uplink: none },
    );
    expect(advice.islands.map(i => i.name)).toEqual(['calm', 'shaky']);
    expect(advice.islands[0].reasons).toContain(
      'hosts 3 tenant control planes (no capacity configured)',
    );
    expect(advice.islands[1].reasons[0]).toBe('degraded now');
  });

  it('recommends nothing when no island can take the tenant', () => {
    const advice = rankIslands(
      [island('dark', { connection: 'disconnected' })],
      {
        uplink: none,
      },
    );
    expect(advice.recommended).toBeUndefined();
    expect(advice.islands[0].rank).toBe(1);
  });
});
