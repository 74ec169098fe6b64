import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import type { FleetSnapshot } from '@kamaji-backstage/plugin-kamaji-common';

/** Compressed once per version off the event loop: a better ratio is worth the extra CPU. */
const GZIP_LEVEL = 6;
/** JSON handed to zlib at a time (the per-node pieces are ~1 kB). */
const GZIP_BATCH_CHARS = 64 * 1024;

/** A response body: one string, or pieces produced as they are read (never all held). */
export type PageBody = string | Iterable<string>;

/** Gzips the body piece by piece in the thread pool; only the compressed form is collected. */
async function gzipBody(body: PageBody): Promise<Buffer> {
  const compressed: Buffer[] = [];
  await pipeline(
    Readable.from(batches(typeof body === 'string' ? [body] : body)),
    createGzip({ level: GZIP_LEVEL }),
    async (gzipped: AsyncIterable<Buffer>) => {
      for await (const part of gzipped) compressed.push(part);
    },
  );
  return Buffer.concat(compressed);
}

function* batches(pieces: Iterable<string>): Generator<string> {
  let batch = '';
  for (const piece of pieces) {
    batch += piece;
    if (batch.length >= GZIP_BATCH_CHARS) {
      yield batch;
      batch = '';
    }
  }
  if (batch) yield batch;
}

/**
 * One serialised response, held gzip-compressed only (a twentieth of the JSON or less, the form
 * nearly every client asks for). It is compressed once, in libuv's thread pool, from the body's
 * pieces as they come (the whole JSON is never one string), so neither the first reader nor the
 * readers waiting for it block the event loop; a client that does not accept gzip gets it
 * decompressed per request, as it reads.
 */
export class CachedPage {
  readonly gzipped: Promise<Buffer>;

  constructor(readonly etag: string, body: PageBody) {
    this.gzipped = gzipBody(body);
  }

  /**
   * The JSON body, decompressed as the client reads it (for clients that ask for `identity`):
   * a few of them reading the whole fleet must not each hold all of its JSON at once.
   */
  async uncompressed(): Promise<Readable> {
    const gunzip = createGunzip();
    gunzip.end(await this.gzipped);
    return gunzip;
  }
}

/**
 * One model version as the API serves it: the snapshot (immutable, nodes shared with other
 * versions), the permission-filtered views of it, and its serialised responses.
 */
export class FleetVersion {
  private readonly views = new Map<string, FleetSnapshot>();
  private readonly pages = new Map<string, CachedPage>();

  constructor(
    readonly epoch: string,
    readonly snapshot: FleetSnapshot,
    private readonly maxPages: number,
  ) {}

  get version(): number {
    return this.snapshot.version;
  }

  /** The snapshot as one reader scope sees it (`scopeKey` '' = everything), made once. */
  view(scopeKey: string, build: () => FleetSnapshot): FleetSnapshot {
    if (!scopeKey) return this.snapshot;
    let view = this.views.get(scopeKey);
    if (!view) {
      view = build();
      this.views.set(scopeKey, view);
    }
    return view;
  }

  /** The response of this version under `key`, if rendered (or being rendered). */
  cachedPage(key: string): CachedPage | undefined {
    return this.pages.get(key);
  }

  /** A response of this version, rendered once per key; its ETag names version and key. */
  page(key: string, render: () => PageBody): CachedPage {
    let page = this.pages.get(key);
    if (!page) {
      page = new CachedPage(this.etagFor(key), render());
      if (this.pages.size >= this.maxPages) {
        this.pages.delete(this.pages.keys().next().value!);
      }
      this.pages.set(key, page);
    }
    return page;
  }

  etagFor(key: string): string {
    const digest = key
      ? `-${createHash('sha1').update(key).digest('base64url').slice(0, 16)}`
      : '';
    return `"fleet-${this.epoch}-${this.version}${digest}"`;
  }

  /** Drops the serialised responses (a superseded version keeps only what paging needs). */
  release(): void {
    this.pages.clear();
  }
}

