/*
 * Concurrent readers in Go (bench/readers): the same reads as the Node readers of
 * nodeClientProcess.ts, by a client whose own CPU and pauses do not set the figure. Built with
 * the Go toolchain kubeplane needs; `go build` reuses its cache, so a rebuild takes a second.
 */
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Stats } from './timing';

const SOURCE = join(__dirname, 'readers');
let built: string | undefined;

function readersBinary(): string {
  if (!built) {
    const binary = join(tmpdir(), 'kamaji-bench-readers');
    execFileSync('go', ['build', '-o', binary, '.'], {
      cwd: SOURCE,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    built = binary;
  }
  return built;
}

export interface GoReadersRequest {
  url: string;
  token?: string;
  readers: number;
  perReader: number;
}

/** `readers` Go clients read `url` `perReader` times each (after one untimed round), to the last byte. */
export function goReaders(request: GoReadersRequest): Stats {
  const output = execFileSync(
    readersBinary(),
    [
      '-url',
      request.url,
      '-readers',
      String(request.readers),
      '-per-reader',
      String(request.perReader),
    ],
    {
      env: { ...process.env, READERS_TOKEN: request.token ?? '' },
      stdio: ['ignore', 'pipe', 'inherit'],
      encoding: 'utf8',
    },
  );
  return JSON.parse(output);
}
