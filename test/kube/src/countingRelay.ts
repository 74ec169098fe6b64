import net from 'node:net';
import type { KubeConfig } from '@kubernetes/client-node';

/** A TCP relay in front of an API server, counting the bytes it passes each way. */
export interface CountingRelay {
  /** Bytes from the client to the server (`up`) and back (`down`); writable, to start over. */
  readonly bytes: { up: number; down: number };
  /** `kc` with its clusters' server pointed at the relay. */
  through(kc: KubeConfig): KubeConfig;
  close(): void;
}

/** Starts a counting relay to `server` (an API server URL) on a free loopback port. */
export async function startCountingRelay(
  server: string,
): Promise<CountingRelay> {
  const target = new URL(server);
  const bytes = { up: 0, down: 0 };
  const sockets = new Set<net.Socket>();
  const relay = net.createServer(client => {
    const upstream = net.connect(Number(target.port), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => s.destroy());
    }
    client.on('data', chunk => (bytes.up += chunk.length));
    upstream.on('data', chunk => (bytes.down += chunk.length));
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>(r => relay.listen(0, '127.0.0.1', r));
  const { port } = relay.address() as net.AddressInfo;
  return {
    bytes,
    through: kc => {
      kc.clusters = kc.clusters.map(c => ({
        ...c,
        server: `https://127.0.0.1:${port}`,
      }));
      return kc;
    },
    close: () => {
      for (const s of sockets) s.destroy();
      relay.close();
    },
  };
}
