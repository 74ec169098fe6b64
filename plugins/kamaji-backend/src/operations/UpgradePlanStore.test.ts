import {
  TestDatabaseId,
  TestDatabases,
  mockServices,
} from '@backstage/backend-test-utils';
import { AuditStore } from '../database/AuditStore';
import { UpgradePlanStore } from './UpgradePlanStore';

jest.setTimeout(60_000);

// SQLite always; PostgreSQL when scripts/test.sh started one (KB_TEST_POSTGRES_ID).
const ids: TestDatabaseId[] = ['SQLITE_3'];
if (process.env.KB_TEST_POSTGRES_ID) {
  ids.push(process.env.KB_TEST_POSTGRES_ID as TestDatabaseId);
}
const databases = TestDatabases.create({ ids, disableDocker: true });

describe.each(databases.eachSupportedId())(
  'UpgradePlanStore on %p',
  databaseId => {
    it('keeps a plan and its steps; state changes are compare-and-set and bump the revision', async () => {
      const knex = await databases.init(databaseId);
      // The plugin's migrations (AuditStore.create runs them all).
      await AuditStore.create(mockServices.database({ knex }));
      const store = new UpgradePlanStore(knex);
      const id = await store.create({
        request: { version: 'v1.35.2', maxConcurrent: 2 },
        createdBy: 'user:default/pat',
        status: 'draft',
        waves: [{ index: 0, name: 'canary', clusterIds: ['c/ns/a'] }],
        steps: [
          {
            clusterId: 'c/ns/a',
            wave: 0,
            state: 'pending',
            fromVersion: 'v1.34.2',
          },
          {
            clusterId: 'c/ns/b',
            wave: -1,
            state: 'refused',
            message: 'already at the target v1.35.2',
          },
        ],
      });
      const created = (await store.get(id))!;
      expect(created).toMatchObject({
        status: 'draft',
        version: 'v1.35.2',
        revision: 1,
      });
      expect(created.steps.map(s => [s.clusterId, s.state])).toEqual([
        ['c/ns/a', 'pending'],
        ['c/ns/b', 'refused'],
      ]);

      expect(await store.setStatus(id, ['running'], 'paused')).toBe(false);
      expect(await store.setStatus(id, ['draft'], 'running')).toBe(true);
      expect(await store.idsWithStatus('running')).toEqual([id]);

      const claim = () =>
        store.updateStep(id, 'c/ns/a', ['pending'], {
          state: 'patching',
          baseline: ['Cluster/Available'],
          startedAt: new Date(),
        });
      expect(await claim()).toBe(true);
      expect(await claim()).toBe(false);
      const [step] = await store.steps(id);
      expect(step).toMatchObject({
        state: 'patching',
        baseline: ['Cluster/Available'],
      });
      expect(Date.parse(step.startedAt!)).not.toBeNaN();
      expect((await store.get(id))!.revision).toBe(3);

      await store.updateSteps(
        id,
        ['pending', 'patching'],
        'cancelled',
        'aborted by user:default/pat',
      );
      expect((await store.steps(id)).map(s => s.state)).toEqual([
        'cancelled',
        'refused',
      ]);
      // Bulk step changes bump the revision too: the live-update stream sees them.
      expect((await store.get(id))!.revision).toBe(4);
      expect((await store.list(10, 0)).total).toBe(1);

      // What the live-update stream asks every second: plans changed after a time.
      const changed = await store.changedSince(new Date(Date.now() - 60_000));
      expect(changed.map(p => [p.id, p.revision])).toEqual([[id, 4]]);
      expect(await store.changedSince(new Date(Date.now() + 60_000))).toEqual(
        [],
      );
    });

    it('resumes a halted plan with its failed steps patched again and its active gates restarted, in one change', async () => {
      const knex = await databases.init(databaseId);
      await AuditStore.create(mockServices.database({ knex }));
      const store = new UpgradePlanStore(knex);
      const step = (clusterId: string) => ({
        clusterId,
        wave: 0,
        state: 'pending' as const,
        fromVersion: 'v1.34.2',
      });
      const id = await store.create({
        request: { version: 'v1.35.2', maxConcurrent: 2 },
        createdBy: 'user:default/pat',
        status: 'running',
        waves: [
          { index: 0, name: 'canary', clusterIds: ['c/ns/a', 'c/ns/b'] },
          { index: 1, name: 'island', clusterIds: ['c/ns/c'] },
        ],
        steps: [step('c/ns/a'), step('c/ns/b'), { ...step('c/ns/c'), wave: 1 }],
      });
      const longAgo = new Date(Date.now() - 3_600_000);
      for (const clusterId of ['c/ns/a', 'c/ns/b']) {
        await store.updateStep(id, clusterId, ['pending'], {
          state: 'gating',
          startedAt: longAgo,
        });
      }
      await store.updateStep(id, 'c/ns/a', ['gating'], {
        state: 'failed',
        message: 'health gate timed out after 60 s',
        finishedAt: new Date(),
      });
      expect(await store.retryHalted(id, 'tried again by pat')).toBe(false);
      await store.setStatus(id, ['running'], 'halted', {
        message: 'halted: c/ns/a failed',
      });
      const revision = (await store.get(id))!.revision;

      expect(await store.retryHalted(id, 'tried again by pat')).toBe(true);
      const resumed = (await store.get(id))!;
      expect(resumed).toMatchObject({ status: 'running', message: undefined });
      expect(resumed.revision).toBe(revision + 1);
      const [a, b, c] = await store.steps(id);
      expect(a).toMatchObject({
        state: 'patching',
        message: 'tried again by pat',
        finishedAt: undefined,
      });
      expect(b.state).toBe('gating');
      expect(c.state).toBe('pending');
      for (const restarted of [a, b]) {
        expect(Date.parse(restarted.startedAt!)).toBeGreaterThan(
          longAgo.getTime() + 60_000,
        );
      }
      expect(await store.retryHalted(id, 'tried again by pat')).toBe(false);
    });
  },
);
