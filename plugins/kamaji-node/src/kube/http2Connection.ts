import http2 from 'node:http2';
import { isIP } from 'node:net';
import tls from 'node:tls';
import { timeoutAfterPendingIo } from './timeouts';

/** The TLS materials of a cluster, as client-node's agent options carry them. */
export type TlsMaterials = Pick<
  tls.ConnectionOptions,
  | 'ca'
  | 'cert'
  | 'key'
  | 'pfx'
  | 'passphrase'
  | 'servername'
  | 'rejectUnauthorized'
>;

/** How long a session may take to answer a PING after a request timed out, as client-go allows. */
const PING_TIMEOUT_MS = 15_000;

/** Headers HTTP/2 forbids (connection-specific in HTTP/1.1). */
const HOP_BY_HOP = new Set([
  'connection',
  'host',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
]);

function codedError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

/**
 * One HTTP/2 connection to an API server, shared by every request to it, watches included (as
 * client-go multiplexes them): one TCP and TLS connection per cluster instead of one per open
 * watch, which matters for memory at hundreds of islands and for handshakes over edge links.
 * A server that does not offer h2 in ALPN is spoken to in HTTP/1.1 from then on.
 */
export class Http2Connection {
  private session?: http2.ClientHttp2Session;
  private sessionKey?: string;
  private connecting?: Promise<http2.ClientHttp2Session | undefined>;
  /** Open streams per session (an old session's streams finish after rotated credentials). */
  private readonly openStreams = new WeakMap<
    http2.ClientHttp2Session,
    number
  >();
  private pinging = false;
  /** The server answered ALPN without h2. */
  http1Only = false;

  constructor(private readonly url: URL) {}

  /**
   * The session for these TLS materials (`key` identifies them), connecting within `timeoutMs`;
   * undefined when the server does not speak HTTP/2.
   */
  async get(
    materials: TlsMaterials,
    key: string,
    timeoutMs: number,
  ): Promise<http2.ClientHttp2Session | undefined> {
    const current = this.session;
    if (current && this.sessionKey === key && usable(current)) return current;
    if (current && this.sessionKey !== key) {
      // Rotated credentials: requests in flight finish on the old session.
      current.close();
      this.session = undefined;
    }
    if (!this.connecting) {
      this.connecting = this.connect(materials, key, timeoutMs).finally(() => {
        this.connecting = undefined;
      });
    }
    return this.connecting;
  }

  /** Opens a stream; the session keeps the process alive only while streams are open. */
  request(
    session: http2.ClientHttp2Session,
    method: string,
    path: string,
    headers: Record<string, string | number>,
  ): http2.ClientHttp2Stream {
    const h2Headers: http2.OutgoingHttpHeaders = {
      ':method': method,
      ':path': path,
    };
    for (const [name, value] of Object.entries(headers)) {
      const lower = name.toLowerCase();
      if (!HOP_BY_HOP.has(lower)) h2Headers[lower] = value;
    }
    const stream = session.request(h2Headers);
    const open = this.openStreams.get(session) ?? 0;
    if (open === 0) session.ref();
    this.openStreams.set(session, open + 1);
    stream.once('close', () => {
      const left = (this.openStreams.get(session) ?? 1) - 1;
      this.openStreams.set(session, left);
      if (left === 0 && !session.destroyed) session.unref();
    });
    return stream;
  }

  /** The open and connected session, if there is one; this does not connect. */
  current(): http2.ClientHttp2Session | undefined {
    const session = this.session;
    return session && usable(session) && !session.connecting
      ? session
      : undefined;
  }

  /**
   * A request on `session` got no answer in time: a PING tells a slow server from a dead link
   * (TCP alone does not notice a black-holed peer), allowing as long as client-go does.
   */
  check(session: http2.ClientHttp2Session): void {
    if (this.pinging) return;
    this.pinging = true;
    this.pingThen(session, PING_TIMEOUT_MS, () => {
      this.pinging = false;
    });
  }

  /**
   * Sends a PING on `session`. Without its answer within `timeoutMs` the session is destroyed, so
   * its watches fail and the next request connects anew, and the promise rejects.
   */
  ping(session: http2.ClientHttp2Session, timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) =>
      this.pingThen(session, timeoutMs, error =>
        error ? reject(error) : resolve(),
      ),
    );
  }

  /** ping() calling `done` once instead of settling a promise (no promise per PING). */
  pingThen(
    session: http2.ClientHttp2Session,
    timeoutMs: number,
    onAnswer: (error?: Error) => void,
  ): void {
    // A destroyed session may still call the PING's callback after the timeout answered.
    let answered = false;
    const done = (error?: Error) => {
      if (answered) return;
      answered = true;
      onAnswer(error);
    };
    if (!usable(session)) {
      done(codedError('ECONNRESET', 'HTTP/2 connection closed'));
      return;
    }
    const cancel = timeoutAfterPendingIo(
      timeoutMs,
      () => {
        const error = codedError(
          'ETIMEDOUT',
          `HTTP/2 PING: no answer within ${timeoutMs} ms`,
        );
        session.destroy(error);
        done(error);
      },
      { keepAlive: false },
    );
    let sent = false;
    try {
      sent = session.ping(err => {
        cancel();
        if (err) session.destroy(err);
        done(err ?? undefined);
      });
    } catch {
      // Too many PINGs outstanding, or the session went away meanwhile: not sent.
    }
    if (!sent) {
      cancel();
      done(codedError('ECONNRESET', 'HTTP/2 PING could not be sent'));
    }
  }

  close(): void {
    this.session?.destroy();
    this.session = undefined;
  }

  private async connect(
    materials: TlsMaterials,
    key: string,
    timeoutMs: number,
  ): Promise<http2.ClientHttp2Session | undefined> {
    const socket = await this.handshake(materials, timeoutMs);
    if (socket.alpnProtocol !== 'h2') {
      socket.destroy();
      this.http1Only = true;
      return undefined;
    }
    const session = http2.connect(this.url.origin, {
      createConnection: () => socket,
    });
    session.on('error', () => {
      // Its streams fail with it; the next request connects anew.
    });
    const forget = () => {
      if (this.session === session) this.session = undefined;
    };
    session.on('close', forget);
    session.on('goaway', forget);
    session.unref();
    this.session = session;
    this.sessionKey = key;
    return session;
  }

  /** TLS with ALPN h2 or http/1.1, failing with ETIMEDOUT after `timeoutMs`. */
  private handshake(
    materials: TlsMaterials,
    timeoutMs: number,
  ): Promise<tls.TLSSocket> {
    const host = this.url.hostname.replace(/^\[|\]$/g, '');
    const servername = materials.servername ?? (isIP(host) ? undefined : host);
    return new Promise((resolve, reject) => {
      const socket = tls.connect({
        ...materials,
        host,
        port: Number(this.url.port || 443),
        servername,
        ALPNProtocols: ['h2', 'http/1.1'],
      });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(codedError('ETIMEDOUT', 'TLS handshake timed out'));
      }, timeoutMs);
      const fail = (e: Error) => {
        clearTimeout(timer);
        reject(e);
      };
      socket.once('error', fail);
      socket.once('secureConnect', () => {
        clearTimeout(timer);
        socket.removeListener('error', fail);
        resolve(socket);
      });
    });
  }
}

function usable(session: http2.ClientHttp2Session): boolean {
  return !session.closed && !session.destroyed;
}
