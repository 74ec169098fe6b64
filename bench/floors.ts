/*
 * A Node client in its own process, and floors measured in the same run as the figures they
 * explain: what the same bytes cost that client without our backend, and what the island
 * connections cost without the fleet model.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent as HttpAgent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTs } from '@internal/test-kube';
import { gzipGet } from './lastByte';
import type { Stats } from './timing';
import type { ConnectionFloor, FloorIsland } from './connectionFloorProcess';
import type { NodeClientRequest } from './nodeClientProcess';

async function withScratchDir<T>(
  use: (dir: string) => T | Promise<T>,
): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'kamaji-bench-'));
  try {
    return await use(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs a bench script in its own process with a JSON request file; returns its JSON result. */
function runInProcess<Result>(
  script: string,
  request: unknown,
): Promise<Result> {
  return withScratchDir(dir => {
    const requestFile = join(dir, 'request.json');
    const resultFile = join(dir, 'result.json');
    writeFileSync(requestFile, JSON.stringify(request));
    runTs(script, [requestFile, resultFile]);
    return JSON.parse(readFileSync(resultFile, 'utf8'));
  });
}

/** Times reads of a URL by Node clients in a process of their own (see nodeClientProcess.ts). */
export function nodeClientReads(request: NodeClientRequest): Promise<Stats> {
  return runInProcess('bench/nodeClientProcess.ts', request);
}

/** RSS the island connections add to a bare Node process (see connectionFloorProcess.ts). */
export function connectionFloor(
  islands: FloorIsland[],
): Promise<ConnectionFloor> {
  return runInProcess('bench/connectionFloorProcess.ts', islands);
}

/** The gzip-encoded body of a GET exactly as the server sent it. */
export async function gzippedBody(url: string, token: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const res = await gzipGet(
    url,
    token,
    new HttpAgent({ keepAlive: false }),
    chunk => chunks.push(chunk),
  );
  const encoding = res.headers['content-encoding'];
  if (encoding !== 'gzip') throw new Error(`${url}: encoding ${encoding}`);
  return Buffer.concat(chunks);
}

// A static server in its own process (as the backend is): every GET answers with the file.
const STATIC_SERVER = `
const body = require('fs').readFileSync(process.argv[1]);
const server = require('http').createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': body.length });
  res.end(body);
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

/**
 * The clients' floor: `use` reads the same gzipped JSON from a bare node:http server in a process
 * of its own (as the backend is), with the clients that read the backend's answer.
 */
export function withStaticServer<T>(
  gzipped: Buffer,
  use: (url: string) => Promise<T>,
): Promise<T> {
  return withScratchDir(async dir => {
    const file = join(dir, 'body.json.gz');
    writeFileSync(file, gzipped);
    const server = spawn(process.execPath, ['-e', STATIC_SERVER, file], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const [portLine] = await once(server.stdout!, 'data');
      return await use(`http://127.0.0.1:${String(portLine).trim()}/`);
    } finally {
      server.kill();
    }
  });
}
