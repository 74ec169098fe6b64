/* Time to last byte, as an HTTP load tool times a read (no imports beyond node:http). */
import { Agent as HttpAgent, get as httpGet } from 'node:http';

/** A probe: one GET on `agent` (gzip on the wire, not decoded); resolves with the bytes read. */
export const lastByteProbe =
  (url: string, token: string | undefined, agent: HttpAgent) => () =>
    new Promise<number>((resolve, reject) => {
      const req = httpGet(
        url,
        {
          agent,
          headers: {
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            'accept-encoding': 'gzip',
          },
        },
        res => {
          let n = 0;
          res.on('data', (chunk: Buffer) => (n += chunk.length));
          res.on('end', () =>
            res.statusCode === 200
              ? resolve(n)
              : reject(new Error(`status ${res.statusCode}`)),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
    });
