import net from 'node:net';
import type { KubeConfig } from '@kubernetes/client-node';

/**
 * A TCP relay on loopback in front of a server (an API server, a test server): it counts the
 * bytes it passes and plays a network partition, which TCP does not notice by itself.
 */
export interface TcpRelay {
  /** Bytes passed from the client to the server (`up`) and back (`down`); writable, to start over. */
  readonly bytes: { up: number; down: number };
  /** The relay's address as a server URL (`https://127.0.0.1:<port>`). */
  readonly url: string;
  /** `kc` with its clusters' server pointed at the relay. */
  through(kc: KubeConfig): KubeConfig;
  /**
   * A network partition: open connections are cut (or, with `keepOpen`, stay open and go dark, as
   * when an uplink drops silently); new ones are accepted but dark (no byte passes either way, as
   * over a link TCP does not know is gone) until `heal()`.
   */
  partition(options?: { keepOpen?: boolean }): void;
  /** Ends a partition: the dark connections are cut, so clients connect anew. */
  heal(): void;
  close(): Promise<void>;
}

/** Starts a relay to `server` (a URL; only its host and port are used) on a free loopback port. */
export async function startTcpRelay(server: string): Promise<TcpRelay> {
  const target = new URL(server);
  const bytes = { up: 0, down: 0 };
  const sockets = new Set<net.Socket>();
  let dark = false;
  const pass = (from: net.Socket, to: net.Socket, direction: 'up' | 'down') => {
    sockets.add(from);
    from.on('data', chunk => {
      if (dark) return;
      bytes[direction] += chunk.length;
      to.write(chunk);
    });
    from.on('close', () => {
      sockets.delete(from);
      to.destroy();
    });
    from.on('error', () => to.destroy());
  };
  const relay = net.createServer(client => {
    const upstream = net.connect(Number(target.port), target.hostname);
    pass(client, upstream, 'up');
    pass(upstream, client, 'down');
  });
  await new Promise<void>(r => relay.listen(0, '127.0.0.1', r));
  const { port } = relay.address() as net.AddressInfo;
  const cut = () => {
    for (const s of sockets) s.destroy();
  };
  const url = `https://127.0.0.1:${port}`;
  return {
    bytes,
    url,
    through: kc => {
      kc.clusters = kc.clusters.map(c => ({ ...c, server: url }));
      return kc;
    },
    partition: options => {
      if (!options?.keepOpen) cut();
      dark = true;
    },
    heal: () => {
      dark = false;
      cut();
    },
    close: async () => {
      cut();
      await new Promise(r => relay.close(r));
    },
  };
}
