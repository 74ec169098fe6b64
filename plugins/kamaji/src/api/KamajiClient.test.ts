import { http, HttpResponse } from 'msw';
import { ResponseError } from '@backstage/errors';
import { KamajiClient, describeError } from './KamajiClient';
import { SseParser, type SseFrame } from './sse';
import type { FleetResponse, LiveStatus } from './types';
import { delta, sampleFleet, sse, tenant } from '../__fixtures__/fleet';
import {
  BASE,
  setupKamajiServer,
  snapshotResponse,
} from '../__testUtils__/http';

const server = setupKamajiServer();

function client() {
  return new KamajiClient({
    discoveryApi: { getBaseUrl: async () => BASE },
    fetchApi: {
      fetch: (input: any, init?: RequestInit) => {
        const headers = new Headers(init?.headers);
        headers.set('Authorization', 'Bearer user-token');
        return fetch(input, { ...init, headers });
      },
    },
    backoff: { initialDelayMs: 5, maxDelayMs: 20 },
  });
}

/** A stream that sends `text` and stays open until the client goes away. */
function openStream(text: string, close = false) {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(text));
      if (close) controller.close();
    },
  });
}

function eventStream(text: string, close = false) {
  return new HttpResponse(openStream(text, close), {
    headers: { 'Content-Type': 'text/event-stream' },
  });
}

function backstageError(status: number, name: string, message: string) {
  return HttpResponse.json(
    {
      error: { name, message },
      request: { method: 'GET', url: '/' },
      response: { statusCode: status },
    },
    { status },
  );
}

describe('KamajiClient REST', () => {
  it('fetches the fleet with filters as query parameters and sends the token', async () => {
    let seen: URL | undefined;
    let auth: string | null = null;
    server.use(
      http.get(`${BASE}/v1/fleet`, ({ request }) => {
        seen = new URL(request.url);
        auth = request.headers.get('authorization');
        return HttpResponse.json(sampleFleet());
      }),
    );
    const res = await client().getFleet({
      managementCluster: 'cloud',
      island: 'cloud/islands/factory-a',
      health: ['unhealthy', 'unknown'],
      q: 'line',
      limit: 50,
      offset: 100,
    });
    expect(res.version).toBe(7);
    expect(res.islands).toHaveLength(2);
    expect(auth).toBe('Bearer user-token');
    expect(seen!.searchParams.get('managementCluster')).toBe('cloud');
    expect(seen!.searchParams.get('island')).toBe('cloud/islands/factory-a');
    expect(seen!.searchParams.getAll('health')).toEqual([
      'unhealthy',
      'unknown',
    ]);
    expect(seen!.searchParams.get('q')).toBe('line');
    expect(seen!.searchParams.get('limit')).toBe('50');
    expect(seen!.searchParams.get('offset')).toBe('100');
  });

  it('maps error responses to ResponseError with the status and the backend message', async () => {
    server.use(
      http.get(`${BASE}/v1/fleet`, () =>
        backstageError(403, 'NotAllowedError', 'kamaji.cluster.read denied'),
      ),
      http.get(`${BASE}/v1/clusters/by-id`, () =>
        backstageError(404, 'NotFoundError', 'no cluster cloud/x/y'),
      ),
    );
    const err = await client()
      .getFleet()
      .catch(e => e);
    expect(err).toBeInstanceOf(ResponseError);
    expect(err.statusCode).toBe(403);
    expect(err.cause.message).toMatch(/kamaji.cluster.read denied/);
    expect(describeError(err)).toBe('kamaji.cluster.read denied (403)');
    const notFound = await client()
      .getClusterById('cloud/x/y')
      .catch(e => e);
    expect(notFound.statusCode).toBe(404);
  });

  it('gets a cluster by id, url-encoded, and an island by id', async () => {
    let id: string | null = null;
    server.use(
      http.get(`${BASE}/v1/clusters/by-id`, ({ request }) => {
        id = new URL(request.url).searchParams.get('id');
        return HttpResponse.json(sampleFleet().tenants[0]);
      }),
      http.get(`${BASE}/v1/islands/cloud/islands/factory-a`, () =>
        HttpResponse.json({ island: sampleFleet().islands[0], tenants: [] }),
      ),
    );
    const c = await client().getClusterById('cloud/tenants/line-1');
    expect(id).toBe('cloud/tenants/line-1');
    expect(c.role).toBe('tenant');
    const i = await client().getIsland('cloud/islands/factory-a');
    expect(i.island.name).toBe('factory-a');
    await expect(client().getIsland('not an id')).rejects.toThrow(/island id/);
  });

  it('reads the whole fleet at one version in one request, with the filters', async () => {
    const all = Array.from({ length: 2500 }, (_, i) =>
      tenant(`t-${String(i).padStart(5, '0')}`),
    );
    const seen: URL[] = [];
    server.use(
      http.get(`${BASE}/v1/fleet/snapshot`, ({ request }) => {
        seen.push(new URL(request.url));
        return snapshotResponse({
          ...sampleFleet(),
          tenants: all,
          page: { total: all.length, offset: 0, limit: all.length },
        });
      }),
    );
    const res = await client().getFullFleet({
      query: { owner: 'team-a', health: ['healthy'] },
    });
    expect(seen).toHaveLength(1);
    expect(seen[0].searchParams.get('owner')).toBe('team-a');
    expect(seen[0].searchParams.getAll('health')).toEqual(['healthy']);
    expect(seen[0].searchParams.has('limit')).toBe(false);
    expect(res.tenants).toHaveLength(2500);
    expect(res.page.total).toBe(2500);
  });
});

