import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { KamajiClusterScope } from './clusterScope';

/** How long a caller's read decision is reused unless configured. */
const DEFAULT_READ_PERMISSION_CACHE_SECONDS = 10;

/**
 * The time to live of a {@link ReadScopeCache} from the configured seconds (`key` names the
 * setting in the error): the default when unset; 0 to 300 s.
 *
 * @public
 */
export function readPermissionCacheMs(
  seconds: number | undefined,
  key: string,
): number {
  const value = seconds ?? DEFAULT_READ_PERMISSION_CACHE_SECONDS;
  if (!(value >= 0 && value <= 300)) {
    throw new Error(
      `${key} must be a number of seconds from 0 (ask on every read) to 300`,
    );
  }
  return value * 1000;
}

/** Options of a {@link ReadScopeCache}. @public */
export interface ReadScopeCacheOptions {
  /** How long a caller's decision is reused; 0 asks on every read. */
  ttlMs: number;
  /** Callers remembered at once; the oldest go first. Default 10,000. */
  maxEntries?: number;
  /** The clock, in ms (tests). */
  now?: () => number;
}

/**
 * The `kamaji.cluster.read` scope of each caller, reused for `ttlMs`. A user's read otherwise asks
 * the permission backend over HTTP each time: several times the CPU of serving the read itself.
 * Concurrent reads of one caller share one question; a failed question is not kept. As with
 * kube-apiserver's cache of webhook authorizations, a changed policy or group membership reaches
 * reads within `ttlMs`.
 *
 * @public
 */
export class ReadScopeCache {
  private readonly entries = new Map<
    string,
    { scope: Promise<KamajiClusterScope>; expiresAt: number }
  >();
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(private readonly options: ReadScopeCacheOptions) {
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** The caller's scope: the one held if younger than `ttlMs`, else what `ask` answers. */
  get(
    credentials: BackstageCredentials,
    ask: () => Promise<KamajiClusterScope>,
  ): Promise<KamajiClusterScope> {
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
