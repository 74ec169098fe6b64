/*
 * Where a backend's RSS goes, from Node's own diagnostic report (`--report-on-signal`): V8's
 * committed and used heap per space, and what is outside V8 (native: OpenSSL, nghttp2, zlib,
 * SQLite, malloc's free lists). Writing a report takes milliseconds and does not grow the heap,
 * unlike a heap snapshot, so the bench takes one next to every RSS figure.
 */
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from './lib';

/** The node flags that make a backend write a diagnostic report into `dir` on SIGUSR2. */
export const memoryReportArgs = (dir: string) => [
  '--report-on-signal',
  '--report-signal=SIGUSR2',
  `--report-directory=${dir}`,
];

export interface MemoryBreakdown {
  rssMb: number;
  /** V8 heap committed, and of it in use, by the old (old + code + large object) and new spaces. */
  heapCommittedMb: number;
  heapUsedMb: number;
  newSpaceCommittedMb: number;
  /** RSS outside V8's heap: native buffers, sockets, malloc arenas, the binary's pages. */
  outsideHeapMb: number;
  /** Of it, the memory of Buffers and ArrayBuffers V8 knows of (freed when they are collected). */
  externalMb: number;
}

const mb = (bytes: number) => bytes / 1024 / 1024;

/** Asks the backend (started with memoryReportArgs) for a report and summarises it. */
export async function memoryBreakdown(
  pid: number,
  dir: string,
): Promise<MemoryBreakdown> {
  const before = new Set(readdirSync(dir));
  process.kill(pid, 'SIGUSR2');
  return waitFor(
    `a diagnostic report of process ${pid} in ${dir}`,
    () => {
      const file = readdirSync(dir).find(
        f => !before.has(f) && f.startsWith('report.') && f.endsWith('.json'),
      );
      if (!file) return undefined;
      // A report still being written fails to parse; waitFor asks again.
      const breakdown = summarise(
        JSON.parse(readFileSync(join(dir, file), 'utf8')),
      );
      rmSync(join(dir, file));
      return breakdown;
    },
    30_000,
    100,
  );
}

function summarise(report: any): MemoryBreakdown {
  const heap = report.javascriptHeap;
  const spaces: Record<string, { committedMemory: number }> =
    heap.heapSpaces ?? {};
  const rss = Number(report.resourceUsage?.rss ?? NaN);
  return {
    rssMb: mb(rss),
    heapCommittedMb: mb(heap.totalCommittedMemory),
    heapUsedMb: mb(heap.usedMemory),
    newSpaceCommittedMb: mb(spaces.new_space?.committedMemory ?? 0),
    outsideHeapMb: mb(rss - heap.totalCommittedMemory),
    externalMb: mb(heap.externalMemory ?? 0),
  };
}

export const describeBreakdown = (b: MemoryBreakdown) =>
  `RSS ${b.rssMb.toFixed(0)} MB = V8 heap committed ${b.heapCommittedMb.toFixed(
    0,
  )} MB (used ${b.heapUsedMb.toFixed(
    0,
  )} MB, new space ${b.newSpaceCommittedMb.toFixed(
    0,
  )} MB) + outside the heap ${b.outsideHeapMb.toFixed(
    0,
  )} MB (Buffers ${b.externalMb.toFixed(0)} MB)`;
