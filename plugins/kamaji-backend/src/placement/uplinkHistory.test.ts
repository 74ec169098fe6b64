import { UplinkStats } from '@kamaji-backstage/plugin-kamaji-common';
import { uplinkFiguresFrom } from './uplinkHistory';

const period = (
  window: '24h' | '7d' | '30d',
  availability: number | undefined,
  outages: number,
) => ({
  window,
  availability,
  observedSeconds: 100,
  downtimeSeconds: 0,
  outages,
  longestOutageSeconds: 0,
});

const stats = (clusterId: string, periods: UplinkStats['periods']) => ({
  clusterId,
  periods,
});

describe('uplinkFiguresFrom', () => {
  const history = {
    statsFor: jest.fn(async (ids: string[]) => {
      const all = new Map<string, UplinkStats>([
        [
          'central/fleet-islands/flaky',
          stats('central/fleet-islands/flaky', [
            period('24h', 1, 0),
            period('7d', 0.82, 5),
            period('30d', 0.9, 9),
          ]),
        ],
        [
          'central/fleet-islands/new',
          stats('central/fleet-islands/new', [
            period('24h', undefined, 0),
            period('7d', undefined, 0),
            period('30d', undefined, 0),
          ]),
        ],
      ]);
      return new Map([...all].filter(([id]) => ids.includes(id)));
    }),
  };

  it("gives placement each island's availability and outages over 7 days", async () => {
    const figures = await uplinkFiguresFrom(history).figures([
      'central/fleet-islands/flaky',
      'central/fleet-islands/unknown',
    ]);
    expect([...figures]).toEqual([
      [
        'central/fleet-islands/flaky',
        { availability: 0.82, outages: 5, window: '7d', observedSeconds: 100 },
      ],
    ]);
  });

  it('leaves out an island whose window observed nothing yet', async () => {
    const figures = await uplinkFiguresFrom(history, '30d').figures([
      'central/fleet-islands/new',
      'central/fleet-islands/flaky',
    ]);
    expect(figures.get('central/fleet-islands/new')).toBeUndefined();
    expect(figures.get('central/fleet-islands/flaky')).toEqual({
      availability: 0.9,
      outages: 9,
      window: '30d',
      observedSeconds: 100,
    });
  });
});
