import { once } from 'node:events';
import { createServer, get, IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { sendStream } from './sendStream';

/** A body far larger than the socket buffers, produced as it is read. */
function* largeBody() {
  for (let i = 0; i < 2000; i++) yield Buffer.alloc(64 * 1024, 'x');
}

/** Serves one request with `body`; the client's request is returned, its handling awaited by `handled`. */
async function serveOnce(body: () => Readable) {
  let handled!: Promise<void>;
  const server = createServer((_req, res) => {
    handled = sendStream(res, body());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const req = get(`http://127.0.0.1:${port}/`);
  return { server, req, handled: () => handled };
}

describe('sendStream', () => {
  it('ends quietly when the client leaves before the end of the body', async () => {
    const { server, req, handled } = await serveOnce(() =>
      Readable.from(largeBody()),
    );
    const [res] = (await once(req, 'response')) as [IncomingMessage];
    res.destroy();
    await expect(handled()).resolves.toBeUndefined();
    server.close();
  });

  it('passes on an error of the body itself', async () => {
    const failing = () =>
      new Readable({
        read() {
          this.destroy(new Error('zlib: invalid block type'));
        },
      });
    const { server, req, handled } = await serveOnce(failing);
    req.on('error', () => {}); // the server cuts the connection: no body follows
    await once(server, 'request');
    await expect(handled()).rejects.toThrow('invalid block type');
    server.close();
  });
});
