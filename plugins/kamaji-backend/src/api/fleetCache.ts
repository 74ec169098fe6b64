import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import type { FleetSnapshot } from '@kamaji-backstage/plugin-kamaji-common';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);
/** Compressed once per version off the event loop: a better ratio is worth the extra CPU. */
const GZIP_LEVEL = 6;

/**
 * One serialised response, held gzip-compressed only (a twentieth of the JSON or less, the form
 * nearly every client asks for). It is compressed once, in libuv's thread pool, so neither the
 * first reader nor the readers waiting for it block the event loop; a client that does not
 * accept gzip gets it decompressed per request.
 */
export class CachedPage {
  readonly gzipped: Promise<Buffer>;

  constructor(readonly etag: string, body: string) {
    this.gzipped = gzipAsync(body, { level: GZIP_LEVEL });
  }

  /** The JSON body, uncompressed (for clients that ask for `identity`). */
  async plain(): Promise<Buffer> {
    return gunzipAsync(await this.gzipped);
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

  /** A response of this version, rendered once per key; its ETag names version and key. */
  page(key: string, render: () => string): CachedPage {
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
