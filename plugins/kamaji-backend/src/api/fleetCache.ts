import { gzipSync } from 'node:zlib';

/** One serialised page; its gzip form is made once, on the first request that accepts it. */
export class CachedPage {
  private gzipped?: Buffer;

  constructor(readonly etag: string, readonly body: string) {}

  /**
   * The body gzip-compressed. Served with `Content-Encoding: gzip`, so the compression
   * middleware leaves it alone instead of compressing megabytes again on every request.
   */
  gzip(): Buffer {
    this.gzipped ??= gzipSync(this.body, { level: 1 });
    return this.gzipped;
  }
}

/**
 * Serialised unfiltered pages of the fleet, per model version: a fleet-wide reader's
 * `GET /v1/fleet` costs a lookup and a copy, and its ETag lets the client skip even that.
 */
export class FleetPageCache {
  private version = -1;
  private readonly pages = new Map<string, CachedPage>();

  constructor(
    private readonly epoch: string,
    private readonly maxEntries = 32,
  ) {}

  etagFor(version: number, offset: number, limit: number): string {
    return `"fleet-${this.epoch}-${version}-${offset}-${limit}"`;
  }

  get(
    version: number,
    offset: number,
    limit: number,
    render: () => string,
  ): CachedPage {
    if (version !== this.version) {
      this.pages.clear();
      this.version = version;
    }
    const key = `${offset}:${limit}`;
    let page = this.pages.get(key);
    if (!page) {
      page = new CachedPage(this.etagFor(version, offset, limit), render());
      if (this.pages.size >= this.maxEntries) {
        this.pages.delete(this.pages.keys().next().value!);
      }
      this.pages.set(key, page);
    }
    return page;
  }
}

/** Whether an `If-None-Match` header names the ETag (or `*`). */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header
    .split(',')
    .map(t => t.trim().replace(/^W\//, ''))
    .some(t => t === etag || t === '*');
}
