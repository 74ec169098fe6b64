import http from 'node:http';
import { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeApiError } from './errors';
import { KubeClient } from './KubeClient';

const TOKEN = 'secret-token-abc123';

/** An HTTP peer on loopback whose answers each test sets: the transport under test is ours. */
function peer(handler: http.RequestListener) {
  const server = http.createServer(handler);
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', s => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  let connections = 0;
  server.on('connection', () => connections++);
  return {
    connections: () => connections,
    async start(): Promise<KubeClient> {
      await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
      const { port } = server.address() as AddressInfo;
      const kc = new KubeConfig();
      kc.loadFromOptions({
        clusters: [
          {
            name: 'c',
            server: `http://127.0.0.1:${port}`,
            skipTLSVerify: true,
          },
        ],
        users: [{ name: 'u', token: TOKEN }],
        contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
        currentContext: 'x',
      });
      return new KubeClient(kc);
    },
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise(r => server.close(r));
    },
  };
}

function body(req: http.IncomingMessage): Promise<string> {
  return new Promise(resolve => {
    let text = '';
    req.on('data', c => (text += c));
    req.on('end', () => resolve(text));
  });
}

describe('KubeClient', () => {
  let stop: () => Promise<void>;
  let connections: () => number;
  afterEach(() => stop?.());

  async function serve(handler: http.RequestListener) {
    const p = peer(handler);
    stop = p.stop;
    connections = p.connections;
    return p.start();
  }

  it('sends the credentials of the KubeConfig, the query, the body and its patch type', async () => {
    const seen: any[] = [];
    const client = await serve(async (req, res) => {
      seen.push({
        method: req.method,
        url: req.url,
        auth: req.headers.authorization,
        type: req.headers['content-type'],
        body: await body(req),
      });
      res.setHeader('Content-Type', 'application/json');
      res.end('{"kind":"ConfigMap"}');
    });
    const answer = await client.request(
      'PATCH',
      '/api/v1/namespaces/a/configmaps/b',
      {
        query: { fieldManager: 'm', dryRun: 'All', force: undefined },
        body: [{ op: 'add', path: '/data', value: {} }],
        contentType: 'application/json-patch+json',
      },
    );
    expect(answer).toEqual({ kind: 'ConfigMap' });
    expect(seen).toEqual([
      {
        method: 'PATCH',
        url: '/api/v1/namespaces/a/configmaps/b?fieldManager=m&dryRun=All',
        auth: `Bearer ${TOKEN}`,
        type: 'application/json-patch+json',
        body: '[{"op":"add","path":"/data","value":{}}]',
      },
    ]);
  });

  it('keeps the status code, reason, message and causes of a Status, and never quotes credentials or the query', async () => {
    const invalid = 'MachineDeployment.cluster.x-k8s.io "a" is invalid';
    const cause = {
      reason: 'FieldValueInvalid',
      field: 'spec.replicas',
      message: 'Invalid value: -5',
    };
    const client = await serve((_req, res) => {
      res.statusCode = 422;
      res.end(
        JSON.stringify({
          kind: 'Status',
          reason: 'Invalid',
          message: invalid,
          details: { causes: [cause] },
        }),
      );
    });
    const e: KubeApiError = await client
      .request(
        'PATCH',
        `/apis/cluster.x-k8s.io/v1beta2/machinedeployments/a?token=${TOKEN}`,
      )
      .catch(x => x);
    expect(e).toBeInstanceOf(KubeApiError);
    expect(e).toMatchObject({
      kind: 'http',
      statusCode: 422,
      reason: 'Invalid',
      statusMessage: invalid,
    });
    expect(e.causes).toEqual([cause]);
    expect(e.message).toBe(
      `PATCH /apis/cluster.x-k8s.io/v1beta2/machinedeployments/a: HTTP 422 ${invalid}`,
    );
    expect(JSON.stringify({ ...e, message: e.message })).not.toContain(TOKEN);
  });

  it('fails with a timeout when a server does not answer in time, and can be cancelled', async () => {
    const client = await serve(() => {
      // never answers
    });
    const slow: KubeApiError = await client
      .getJson('/apis/x/v1', { timeoutMs: 200 })
      .catch(x => x);
    expect(slow.kind).toBe('timeout');
    expect(slow.reachable).toBe(false);
    expect(slow.message).toBe('GET /apis/x/v1: no answer within 200 ms');
    const controller = new AbortController();
    const pending = client.getJson('/apis/x/v1', { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toMatchObject({ kind: 'aborted' });
  });

  it('reads an answer that arrived while the event loop was busy before the timeout counts', async () => {
    // The peer answers, then keeps the (shared) event loop busy past the client's timeout: the
    // answer waits in the socket while the timer is due. A busy backend is not a lost island.
    const client = await serve((_req, res) => {
      res.setHeader('Content-Type', 'application/json');
      res.end('{"kind":"Status","status":"Success"}');
      const until = Date.now() + 300;
      while (Date.now() < until) {
        // busy
      }
    });
    await expect(
      client.getJson('/readyz', { timeoutMs: 100 }),
    ).resolves.toEqual({ kind: 'Status', status: 'Success' });
  });

  it('keeps a watch whose answer arrived while the event loop was busy past its connect timeout', async () => {
    const client = await serve((_req, res) => {
      res.writeHead(200);
      res.write('{"type":"ADDED","object":{"n":1}}\n');
      const until = Date.now() + 300;
      while (Date.now() < until) {
        // busy
      }
      setTimeout(
        () => res.write('{"type":"MODIFIED","object":{"n":2}}\n'),
        200,
      );
    });
    const controller = new AbortController();
    const lines: string[] = [];
    const done = client.stream(
      '/api/v1/configmaps?watch=1',
      line => {
        lines.push(line);
        if (lines.length === 2) controller.abort();
      },
      { signal: controller.signal, connectTimeoutMs: 100 },
    );
    await expect(done).rejects.toMatchObject({ kind: 'aborted' });
    expect(lines.map(l => JSON.parse(l).type)).toEqual(['ADDED', 'MODIFIED']);
  });

  it('asks for compressed answers of requests (not of watches) and reads them decompressed', async () => {
    const list = {
      kind: 'ConfigMapList',
      items: Array.from({ length: 500 }, (_, i) => ({ name: `cm-${i}` })),
    };
    const asked: Array<string | undefined> = [];
    const client = await serve((req, res) => {
      asked.push(req.headers['accept-encoding']);
      res.setHeader('Content-Type', 'application/json');
      if (req.url?.includes('watch=1')) {
        res.end('{"type":"ADDED","object":{}}\n');
      } else if (req.headers['accept-encoding'] === 'gzip') {
        res.setHeader('Content-Encoding', 'gzip');
        res.end(gzipSync(JSON.stringify(list)));
      } else res.end(JSON.stringify(list));
    });
    expect(await client.getJson('/api/v1/configmaps')).toEqual(list);
    const lines: string[] = [];
    await client.stream('/api/v1/configmaps?watch=1', line => lines.push(line));
    expect(lines).toHaveLength(1);
    expect(asked).toEqual(['gzip', undefined]);
  });

  it('fails a compressed answer cut short as a broken connection', async () => {
    const whole = gzipSync(JSON.stringify({ items: Array(2000).fill('x') }));
    const client = await serve((_req, res) => {
      res.writeHead(200, {
        'Content-Type': 'application/json',
        'Content-Encoding': 'gzip',
        'Content-Length': whole.length,
      });
      res.write(whole.subarray(0, whole.length / 2));
      setTimeout(() => res.destroy(), 20);
    });
    const failed = await client.getJson('/api/v1/configmaps').catch(e => e);
    expect(failed).toBeInstanceOf(KubeApiError);
    expect(failed.kind).toBe('network');
  });

  it('reuses one keep-alive connection for requests with the same credentials', async () => {
    const client = await serve((_req, res) => res.end('{}'));
    await client.getJson('/version');
    await client.getJson('/version');
    await client.probe('/readyz');
    expect(connections()).toBe(1);
    client.close();
  });

  it('names refused connections by code', async () => {
    const client = await serve(() => {});
    await stop();
    const e: KubeApiError = await client.probe('/readyz').catch(x => x);
    expect(e.kind).toBe('network');
    expect(e.message).toBe('GET /readyz: ECONNREFUSED');
  });

  it('streams a watch line by line across chunks, until cancelled', async () => {
    const client = await serve((_req, res) => {
      res.writeHead(200);
      res.write('{"type":"ADDED","object":{"n":1}}\n{"type":"MOD');
      setTimeout(() => res.write('IFIED","object":{"n":2}}\n'), 20);
    });
    const controller = new AbortController();
    const lines: string[] = [];
    let opened = false;
    const done = client.stream(
      '/api/v1/configmaps?watch=1',
      line => {
        lines.push(line);
        if (lines.length === 2) controller.abort();
      },
      { signal: controller.signal, onOpen: () => (opened = true) },
    );
    await expect(done).rejects.toMatchObject({ kind: 'aborted' });
    expect(opened).toBe(true);
    expect(lines.map(l => JSON.parse(l).type)).toEqual(['ADDED', 'MODIFIED']);
  });

  it('passes the consumer’s own error on unchanged, and fails a watch the server refuses with its status', async () => {
    const client = await serve((req, res) => {
      if (req.url?.includes('gone')) {
        res.statusCode = 410;
        res.end(
          '{"kind":"Status","reason":"Expired","message":"too old resource version"}',
        );
        return;
      }
      res.writeHead(200);
      res.write('{"type":"ADDED"}\n');
    });
    const mine = new Error('relist');
    await expect(
      client.stream('/w', () => {
        throw mine;
      }),
    ).rejects.toBe(mine);
    await expect(client.stream('/gone', () => {})).rejects.toMatchObject({
      kind: 'http',
      statusCode: 410,
      reason: 'Expired',
    });
  });
});
