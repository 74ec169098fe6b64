/**
 * Serialised unfiltered pages of the fleet, per model version: a fleet-wide reader's
 * `GET /v1/fleet` costs a lookup and a copy, and its ETag lets the client skip even that.
 */
export class FleetPageCache {
  private version = -1;
  private readonly pages = new Map<string, { etag: string; body: string }>();

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
  ): { etag: string; body: string } {
    if (version !== this.version) {
      this.pages.clear();
      this.version = version;
    }
    const key = `${offset}:${limit}`;
    let page = this.pages.get(key);
    if (!page) {
      page = {
        etag: this.etagFor(version, offset, limit),
        body: render(),
      };
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
