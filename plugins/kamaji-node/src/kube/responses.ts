import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { KubeApiError } from './errors';

/** The error for a non-2xx answer: its Status (when the body is one) or the HTTP reason phrase. */
export function httpError(what: string, statusCode: number, body: string) {
  let status: unknown;
  try {
    status = JSON.parse(body);
  } catch {
    // not a Status document: the HTTP reason phrase is used
  }
  return KubeApiError.fromStatus(what, statusCode, status);
}

/**
 * The body as it was before `Content-Encoding: gzip`: the API server compresses large answers
 * (lists of 128 KiB and more) for a client that accepts it, as client-go does. A broken or
 * cut answer fails the decoded stream too.
 */
export function decoded(body: Readable, encoding: unknown): Readable {
  if (encoding !== 'gzip') return body;
  const gunzip = createGunzip();
  pipeline(body, gunzip, () => {
    // An error reaches the reader through the destroyed gunzip stream.
  });
  return gunzip;
}

/** The whole body of a response (a broken connection fails). */
export function collect(
  res: Readable,
  fail: (e: unknown) => void,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let ended = false;
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('aborted', () => fail(new Error('aborted')));
    res.on('error', reject);
    res.on('end', () => {
      ended = true;
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    res.on('close', () => {
      if (!ended) fail(new Error('aborted'));
    });
  });
}

/** Feeds each non-empty line of a watch response to `onLine` until the stream ends or breaks. */
export function readLines(
  res: Readable,
  what: string,
  onLine: (line: string) => void,
  done: {
    succeed: (v: void) => void;
    fail: (e: unknown) => void;
    failAsIs: (e: unknown) => void;
    readonly settled: boolean;
  },
) {
  const broken = () =>
    done.fail(new KubeApiError('network', `${what}: ECONNRESET`));
  const deliver = (line: string): boolean => {
    if (!line.trim()) return true;
    try {
      onLine(line);
      return true;
    } catch (e) {
      done.failAsIs(e);
      return false;
    }
  };
  res.setEncoding('utf8');
  let buffer = '';
  res.on('data', (chunk: string) => {
    buffer += chunk;
    let nl = buffer.indexOf('\n');
    while (nl >= 0 && !done.settled) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (!deliver(line)) return;
      nl = buffer.indexOf('\n');
    }
  });
  res.on('aborted', broken);
  res.on('error', e => done.fail(e));
  let ended = false;
  res.on('end', () => {
    ended = true;
    if (!done.settled && deliver(buffer)) done.succeed();
  });
  res.on('close', () => {
    if (!ended) broken();
  });
}
