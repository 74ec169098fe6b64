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

  /** An HTTP/2 server behind a relay that can go dark, and a client of it through the relay. */
  async function behindRelay() {
    const server = http2.createSecureServer({ ...tls }, handler([]));
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
    return { client, link, connections, stop };
  }

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

  it('speaks HTTP/1.1 to a TLS server that does not offer HTTP/2, with no connection to PING', async () => {
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
    expect(await client.ping({ timeoutMs: 1_000 })).toBe(false);
  });

  it('drops a connection that stops answering PINGs after a timeout: its watches fail and the next request connects anew', async () => {
    const { client, link, connections, stop } = await behindRelay();

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

  it('pings the open HTTP/2 connection without a request, and says when there is none to ping', async () => {
    const seen: Seen[] = [];
    const server = http2.createSecureServer({ ...tls }, handler(seen));
    let pings = 0;
    server.on('session', session => session.on('ping', () => pings++));
    const { port, connections } = await listen(server);
    const client = clientFor(port);
    closers.push(
      () => client.close(),
      () => new Promise(r => server.close(r)),
    );

    expect(await client.ping({ timeoutMs: 1_000 })).toBe(false);
    expect(connections()).toBe(0);

    expect(await client.getJson('/api')).toEqual({ kind: 'APIVersions' });
    expect(await client.ping({ timeoutMs: 1_000 })).toBe(true);
    expect(await client.ping({ timeoutMs: 1_000 })).toBe(true);
    expect(pings).toBe(2);
    expect(seen).toHaveLength(1);
    expect(connections()).toBe(1);
  });

  it('fails a PING without an answer as a timeout within its own time and drops the connection: its watches fail, the next request connects anew', async () => {
    const { client, link, connections, stop } = await behindRelay();

    const watching = watch(client, stop.signal);
    await watching.opened;
    link.setDark(true);
    const started = Date.now();
    const unanswered = await client.ping({ timeoutMs: 300 }).catch(e => e);
    expect(unanswered).toBeInstanceOf(KubeApiError);
    expect(unanswered.kind).toBe('timeout');
    expect(unanswered.message).toBe('HTTP/2 PING: no answer within 300 ms');
    // Its own timeout, not the 15 s a timed-out request's PING is allowed.
    expect(Date.now() - started).toBeLessThan(5_000);

    const failed = await watching.ended.catch(e => e);
    expect(failed).toBeInstanceOf(KubeApiError);
    expect(failed.kind).toBe('network');
    expect(await client.ping({ timeoutMs: 300 })).toBe(false);

    link.setDark(false);
    expect(await client.getJson('/api')).toEqual({ kind: 'APIVersions' });
    expect(await client.ping({ timeoutMs: 1_000 })).toBe(true);
    expect(connections()).toBe(2);
  });

  it('pingThen answers each PING once by callback: an answer, or one timeout when the link went dark', async () => {
    const { client, link, connections } = await behindRelay();
    const answers: Array<KubeApiError | undefined> = [];
    const answer = () =>
      new Promise<void>(resolve => {
        const sent = client.pingThen(300, error => {
          answers.push(error);
          resolve();
        });
        expect(sent).toBe(true);
      });

    expect(client.pingThen(300, () => answers.push(undefined))).toBe(false);
    expect(await client.getJson('/api')).toEqual({ kind: 'APIVersions' });
    await answer();
    expect(answers).toEqual([undefined]);

    link.setDark(true);
    await answer();
    // The dropped session's own failure of the PING comes after the timeout: no second answer.
    await new Promise(r => setTimeout(r, 500));
    expect(answers).toHaveLength(2);
    expect(answers[1]).toBeInstanceOf(KubeApiError);
    expect(answers[1]).toMatchObject({
      kind: 'timeout',
      message: 'HTTP/2 PING: no answer within 300 ms',
    });
    expect(client.pingThen(300, () => answers.push(undefined))).toBe(false);

    link.setDark(false);
    expect(await client.getJson('/api')).toEqual({ kind: 'APIVersions' });
    expect(connections()).toBe(2);
  });

  it('stops waiting for a PING when the caller aborts, keeping the connection', async () => {
    const { client, link, connections } = await behindRelay();

    expect(await client.getJson('/api')).toEqual({ kind: 'APIVersions' });
    link.setDark(true);
    const caller = new AbortController();
    const pinging = client
      .ping({ timeoutMs: 10_000, signal: caller.signal })
      .catch(e => e);
    caller.abort();
    const aborted = await pinging;
    expect(aborted).toBeInstanceOf(KubeApiError);
    expect(aborted.kind).toBe('aborted');
    link.setDark(false);
    expect(await client.ping({ timeoutMs: 1_000 })).toBe(true);
    expect(connections()).toBe(1);
  });
});
