/* Helpers of the benchmarks: the timing of timing.ts, RSS and CPU of processes, waiting, results files. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@internal/test-kube';

export * from './timing';

/** VmRSS of a process in MB. */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

/** The number after `--<name>` on the command line, else `fallback`. */
export const numberArg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};

/** The text after `--<name>` on the command line, if any. */
export const textArg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};

export const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** The connection string of the PostgreSQL that scripts/postgres.sh started, if any. */
export const testPostgresUrl = (): string | undefined =>
  Object.entries(process.env).find(([k]) =>
    /^BACKSTAGE_TEST_DATABASE_POSTGRES\d+_CONNECTION_STRING$/.test(k),
  )?.[1];

export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs: number,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${
          lastError ? `: ${lastError}` : ''
        }`,
      );
    await sleep(intervalMs);
  }
}

/** Milliseconds as seconds with one decimal, as the bench logs and reports them. */
export const seconds = (ms: number) => (ms / 1000).toFixed(1);

export const fmt = (ms: number) =>
  Number.isNaN(ms) ? '–' : ms < 10 ? ms.toFixed(2) : ms.toFixed(1);

/** CPU seconds (user + system) a process has used so far. */
export function cpuSeconds(pid: number): number {
  // Fields after the command name, which may hold spaces: utime and stime are fields 14 and 15.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** What `run` returns, and the CPU process `pid` used while it ran, in ms per one of its `reads`. */
export async function cpuMsPerRead<T>(
  pid: number,
  reads: number,
  run: () => T | Promise<T>,
): Promise<{ result: T; cpuMsPerRead: number }> {
  const before = cpuSeconds(pid);
  const result = await run();
  return { result, cpuMsPerRead: ((cpuSeconds(pid) - before) * 1000) / reads };
}

/**
 * Waits until a process has settled: less than `maxShare` of one core used over `windowMs`
 * (the backend's start-up work — catalog ingestion of the fleet, first syncs — is over).
 * Returns the ms waited; gives up after `timeoutMs` and says so in the result.
 */
export async function waitForQuiet(
  pid: number,
  { maxShare = 0.15, windowMs = 3000, timeoutMs = 300_000 } = {},
): Promise<{ waitedMs: number; settled: boolean; lastShare: number }> {
  const start = Date.now();
  let lastShare = NaN;
  while (Date.now() - start < timeoutMs) {
    const before = cpuSeconds(pid);
    await sleep(windowMs);
    lastShare = (cpuSeconds(pid) - before) / (windowMs / 1000);
    if (lastShare < maxShare)
      return { waitedMs: Date.now() - start, settled: true, lastShare };
  }
  return { waitedMs: Date.now() - start, settled: false, lastShare };
}

/** Where a benchmark's phases push the steps that undo what they started. */
export interface Cleanups {
  push(step: () => Promise<void>): void;
}

/**
 * What a benchmark started, stopped once in reverse order: at the end, on failure, and on
 * SIGINT / SIGTERM / SIGHUP (then the process exits 130).
 */
export function cleanupOnExit(
  log: (s: string) => void,
): Cleanups & { run(): Promise<void> } {
  const steps: Array<() => Promise<void>> = [];
  let running: Promise<void> | undefined;
  const run = (): Promise<void> => {
    running ??= (async () => {
      for (const step of steps.reverse()) {
        try {
          await step();
        } catch (e) {
          log(`cleanup: ${e}`);
        }
      }
    })();
    return running;
  };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
    process.on(sig, () => {
      log(`${sig}: stopping everything`);
      run().finally(() => process.exit(130));
    });
  return {
    push: step => {
      steps.push(step);
    },
    run,
  };
}

/** Prints a report and writes it to bench/results/<latest> and bench/results/<dated>; returns the paths. */
export function writeResults(
  text: string,
  latest: string,
  dated: string,
): string[] {
  // eslint-disable-next-line no-console
  console.log(`\n${text}`);
  const resultsDir = join(REPO_ROOT, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const files = [latest, dated].map(name => join(resultsDir, name));
  for (const file of files) writeFileSync(file, text);
  return files.map(f => f.slice(REPO_ROOT.length + 1));
}
