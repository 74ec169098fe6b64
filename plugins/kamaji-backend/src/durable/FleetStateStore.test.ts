import { TestDatabaseId } from '@backstage/backend-test-utils';
import {
  migratedDatabase,
  pluginTestDatabases,
} from '../database/__testUtils__/testDatabases';
import { FleetStateStore } from './FleetStateStore';

jest.setTimeout(60_000);

const databases = pluginTestDatabases();

async function storeOn(databaseId: TestDatabaseId) {
  const knex = await migratedDatabase(databases, databaseId);
  return { knex, store: new FleetStateStore(knex) };
}

const ISLAND = 'central/fleet-islands/island-a';

describe.each(databases.eachSupportedId())(
  'FleetStateStore on %p',
  databaseId => {
    it('saves objects and connections in batches, updates, deletes and forgets them', async () => {
      const { store } = await storeOn(databaseId);
      const seenAt = new Date('2026-12-04T10:00:00.000Z');
      await store.write({
        seenAt,
        forget: [],
        connections: [
          {
            source: ISLAND,
            status: 'connected',
            since: '2026-12-04T09:00:00.000Z',
            lastSeenAt: '2026-12-04T10:00:00.000Z',
            lastSyncAt: '2026-12-04T09:59:00.000Z',
            kinds: ['TenantControlPlane', 'DataStore'],
          },
          {
            source: 'central',
            status: 'degraded',
            since: '2026-12-04T08:00:00.000Z',
            lastSeenAt: '2026-12-04T10:00:00.000Z',
            lastError: 'cannot read HelmChartProxy',
            kinds: ['Cluster'],
          },
        ],
        objects: Array.from({ length: 250 }, (_, i) => ({
          source: ISLAND,
          kind: 'TenantControlPlane',
          key: `ns/tcp-${i}`,
          data: JSON.stringify({ name: `tcp-${i}`, version: 'v1.34.2' }),
        })),
      });
      let saved = await store.load();
      expect([...saved.keys()].sort()).toEqual(['central', ISLAND]);
      const island = saved.get(ISLAND)!;
      expect(island).toMatchObject({
        status: 'connected',
        since: '2026-12-04T09:00:00.000Z',
        lastSeenAt: '2026-12-04T10:00:00.000Z',
        lastSyncAt: '2026-12-04T09:59:00.000Z',
      });
      expect(island.kinds.get('TenantControlPlane')!.size).toBe(250);
      // A listed kind without objects is still known (empty, not unread).
      expect(island.kinds.get('DataStore')!.size).toBe(0);
      expect(saved.get('central')!.lastError).toBe(
        'cannot read HelmChartProxy',
      );

      await store.write({
        seenAt,
        forget: ['central'],
        connections: [],
        objects: [
          {
            source: ISLAND,
            kind: 'TenantControlPlane',
            key: 'ns/tcp-0',
            data: JSON.stringify({ name: 'tcp-0', version: 'v1.35.0' }),
          },
          { source: ISLAND, kind: 'TenantControlPlane', key: 'ns/tcp-1' },
          { source: ISLAND, kind: 'TenantControlPlane', key: 'ns/tcp-2' },
        ],
      });
      saved = await store.load();
      expect([...saved.keys()]).toEqual([ISLAND]);
      const tcps = saved.get(ISLAND)!.kinds.get('TenantControlPlane')!;
      expect(tcps.size).toBe(248);
      expect(tcps.get('ns/tcp-0')).toEqual({
        name: 'tcp-0',
        version: 'v1.35.0',
      });
      expect(tcps.has('ns/tcp-1')).toBe(false);
    });

    it('records each transition once: a repeated status (restart, takeover) adds nothing', async () => {
      const { store } = await storeOn(databaseId);
      const t = (at: string, status: any, reason?: string) => ({
        clusterId: ISLAND,
        at,
        status,
        reason,
      });
      expect(
        await store.recordTransition(
          t('2026-12-01T00:00:00.000Z', 'connected'),
        ),
      ).toBe(true);
      // The same transition written again (two writers, a retry), and a restart's "connected".
      expect(
        await store.recordTransition(
          t('2026-12-01T00:00:00.000Z', 'connected'),
        ),
      ).toBe(false);
      expect(
        await store.recordTransition(
          t('2026-12-01T05:00:00.000Z', 'connected'),
        ),
      ).toBe(false);
      expect(
        await store.recordTransition(
          t('2026-12-02T00:00:00.000Z', 'disconnected', 'connection refused'),
        ),
      ).toBe(true);
      // An older report arriving late does not reorder the history.
      expect(
        await store.recordTransition(t('2026-12-01T12:00:00.000Z', 'degraded')),
      ).toBe(false);
      expect(
        await store.recordTransition(
          t('2026-12-02T01:00:00.000Z', 'connected'),
        ),
      ).toBe(true);
      await store.recordTransition({
        clusterId: 'central',
        at: '2026-12-01T00:00:00.000Z',
        status: 'connected',
      });

      const all = await store.transitions(
        new Date('2026-12-01T00:00:00.000Z'),
        new Date('2026-12-03T00:00:00.000Z'),
        [ISLAND],
      );
      expect(all.map(x => [x.at, x.status, x.reason])).toEqual([
        ['2026-12-01T00:00:00.000Z', 'connected', undefined],
        ['2026-12-02T00:00:00.000Z', 'disconnected', 'connection refused'],
        ['2026-12-02T01:00:00.000Z', 'connected', undefined],
      ]);
      // A period starts with the status holding at its start.
      const window = await store.transitions(
        new Date('2026-12-02T00:30:00.000Z'),
        new Date('2026-12-03T00:00:00.000Z'),
      );
      expect(window.map(x => [x.clusterId, x.status])).toEqual([
        ['central', 'connected'],
        [ISLAND, 'disconnected'],
        [ISLAND, 'connected'],
      ]);

      // Pruning keeps the last transition before the cut (the status then), drops the rest.
      expect(
        await store.pruneTransitions(new Date('2026-12-02T00:30:00.000Z')),
      ).toBe(1);
      const kept = await store.transitions(
        new Date('2026-11-01T00:00:00.000Z'),
        new Date('2026-12-03T00:00:00.000Z'),
        [ISLAND],
      );
      expect(kept.map(x => x.status)).toEqual(['disconnected', 'connected']);
    });

    it('orders batches by one fleet-wide version, feeds changes after a version, keeps deletions as tombstones until pruned', async () => {
      const { store } = await storeOn(databaseId);
      const connection = (source: string) => ({
        source,
        status: 'connected' as const,
        since: '2026-12-04T09:00:00.000Z',
        lastSeenAt: '2026-12-04T10:00:00.000Z',
        kinds: ['TenantControlPlane'],
      });
      const object = (key: string, data?: object) => ({
        source: ISLAND,
        kind: 'TenantControlPlane',
        key,
        data: data && JSON.stringify(data),
      });
      const { version: start, epoch } = await store.currentVersion();
      const at = (iso: string) => ({ seenAt: new Date(iso), forget: [] });
      await store.write({
        ...at('2026-12-04T10:00:00.000Z'),
        connections: [connection(ISLAND), connection('central')],
        objects: [object('k/a', { v: 1 }), object('k/b', { v: 1 })],
      });
      // Two concurrent writers: each batch gets its own version, in commit order.
      await Promise.all([
        store.write({
          ...at('2026-12-04T10:00:01.000Z'),
          connections: [],
          objects: [object('k/a', { v: 2 })],
        }),
        store.write({
          ...at('2026-12-04T10:00:01.000Z'),
          connections: [],
          objects: [object('k/b')],
        }),
      ]);
      const all = await store.changesSince(-1);
      expect(all).toMatchObject({ version: start + 3, epoch, full: true });
      expect(all.objects).toEqual([
        {
          source: ISLAND,
          kind: 'TenantControlPlane',
          key: 'k/a',
          data: { v: 2 },
        },
      ]);
      expect(all.sources.map(s => s.source).sort()).toEqual([
        'central',
        ISLAND,
      ]);

      const after1 = await store.changesSince(start + 1);
      expect(after1.full).toBe(false);
      expect(after1.objects.map(o => [o.key, o.data]).sort()).toEqual([
        ['k/a', { v: 2 }],
        ['k/b', undefined],
      ]);
      expect(after1.sources).toEqual([]);
      expect((await store.changesSince(start + 3)).objects).toEqual([]);

      // A forgotten cluster: tombstones for it and its objects; load() skips them.
      await store.write({
        ...at('2026-12-04T10:00:02.000Z'),
        connections: [],
        objects: [],
        forget: [ISLAND],
      });
      const forgotten = await store.changesSince(start + 3);
      expect(forgotten.sources).toEqual([
        { source: ISLAND, connection: undefined },
      ]);
      expect(forgotten.objects).toEqual([
        {
          source: ISLAND,
          kind: 'TenantControlPlane',
          key: 'k/a',
          data: undefined,
        },
      ]);
      expect([...(await store.load()).keys()]).toEqual(['central']);

      // Pruning: a follower behind the pruned tombstones gets everything again.
      expect(
        await store.pruneTombstones(new Date('2026-12-04T10:00:01.500Z')),
      ).toBe(1);
      expect((await store.changesSince(start + 1)).full).toBe(true);
      expect((await store.changesSince(start + 3)).full).toBe(false);
      expect(
        await store.pruneTombstones(new Date('2026-12-05T00:00:00.000Z')),
      ).toBe(2);
      const reloaded = await store.changesSince(start + 3);
      expect(reloaded.full).toBe(true);
      expect(reloaded.sources.map(s => s.source)).toEqual(['central']);
      expect(reloaded.objects).toEqual([]);
    });
  },
);