export interface FleetVersionsOptions {
  /** How long a superseded version stays readable (paging at a fixed version); default 60 s. */
  retainMs?: number;
  /** At most this many versions are held (the current one included); default 16. */
  maxVersions?: number;
  /** Serialised responses held per version; default 32. */
  maxPagesPerVersion?: number;
  now?: () => number;
}

/**
 * The model versions the API can still serve. The current version comes from the fleet
 * service on every request; a superseded one stays readable for `retainMs`, so that a client
 * paging through one version (`atVersion`) never mixes two, and a page of a version no longer
 * held is refused (410) rather than served from another version.
 */
export class FleetVersions {
  private readonly held = new Map<
    number,
    { entry: FleetVersion; supersededAt?: number }
  >();
  private latest?: FleetVersion;
  /** The page being rendered per key (of whichever version). */
  private readonly rendering = new Map<
    string,
    { entry: FleetVersion; page: CachedPage }
  >();
  private readonly retainMs: number;
  private readonly maxVersions: number;
  private readonly maxPages: number;
  private readonly now: () => number;

  constructor(readonly epoch: string, options: FleetVersionsOptions = {}) {
    this.retainMs = options.retainMs ?? 60_000;
    this.maxVersions = Math.max(1, options.maxVersions ?? 16);
    this.maxPages = options.maxPagesPerVersion ?? 32;
    this.now = options.now ?? Date.now;
  }

  /** The entry of this (current) snapshot; a new version supersedes the previous one. */
  current(snapshot: FleetSnapshot): FleetVersion {
    if (this.latest?.snapshot === snapshot) return this.latest;
    const known = this.held.get(snapshot.version);
    if (known && known.entry.snapshot === snapshot) return known.entry;
    const now = this.now();
    for (const h of this.held.values()) {
      if (h.supersededAt === undefined) {
        h.supersededAt = now;
        h.entry.release();
      }
    }
    const entry = new FleetVersion(this.epoch, snapshot, this.maxPages);
    this.held.set(snapshot.version, { entry });
    this.latest = entry;
    this.evict(now);
    return entry;
  }

  /**
   * A response of `entry`, rendered at most once at a time per key across versions: while
   * another version's page of this key is being rendered, a reader that asked for whatever is
   * current (`latestWillDo`) is served that page when it is done (its own version's body and
   * ETag; that version stays held for paging), and a reader of a fixed version waits for it
   * before rendering its own. So readers piling up while versions change do not render (and
   * hold) the whole fleet once per version.
   */
  async page(
    entry: FleetVersion,
    key: string,
    render: () => PageBody,
    latestWillDo: boolean,
  ): Promise<CachedPage> {
    for (;;) {
      const cached = entry.cachedPage(key);
      if (cached) return cached;
      const other = this.rendering.get(key);
      if (!other) break;
      if (other.entry === entry) return other.page;
      await other.page.gzipped.catch(() => undefined);
      if (latestWillDo && this.at(other.entry.version) === other.entry) {
        return other.page;
      }
    }
    const page = entry.page(key, render);
    const rendering = { entry, page };
    this.rendering.set(key, rendering);
    const done = () => {
      if (this.rendering.get(key) === rendering) this.rendering.delete(key);
    };
    page.gzipped.then(done, done);
    return page;
  }

  /** A held version, or undefined when it is no longer (or never was) held. */
  at(version: number): FleetVersion | undefined {
    this.evict(this.now());
    return this.held.get(version)?.entry;
  }

  /** The versions held, oldest first. */
  heldVersions(): number[] {
    return [...this.held.keys()].sort((a, b) => a - b);
  }

  private evict(now: number) {
    for (const [version, h] of this.held) {
      const tooMany = this.held.size > this.maxVersions;
      const expired =
        h.supersededAt !== undefined && now - h.supersededAt > this.retainMs;
      if ((tooMany || expired) && h.entry !== this.latest) {
        this.held.delete(version);
      }
    }
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