describe('SseParser', () => {
  it('parses frames split anywhere, with CRLF, comments, multi-line data and ids', () => {
    const frames: SseFrame[] = [];
    const p = new SseParser(f => frames.push(f));
    const text =
      ': heartbeat\r\n\r\nid: 8\r\nevent: delta\r\ndata: {"a":\r\ndata: 1}\r\n\r\n' +
      'data:plain\n\nevent: resync\ndata: {"version":9}\n\nevent: delta\ndata: cut';
    for (let i = 0; i < text.length; i += 3) p.push(text.slice(i, i + 3));
    p.end();
    expect(frames).toEqual([
      { event: 'delta', data: '{"a":\n1}', id: '8', retry: undefined },
      { event: 'message', data: 'plain', id: '8', retry: undefined },
      { event: 'resync', data: '{"version":9}', id: '8', retry: undefined },
    ]);
    expect(p.lastEventId).toBe('8');
  });
});

describe('KamajiClient live updates', () => {
  function watch(c: KamajiClient) {
    const snapshots: FleetResponse[] = [];
    const statuses: LiveStatus[] = [];
    const errors: Array<{ error: Error; fatal: boolean }> = [];
    const stop = c.watchFleet({
      next: s => snapshots.push(s),
      status: s => statuses.push(s),
      error: (error, fatal) => errors.push({ error, fatal }),
    });
    return { snapshots, statuses, errors, stop };
  }

  it('applies deltas from the stream opened at the snapshot version (Last-Event-ID)', async () => {
    const changed = {
      ...sampleFleet().tenants.find(t => t.name === 'line-1')!,
      health: { status: 'degraded' as const, reasons: ['a worker is down'] },
    };
    let since: string | null = null;
    let epoch: string | null = null;
    let auth: string | null = null;
    server.use(
      http.get(`${BASE}/v1/fleet/snapshot`, () =>
        snapshotResponse(sampleFleet(7)),
      ),
      http.get(`${BASE}/v1/events`, ({ request }) => {
        since = request.headers.get('last-event-id');
        epoch = new URL(request.url).searchParams.get('epoch');
        auth = request.headers.get('authorization');
        return eventStream(
          `: heartbeat\n\n${sse([
            { event: 'delta', id: 7, data: delta(6) }, // already in the snapshot: ignored
            { event: 'delta', id: 8, data: delta(7, { upserted: [changed] }) },
            {
              event: 'delta',
              id: 9,
              data: delta(8, { removed: ['cloud/tenants/ci-runner'] }),
            },
          ])}`,
        );
      }),
    );
    const w = watch(client());
    await waitFor(() => w.snapshots.length === 3);
    w.stop();
    expect(since).toBe('7');
    expect(epoch).toBe('e1');
    expect(auth).toBe('Bearer user-token');
    expect(w.snapshots.map(s => s.version)).toEqual([7, 8, 9]);
    const last = w.snapshots[2];
    expect(last.tenants.find(t => t.id === changed.id)!.health.status).toBe(
      'degraded',
    );
    expect(
      last.tenants.find(t => t.id === 'cloud/tenants/ci-runner'),
    ).toBeUndefined();
    expect(w.statuses).toEqual(['connecting', 'live']);
    expect(w.errors).toEqual([]);
  });

  it('re-fetches the snapshot on resync and on a version gap, then follows from the new version', async () => {
    const sinces: Array<string | null> = [];
    let fleetCalls = 0;
    server.use(
      http.get(`${BASE}/v1/fleet/snapshot`, () => {
        fleetCalls++;
        return snapshotResponse(sampleFleet([7, 20][fleetCalls - 1] ?? 30));
      }),
      http.get(`${BASE}/v1/events`, ({ request }) => {
        const since = request.headers.get('last-event-id');
        sinces.push(since);
        if (since === '7') {
          return eventStream(
            sse([
              {
                event: 'resync',
                data: {
                  version: 20,
                  generatedAt: 'x',
                  epoch: 'e1',
                  reason: 'slow client',
                },
              },
            ]),
          );
        }
        if (since === '20') {
          // 21→22 arrives without 20→21: a missed delta
          return eventStream(sse([{ event: 'delta', data: delta(21) }]));
        }
        return eventStream(': heartbeat\n\n');
      }),
    );
    const w = watch(client());
    await waitFor(() => sinces.length === 3);
    w.stop();
    expect(sinces).toEqual(['7', '20', '30']);
    expect(w.snapshots.map(s => s.version)).toEqual([7, 20, 30]);
    expect(w.errors).toEqual([]);
  });

  it('reconnects with backoff after the backend goes away, from the version it had', async () => {
    const sinces: Array<string | null> = [];
    let calls = 0;
    server.use(
      http.get(`${BASE}/v1/fleet/snapshot`, () =>
        snapshotResponse(sampleFleet(7)),
      ),
      http.get(`${BASE}/v1/events`, ({ request }) => {
        calls++;
        sinces.push(request.headers.get('last-event-id'));
        if (calls === 1)
          return eventStream(sse([{ event: 'delta', data: delta(7) }]), true);
        if (calls === 2)
          return backstageError(503, 'ServiceUnavailableError', 'restarting');
        return eventStream(sse([{ event: 'delta', data: delta(8) }]));
      }),
    );
    const w = watch(client());
    await waitFor(() => w.snapshots.length === 3);
    w.stop();
    // stream 1 ended normally → reconnect at once from 8; 503 → backoff → reconnect from 8
    expect(sinces).toEqual(['7', '8', '8']);
    expect(w.snapshots.map(s => s.version)).toEqual([7, 8, 9]);
    expect(w.statuses).toEqual(['connecting', 'live', 'reconnecting', 'live']);
    expect(w.errors.map(e => e.fatal)).toEqual([false]);
  });

  it('stops with a fatal error when the caller may not read the fleet', async () => {
    server.use(
      http.get(`${BASE}/v1/fleet/snapshot`, () =>
        backstageError(403, 'NotAllowedError', 'denied'),
      ),
    );
    const w = watch(client());
    await waitFor(() => w.errors.length === 1);
    await new Promise(r => setTimeout(r, 50));
    w.stop();
    expect(w.errors).toHaveLength(1);
    expect(w.errors[0].fatal).toBe(true);
    expect((w.errors[0].error as ResponseError).statusCode).toBe(403);
    expect(w.snapshots).toEqual([]);
  });
});

async function waitFor(cond: () => boolean, timeoutMs = 4000) {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise(r => setTimeout(r, 5));
  }
}
