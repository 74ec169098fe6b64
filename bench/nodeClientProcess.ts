/*
 * Node clients in a process of their own. The bench's own process holds the seeded fleet and
 * the bodies it has read, so its garbage collections pause a client inside it for longer than a
 * real client's would. Two kinds of reads:
 * - `json`: one client reads a JSON URL `n` times as `backend.json` does (fetch, gunzip,
 *   JSON.parse), with `expand` also making the whole-fleet snapshot's tenants whole again
 *   (`expandFleetSnapshot`, what a client needing whole tenants adds);
 * - `readers`: `readers` concurrent clients read a URL `perReader` times each, timed to the last
 *   byte (gzip on the wire, not decoded), after one untimed round that opens their connections
 *   (the bench process's readers find its code warm).
 * Run by floors.ts: `nodeClientProcess.ts REQUEST_JSON RESULT_JSON`.
 */
import { expandFleetSnapshot } from '@kamaji-backstage/plugin-kamaji-common';
import { Agent as HttpAgent } from 'node:http';
import { lastByteProbe } from './lastByte';
import { answerRequest } from './requestProcess';
import { concurrent, sequential, Stats } from './timing';

/** What the client process reads, of any URL. */
export type NodeClientReads =
  | { kind: 'json'; n: number; warmup: number; expand?: boolean }
  | { kind: 'readers'; readers: number; perReader: number };

export type NodeClientRequest = {
  url: string;
  token?: string;
} & NodeClientReads;

function jsonReads(
  request: NodeClientRequest & { kind: 'json' },
): Promise<Stats> {
  const headers: Record<string, string> = request.token
    ? { authorization: `Bearer ${request.token}` }
    : {};
  const read = async () => {
    const res = await fetch(request.url, { headers });
    if (!res.ok) throw new Error(`${request.url}: status ${res.status}`);
    const body = await res.json();
    const fleet = request.expand ? expandFleetSnapshot(body) : body;
    return fleet.tenants.length as number;
  };
  return sequential(read, request.n, request.warmup);
}

async function concurrentReaders(
  request: NodeClientRequest & { kind: 'readers' },
): Promise<Stats> {
  const agent = new HttpAgent({ keepAlive: true, maxSockets: request.readers });
  const probe = lastByteProbe(request.url, request.token, agent);
  try {
    await concurrent(probe, request.readers, 1);
    return await concurrent(probe, request.readers, request.perReader);
  } finally {
    agent.destroy();
  }
}

answerRequest('node client', (request: NodeClientRequest) =>
  request.kind === 'json' ? jsonReads(request) : concurrentReaders(request),
);
