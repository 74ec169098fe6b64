/* Timing of probes: percentiles, sequential and concurrent runs (no imports: a client process loads it alone). */

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  // nearest-rank
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export interface Stats {
  n: number;
  p50: number;
  p95: number;
  objects: number;
  /** Failed requests (left out of the percentiles). */
  errors: number;
  firstError?: string;
}

function describe(e: any): string {
  const cause = e?.cause
    ? ` (cause: ${e.cause?.code ?? ''} ${e.cause?.message ?? e.cause})`
    : '';
  return `${e?.message ?? e}${cause}`;
}

/** Runs `fn` for each item with at most `limit` in flight. */
export async function pool<T>(
  items: T[],
  limit: number,
  fn: (item: T, i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const workers = Array.from(
    { length: Math.min(limit, items.length) },
    async () => {
      for (;;) {
        const i = next++;
        if (i >= items.length) return;
        await fn(items[i], i);
      }
    },
  );
  await Promise.all(workers);
}

/** One request: returns the number of objects it got back. */
export type Probe = () => Promise<number>;

/** Times probes; failed ones are counted, not timed. */
class Recorder {
  private readonly times: number[] = [];
  private objects = 0;
  private errors = 0;
  private firstError?: string;

  async run(probe: Probe): Promise<void> {
    const t = performance.now();
    try {
      this.objects = await probe();
      this.times.push(performance.now() - t);
    } catch (e) {
      this.errors++;
      this.firstError ??= describe(e);
    }
  }

  stats(n: number): Stats {
    const sorted = [...this.times].sort((a, b) => a - b);
    return {
      n,
      p50: percentile(sorted, 50),
      p95: percentile(sorted, 95),
      objects: this.objects,
      errors: this.errors,
      firstError: this.firstError,
    };
  }
}

export async function sequential(
  probe: Probe,
  n: number,
  warmups: number,
): Promise<Stats> {
  for (let i = 0; i < warmups; i++) await probe();
  const recorder = new Recorder();
  for (let i = 0; i < n; i++) await recorder.run(probe);
  return recorder.stats(n);
}

export async function concurrent(
  probe: Probe,
  clients: number,
  perClient: number,
): Promise<Stats> {
  const recorder = new Recorder();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (let i = 0; i < perClient; i++) await recorder.run(probe);
    }),
  );
  return recorder.stats(clients * perClient);
}
