import { mockCredentials } from '@backstage/backend-test-utils';
import { ReadScope } from '../api/visibility';
import { ReadScopeCache } from './ReadScopeCache';

const alice = mockCredentials.user('user:default/alice');
const bob = mockCredentials.user('user:default/bob');

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
    const aliceThroughService = {
      ...alice,
      principal: {
        ...alice.principal,
        actor: { type: 'service' as const, subject: 'plugin:catalog' },
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
    const carol = mockCredentials.user('user:default/carol');
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
