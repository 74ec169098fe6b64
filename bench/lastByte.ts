/*
 * Reads as an HTTP load tool makes them: one GET with gzip on the wire, not decoded (no imports
 * beyond node:http, so a client process loads it alone).
 */
import { Agent as HttpAgent, IncomingMessage, get as httpGet } from 'node:http';

/** One GET that accepts gzip; `onChunk` sees the body as sent; resolves once it is read (200 only). */
export function gzipGet(
  url: string,
  token: string | undefined,
  agent: HttpAgent,
  onChunk: (chunk: Buffer) => void,
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    httpGet(
      url,
      {
        agent,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          'accept-encoding': 'gzip',
        },
      },
      res => {
        res.on('data', onChunk);
        res.on('end', () =>
          res.statusCode === 200
            ? resolve(res)
            : reject(new Error(`status ${res.statusCode}`)),
        );
        res.on('error', reject);
      },
    ).on('error', reject);
  });
}

/** A probe: one GET on `agent`, timed to its last byte; resolves with the bytes read. */
export const lastByteProbe =
  (url: string, token: string | undefined, agent: HttpAgent) => async () => {
    let bytes = 0;
    await gzipGet(url, token, agent, chunk => (bytes += chunk.length));
    return bytes;
  };
