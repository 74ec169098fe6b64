import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http2 from 'node:http2';
import https from 'node:https';
import net, { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeApiError } from './errors';
import { KubeClient } from './KubeClient';

jest.setTimeout(60_000);

const TOKEN = 'secret-token-h2';

/** A self-signed serving certificate for 127.0.0.1 (openssl, as on every Debian machine). */
function selfSigned(): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'kube-h2-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    return {
      key: readFileSync(join(dir, 'key.pem')),
      cert: readFileSync(join(dir, 'cert.pem')),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const tls = selfSigned();

function clientFor(port: number): KubeClient {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: 'c',
        server: `https://127.0.0.1:${port}`,
        caData: tls.cert.toString('base64'),
      },
    ],
    users: [{ name: 'u', token: TOKEN }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return new KubeClient(kc);
}

interface Seen {
  path?: string;
  version: string;
  auth?: string;
}

/** Answers JSON; `/watch` answers one event line and stays open. */
function handler(seen: Seen[]) {
  return (req: http2.Http2ServerRequest | any, res: any) => {
    seen.push({
      path: req.url,
      version: req.httpVersion,
      auth: req.headers.authorization,
    });
    res.writeHead(200, { 'content-type': 'application/json' });
    if (String(req.url).startsWith('/watch')) {
      res.write('{"type":"ADDED","object":{"metadata":{"name":"a"}}}\n');
      return;
    }
    res.end('{"kind":"APIVersions"}');
  };
}

async function listen(
  server: net.Server,
): Promise<{ port: number; connections: () => number }> {
  let connections = 0;
  server.on('secureConnection', () => connections++);
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => connections,
  };
}

/** A TCP relay that can go dark: it keeps the connections but stops passing bytes. */
async function relay(target: number) {
  const state = { dark: false };
  const sockets = new Set<net.Socket>();
  const pass = (from: net.Socket, to: net.Socket) => {
    sockets.add(from);
    from.on('data', chunk => {
      if (!state.dark) to.write(chunk);
    });
    from.on('close', () => to.destroy());
    from.on('error', () => to.destroy());
  };
  const server = net.createServer(inbound => {
    const outbound = net.connect(target, '127.0.0.1');
    pass(inbound, outbound);
    pass(outbound, inbound);
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    setDark: (value: boolean) => {
      state.dark = value;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise(r => server.close(r));
    },
  };
}

/** A watch of `/watch`: its lines, when it opened, and how it ended. */
function watch(client: KubeClient, signal: AbortSignal) {
  const lines: string[] = [];
  let markOpen: () => void = () => {};
  const opened = new Promise<void>(resolve => (markOpen = resolve));
  const ended = client.stream('/watch', line => lines.push(line), {
    signal,
    onOpen: () => markOpen(),
  });
  ended.catch(() => {}); // the tests that end a watch await it themselves
  return { lines, opened, ended };
}

describe('KubeClient over HTTPS', () => {
  const closers: Array<() => unknown> = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  it('speaks HTTP/2 to a server that offers it: watches and requests share one connection', async () => {
    const seen: Seen[] = [];
    const server = http2.createSecureServer(
      { ...tls, allowHTTP1: true },
      handler(seen),
    );
    const { port, connections } = await listen(server);
    const client = clientFor(port);
    const stop = new AbortController();
    closers.push(
      () => stop.abort(),
      () => client.close(),
      () => new Promise(r => server.close(r)),
    );

    const first = watch(client, stop.signal);
    const second = watch(client, stop.signal);
    await Promise.all([first.opened, second.opened]);
    expect(await client.getJson('/api')).toEqual({ kind: 'APIVersions' });
    await new Promise(r => setTimeout(r, 50));
    expect(first.lines).toHaveLength(1);
    expect(second.lines).toHaveLength(1);

    expect(connections()).toBe(1);
    expect(seen).toHaveLength(3);
    for (const s of seen) {
      expect(s).toMatchObject({ version: '2.0', auth: `Bearer ${TOKEN}` });
    }
    stop.abort();
    await expect(first.ended).rejects.toMatchObject({ kind: 'aborted' });
  });

  it('speaks HTTP/1.1 to a TLS server that does not offer HTTP/2', async () => {
    const seen: Seen[] = [];
    const server = https.createServer(tls, handler(seen));
    const { port } = await listen(server);
    const client = clientFor(port);
    closers.push(
      () => client.close(),
      () => new Promise(r => server.close(r)),
    );

    expect(await client.getJson('/api')).toEqual({ kind: 'APIVersions' });
    expect(await client.getJson('/apis')).toEqual({ kind: 'APIVersions' });
    expect(seen.map(s => s.version)).toEqual(['1.1', '1.1']);
  });

  it('drops a connection that stops answering PINGs after a timeout: its watches fail and the next request connects anew', async () => {
    const seen: Seen[] = [];
    const server = http2.createSecureServer({ ...tls }, handler(seen));
    const { port, connections } = await listen(server);
    const link = await relay(port);
    const client = clientFor(link.port);
    const stop = new AbortController();
    closers.push(
      () => stop.abort(),
      () => client.close(),
      () => link.close(),
      () => new Promise(r => server.close(r)),
    );

    const watching = watch(client, stop.signal);
    await watching.opened;
    link.setDark(true);
    const timedOut = await client
      .getJson('/api', { timeoutMs: 300 })
      .catch(e => e);
    expect(timedOut).toBeInstanceOf(KubeApiError);
    expect(timedOut.kind).toBe('timeout');

    // The PING goes unanswered: the watch fails as a network error, not as the caller's abort.
    const failed = await watching.ended.catch(e => e);
    expect(failed).toBeInstanceOf(KubeApiError);
    expect(failed.kind).toBe('network');
    expect(failed.message).not.toContain(TOKEN);

    link.setDark(false);
    expect(await client.getJson('/api')).toEqual({ kind: 'APIVersions' });
    expect(connections()).toBe(2);
  });
});
