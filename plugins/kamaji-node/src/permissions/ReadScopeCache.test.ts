import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { KamajiClusterScope as ReadScope } from './clusterScope';
import { readPermissionCacheMs, ReadScopeCache } from './ReadScopeCache';

const user = (userEntityRef: string): BackstageCredentials => ({
  $$type: '@backstage/BackstageCredentials',
  principal: { type: 'user', userEntityRef },
});
const alice = user('user:default/alice');
const bob = user('user:default/bob');

/** A permission framework that answers `scopes` in turn and counts the questions. */
function framework(...scopes: ReadScope[]) {
  let asked = 0;
  return {
    ask: () => Promise.resolve(scopes[Math.min(asked++, scopes.length - 1)]),
    get asked() {
      return asked;
    },
  };
}

describe('ReadScopeCache', () => {
  let now = 0;
  const cache = (ttlMs: number, maxEntries?: number) =>
    new ReadScopeCache({ ttlMs, maxEntries, now: () => now });
  beforeEach(() => {
    now = 1_000_000;
  });

  it("reuses a caller's scope within the time to live, then asks again", async () => {
    const scopes = cache(10_000);
    const policy = framework({ kind: 'all' }, { kind: 'none' });
    await expect(scopes.get(alice, policy.ask)).resolves.toEqual({
      kind: 'all',
    });
    now += 9_999;
    await expect(scopes.get(alice, policy.ask)).resolves.toEqual({
      kind: 'all',
    });
    expect(policy.asked).toBe(1);
    now += 1;
    await expect(scopes.get(alice, policy.ask)).resolves.toEqual({
      kind: 'none',
    });
    expect(policy.asked).toBe(2);
  });

  it('keeps callers apart, an on-behalf-of caller too', async () => {
    const scopes = cache(10_000);
    const policy = framework(
      { kind: 'all' },
      { kind: 'none' },
      { kind: 'all' },
    );
    await scopes.get(alice, policy.ask);
    await expect(scopes.get(bob, policy.ask)).resolves.toEqual({
      kind: 'none',
    });
    const aliceThroughService: BackstageCredentials = {
      ...alice,
      principal: {
        type: 'user',
        userEntityRef: 'user:default/alice',
        actor: { type: 'service', subject: 'plugin:catalog' },
      },
    };
    await scopes.get(aliceThroughService, policy.ask);
    expect(policy.asked).toBe(3);
  });

  it('asks once for concurrent reads of one caller', async () => {
    const scopes = cache(10_000);
    const policy = framework({ kind: 'all' });
    await Promise.all(
      Array.from({ length: 20 }, () => scopes.get(alice, policy.ask)),
    );
    expect(policy.asked).toBe(1);
  });

  it('does not keep a failed question', async () => {
    const scopes = cache(10_000);
    const failing = jest
      .fn<Promise<ReadScope>, []>()
      .mockRejectedValueOnce(new Error('permission backend unreachable'))
      .mockResolvedValue({ kind: 'all' });
    await expect(scopes.get(alice, failing)).rejects.toThrow(
      'permission backend unreachable',
    );
    await expect(scopes.get(alice, failing)).resolves.toEqual({ kind: 'all' });
    expect(failing).toHaveBeenCalledTimes(2);
  });

  it('asks on every read with a time to live of 0', async () => {
    const scopes = cache(0);
    const policy = framework({ kind: 'all' });
    await scopes.get(alice, policy.ask);
    await scopes.get(alice, policy.ask);
    expect(policy.asked).toBe(2);
  });

  it('forgets the oldest callers beyond its size', async () => {
    const scopes = cache(10_000, 2);
    const policy = framework({ kind: 'all' });
    const carol = user('user:default/carol');
    await scopes.get(alice, policy.ask);
    await scopes.get(bob, policy.ask);
    await scopes.get(carol, policy.ask);
    expect(policy.asked).toBe(3);
    await scopes.get(carol, policy.ask);
    await scopes.get(bob, policy.ask);
    expect(policy.asked).toBe(3);
    await scopes.get(alice, policy.ask);
    expect(policy.asked).toBe(4);
  });
});

describe('readPermissionCacheMs', () => {
  it('is 10 s unless configured, and takes 0 and fractions', () => {
    expect(readPermissionCacheMs(undefined, 'k')).toBe(10_000);
    expect(readPermissionCacheMs(0, 'k')).toBe(0);
    expect(readPermissionCacheMs(2.5, 'k')).toBe(2_500);
  });

  it('names the setting and its range when out of range', () => {
    for (const value of [-1, 301, NaN]) {
      expect(() =>
        readPermissionCacheMs(value, 'kamaji.api.readPermissionCacheSeconds'),
      ).toThrow(
        'kamaji.api.readPermissionCacheSeconds must be a number of seconds from 0 (ask on every read) to 300',
      );
    }
  });
});
