/* The fleet benchmark's memory figures of a backend: RSS with its breakdown, and settled RSS. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  HEAP_DIR,
  SETTLE_MAX_MS,
  SETTLE_MS,
  SETTLE_STEADY_MB,
} from './fleetOptions';
import { Cleanups, rssMb, sleep, waitForQuiet } from './lib';
import {
  MemoryBreakdown,
  describeBreakdown,
  memoryBreakdown,
  memoryReportArgs,
} from './memoryReport';

/** RSS at one moment and, unless it is a heap-snapshot run, where it goes. */
export interface MemoryAt {
  rssMb: number;
  breakdown?: MemoryBreakdown;
}

/** The backend's RSS at the bench's moments, as the report shows them. */
export interface MemoryFigures {
  baseline: MemoryAt;
  synced: MemoryAt;
  afterReads: MemoryAt;
  /** Quiet, then until the RSS stopped falling (see MemoryProbe.settled). */
  settledMb: { baseline: number; synced: number; afterReads: number };
  /** How long each settled figure waited after the backend went quiet, in ms. */
  settleWaitsMs: { baseline: number; synced: number; afterReads: number };
  /** NaN if the backend is gone after the fan-out. */
  afterFanoutMb: number;
}

/**
 * Diagnostic reports (where the RSS goes) beside every RSS figure; a heap-snapshot run uses the
 * same signal for its snapshots instead, and so has no breakdowns.
 */
export class MemoryProbe {
  /** The node flags a measured backend is started with (none in a heap-snapshot run). */
  readonly nodeArgs: string[] | undefined;
  /** By label, how long `settled` waited after the backend went quiet. */
  readonly settleWaitsMs = new Map<string, number>();

  private constructor(
    private readonly reportDir: string,
    private readonly log: (s: string) => void,
  ) {
    this.nodeArgs = HEAP_DIR ? undefined : memoryReportArgs(reportDir);
  }

  static create(cleanups: Cleanups, log: (s: string) => void): MemoryProbe {
    const reportDir = mkdtempSync(join(tmpdir(), 'kamaji-bench-reports-'));
    cleanups.push(async () =>
      rmSync(reportDir, { recursive: true, force: true }),
    );
    return new MemoryProbe(reportDir, log);
  }

  async breakdown(
    pid: number,
    label: string,
  ): Promise<MemoryBreakdown | undefined> {
    if (HEAP_DIR) return undefined;
    const b = await memoryBreakdown(pid, this.reportDir);
    this.log(`${label}: ${describeBreakdown(b)}`);
    return b;
  }

  /** The RSS now, then its breakdown. */
  async now(pid: number, label: string): Promise<MemoryAt> {
    const rss = rssMb(pid);
    return { rssMb: rss, breakdown: await this.breakdown(pid, label) };
  }

  /**
   * RSS and breakdown once the backend has settled: quiet, then until its RSS has stopped
   * falling (see SETTLE_MS). V8 keeps the garbage and the young generation a burst of work (a
   * sync, a run of reads) grew until its memory reducer collects them, some seconds after the
   * last full GC once the process allocates little, and then returns the pages; a fixed wait took
   * some runs' figures before that and others' after. The baseline is measured the same way, so
   * the two compare.
   */
  async settled(pid: number, label: string): Promise<number> {
    await waitForQuiet(pid);
    const start = Date.now();
    const samples: number[] = [];
    const stepMs = 5000;
    const window = SETTLE_MS / stepMs;
    for (;;) {
      samples.push(rssMb(pid));
      const waited = Date.now() - start;
      const fell =
        samples.length > window
          ? samples.at(-1 - window)! - samples.at(-1)!
          : Infinity;
      if (fell < SETTLE_STEADY_MB || waited >= SETTLE_MAX_MS) break;
      await sleep(stepMs);
    }
    const waitedMs = Date.now() - start;
    this.settleWaitsMs.set(label, waitedMs);
    this.log(
      `${label}: settled after ${(waitedMs / 1000).toFixed(
        0,
      )} s (RSS every 5 s: ${samples.map(r => r.toFixed(0)).join(' ')} MB)`,
    );
    const rss = samples.at(-1)!;
    await this.breakdown(pid, `${label}, settled`);
    return rss;
  }
}
