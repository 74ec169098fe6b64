import type {
  ConnectionState,
  Staleness,
} from '@kamaji-backstage/plugin-kamaji-common';
import type { KindWatch } from '../clusterSource';
import { objectKey } from '../listWatcher';
import type { SourceView } from '../modelBuilder';

/** A SourceView over plain Kubernetes objects, passed through the real extractors. */
export class FakeSource implements SourceView {
  connection: ConnectionState = {
    status: 'connected',
    since: '2026-11-25T10:00:00.000Z',
  };
  staleness: Staleness = { stale: false };
  private readonly maps = new Map<string, Map<string, unknown>>();
  readonly unreadable = new Map<string, string>();

  constructor(
    private readonly kinds: KindWatch[],
    objects: Record<string, any[]> = {},
  ) {
    for (const k of kinds) this.maps.set(k.name, new Map());
    for (const [kind, list] of Object.entries(objects)) this.set(kind, list);
  }

  private readonly revisions = new Map<string, number>();

  revision(kind: string): number {
    return this.revisions.get(kind) ?? 0;
  }

  set(kind: string, list: any[]): this {
    this.revisions.set(kind, this.revision(kind) + 1);
    const watch = this.kinds.find(k => k.name === kind);
    if (!watch) throw new Error(`no kind ${kind}`);
    const m = new Map<string, unknown>();
    for (const o of list) m.set(objectKey(o)!, watch.extract(o));
    this.maps.set(kind, m);
    return this;
  }

  disconnect(
    since: string,
    lastSeenAt: string,
    lastError = 'ECONNREFUSED',
  ): this {
    this.connection = { status: 'disconnected', since, lastError };
    this.staleness = { stale: true, lastSeenAt };
    return this;
  }

  readable(kind: string): boolean {
    return !this.unreadable.has(kind) && this.maps.has(kind);
  }

  unreadableReason(kind: string): string | undefined {
    return this.unreadable.get(kind);
  }

  items<T>(kind: string): ReadonlyMap<string, T> {
    if (this.unreadable.has(kind)) return new Map();
    return (this.maps.get(kind) as Map<string, T>) ?? new Map();
  }
}
