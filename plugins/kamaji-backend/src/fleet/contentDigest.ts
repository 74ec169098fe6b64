import { createHash } from 'node:crypto';

/** A short digest of a serialised object, to tell changed content without keeping the text. */
export const contentDigest = (json: string): string =>
  createHash('sha1').update(json).digest('base64');
