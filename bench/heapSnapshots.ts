/* V8 heap snapshots of a backend started with heapSnapshotArgs (diagnostics, not figures). */
import { readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { BackendProcess } from '@internal/test-kube';
import { sleep, waitFor } from './lib';

/** The node flags that make a backend write a heap snapshot into `dir` on SIGUSR2. */
export const heapSnapshotArgs = (dir: string) => [
  '--heapsnapshot-signal=SIGUSR2',
  `--diagnostic-dir=${dir}`,
];

/** Has the backend write a V8 heap snapshot (SIGUSR2) and renames it `<label>.heapsnapshot`. */
export async function heapSnapshot(
  backend: BackendProcess,
  dir: string,
  label: string,
  log: (s: string) => void,
) {
  const before = new Set(readdirSync(dir));
  process.kill(backend.pid, 'SIGUSR2');
  // The snapshot is written on the backend's main thread: the next answer comes after it.
  await sleep(1000);
  await waitFor(
    'the heap snapshot',
    async () => (await backend.fetch('/.backstage/health/v1/readiness')).ok,
    600_000,
    1000,
  );
  const file = readdirSync(dir).find(
    f => !before.has(f) && f.endsWith('.heapsnapshot'),
  );
  if (!file) throw new Error(`no heap snapshot appeared in ${dir}`);
  renameSync(join(dir, file), join(dir, `${label}.heapsnapshot`));
  log(`heap snapshot ${join(dir, `${label}.heapsnapshot`)}`);
}
