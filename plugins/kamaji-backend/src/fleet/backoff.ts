/**
 * Jittered exponential backoff: `initialMs * 2^attempt`, capped at `maxMs`, each delay drawn
 * uniformly from [delay * (1 - jitter), delay].
 */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly initialMs: number,
    private readonly maxMs: number,
    private readonly jitter = 0.3,
    private readonly random: () => number = Math.random,
  ) {}

  /** The next delay; each call doubles the base until the cap. */
  next(): number {
    const base = Math.min(this.maxMs, this.initialMs * 2 ** this.attempt);
    if (base < this.maxMs) this.attempt++;
    return Math.round(base * (1 - this.jitter * this.random()));
  }

  reset(): void {
    this.attempt = 0;
  }

  get attempts(): number {
    return this.attempt;
  }
}

/** `ms` with ±`fraction` random jitter, for periodic timers that must not align across clusters. */
export function jittered(
  ms: number,
  fraction = 0.1,
  random = Math.random,
): number {
  return Math.round(ms * (1 - fraction + 2 * fraction * random()));
}

/** A sleep that ends early (resolving false) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise(resolve => {
    if (signal?.aborted) {
      resolve(false);
      return;
    }
    let timer: NodeJS.Timeout | undefined = undefined;
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
