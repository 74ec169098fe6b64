import {
  TestDatabaseId,
  TestDatabases,
  mockServices,
} from '@backstage/backend-test-utils';
import { AuditStore } from './AuditStore';

jest.setTimeout(60_000);

// SQLite always; PostgreSQL when a server is given (scripts/test.sh starts one and sets
// KB_TEST_POSTGRES_ID and BACKSTAGE_TEST_DATABASE_POSTGRES<major>_CONNECTION_STRING).
const ids: TestDatabaseId[] = ['SQLITE_3'];
if (process.env.KB_TEST_POSTGRES_ID) {
  ids.push(process.env.KB_TEST_POSTGRES_ID as TestDatabaseId);
}
const databases = TestDatabases.create({ ids, disableDocker: true });

describe.each(databases.eachSupportedId())('AuditStore on %p', databaseId => {
  it('migrates, records and pages events newest first, with filters', async () => {
    const knex = await databases.init(databaseId);
    const store = await AuditStore.create(mockServices.database({ knex }));
    // Migrating twice is a no-op.
    await AuditStore.create(mockServices.database({ knex }));

    const base = {
      actor: 'user:default/alice',
      actorType: 'user' as const,
      target: 'central/fleet-tenants/shop-1',
      status: 200,
    };
    await store.record({
      ...base,
      occurredAt: '2026-12-01T10:00:00.123Z',
      action: 'upgrade',
      result: 'success',
      request: { version: 'v1.35.0', workers: false },
      details: { controlPlane: { from: 'v1.34.2', to: 'v1.35.0' } },
      durationMs: 42,
    });
    await store.record({
      ...base,
      occurredAt: '2026-12-01T10:01:00.000Z',
      action: 'upgrade',
      result: 'failure',
      status: 400,
      message: 'version v1.33.0 is lower than the current v1.35.0',
    });
    await store.record({
      ...base,
      actor: 'user:default/bob',
      occurredAt: '2026-12-01T10:02:00.000Z',
      action: 'delete',
      result: 'denied',
      status: 403,
    });

    const all = await store.list({ limit: 10, offset: 0 });
    expect(all.total).toBe(3);
    expect(all.items.map(i => i.result)).toEqual([
      'denied',
      'failure',
      'success',
    ]);
    expect(all.items[2]).toEqual({
      id: expect.any(Number),
      occurredAt: '2026-12-01T10:00:00.123Z',
      actor: 'user:default/alice',
      actorType: 'user',
      action: 'upgrade',
      target: 'central/fleet-tenants/shop-1',
      request: { version: 'v1.35.0', workers: false },
      result: 'success',
      status: 200,
      message: undefined,
      details: { controlPlane: { from: 'v1.34.2', to: 'v1.35.0' } },
      durationMs: 42,
    });

    const page = await store.list({ limit: 1, offset: 1 });
    expect(page.total).toBe(3);
    expect(page.items.map(i => i.result)).toEqual(['failure']);

    const bob = await store.list({
      limit: 10,
      offset: 0,
      actor: 'user:default/bob',
    });
    expect(bob.items).toHaveLength(1);
    const failures = await store.list({
      limit: 10,
      offset: 0,
      action: 'upgrade',
      outcome: 'failure',
      cluster: 'central/fleet-tenants/shop-1',
    });
    expect(failures.total).toBe(1);

    const period = await store.list({
      limit: 10,
      offset: 0,
      from: new Date('2026-12-01T10:00:30.000Z'),
      to: new Date('2026-12-01T10:02:00.000Z'),
    });
    expect(period.items.map(i => i.result)).toEqual(['failure']);
  });

  it('keeps a restricted caller to the visible targets and its own records, counts included', async () => {
    const knex = await databases.init(databaseId);
    const store = await AuditStore.create(mockServices.database({ knex }));
    const event = (actor: string, target: string) =>
      store.record({
        occurredAt: new Date().toISOString(),
        actor,
        actorType: 'user',
        action: 'create',
        target,
        result: 'success',
        status: 201,
      });
    await event('user:default/pat', 'central/retail/shop-1');
    await event('user:default/pat', 'central/factory/line-1');
    await event('user:default/alice', 'central/other/failed-try');
    await event('user:default/pat', 'upgrade-plan/p1');

    const visibleTo = {
      targets: ['central/retail/shop-1'],
      actor: 'user:default/alice',
    };
    const alice = await store.list({ limit: 10, offset: 0, visibleTo });
    expect(alice.total).toBe(2);
    expect(alice.items.map(i => i.target).sort()).toEqual([
      'central/other/failed-try',
      'central/retail/shop-1',
    ]);
    // A filter on another team's cluster finds nothing, and says so in its count.
    const probe = await store.list({
      limit: 10,
      offset: 0,
      cluster: 'central/factory/line-1',
      visibleTo,
    });
    expect(probe).toEqual({ items: [], total: 0 });
    const none = await store.list({
      limit: 10,
      offset: 0,
      visibleTo: { targets: [], actor: 'user:default/eve' },
    });
    expect(none.total).toBe(0);
  });
});
