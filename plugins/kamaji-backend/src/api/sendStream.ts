import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * Streams `body` to a response; a client that goes away before the end is no error of ours (it
 * would otherwise reach the error handler, after the headers were sent, as a failed request).
 */
export async function sendStream(
  res: Writable,
  body: NodeJS.ReadableStream,
): Promise<void> {
  try {
    await pipeline(body, res);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE')
      throw e;
  }
}
