import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { ReadScope } from '../api/visibility';

export interface ReadScopeCacheOptions {
  /** How long a caller's decision is reused; 0 asks on every read. */
  ttlMs: number;
  /** Callers remembered at once; the oldest go first. Default 10,000. */
  maxEntries?: number;
  now?: () => number;
}

/**
 * The `kamaji.cluster.read` scope of each caller, reused for `ttlMs`. A user's read otherwise asks
 * the permission backend over HTTP each time: several times the CPU of serving the read itself.
 * Concurrent reads of one caller share one question; a failed question is not kept. As with
 * kube-apiserver's cache of webhook authorizations, a changed policy or group membership reaches
 * reads within `ttlMs`.
 */
export class ReadScopeCache {
  private readonly entries = new Map<
    string,
    { scope: Promise<ReadScope>; expiresAt: number }
  >();
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(private readonly options: ReadScopeCacheOptions) {
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  get(
    credentials: BackstageCredentials,
    ask: () => Promise<ReadScope>,
  ): Promise<ReadScope> {
    if (this.options.ttlMs <= 0) return ask();
    const key = JSON.stringify(credentials.principal);
    const now = this.now();
    const held = this.entries.get(key);
    if (held && held.expiresAt > now) return held.scope;
    this.entries.delete(key);
    const scope = ask();
    const entry = { scope, expiresAt: now + this.options.ttlMs };
    this.entries.set(key, entry);
    scope.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    this.evictOver(now);
    return scope;
  }

  private evictOver(now: number) {
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= this.maxEntries && entry.expiresAt > now) break;
      this.entries.delete(key);
    }
  }
}
