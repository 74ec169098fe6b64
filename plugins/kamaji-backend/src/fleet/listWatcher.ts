import { isDeepStrictEqual } from 'node:util';
import { Backoff, jittered, sleep } from './backoff';
import {
  describeError,
  KubeClient,
  KubeApiError,
} from '@kamaji-backstage/plugin-kamaji-node';

/** Where a ListWatcher stands. `pending`: not listed since it was (re)started. */
export type WatcherState =
  | { state: 'pending' }
  | { state: 'synced' }
  | { state: 'unreadable'; reason: string }
  | { state: 'failing'; reason: string; network: boolean };

export interface ListWatcherOptions<T> {
  http: KubeClient;
  /** For messages, e.g. `Cluster`. */
  kindName: string;
  /** Collection path across all namespaces, e.g. `/apis/cluster.x-k8s.io/v1beta2/clusters`. */
  path: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Turns a Kubernetes object into what is kept in memory; undefined = not kept. */
  extract: (obj: any) => T | undefined;
  /** The items changed (after a list, or a watch event). */
  onChange: () => void;
  onState: (state: WatcherState) => void;
  /** A request failed in a way that suggests the server is unreachable. */
  onNetworkError?: (error: KubeApiError) => void;
  /** Periodic full relist. */
  resyncMs: number;
  /** Wait before re-trying a kind that RBAC forbids or that is not served. */
  unreadableRetryMs: number;
  /** Cap of the backoff after network failures. */
  maxRetryDelayMs: number;
  pageSize?: number;
  requestTimeoutMs?: number;
  /** Invalid objects (extract threw): reported, then skipped. */
  onInvalid?: (key: string, message: string) => void;
}

/** `namespace/name`, or `name` for cluster-scoped objects. */
export function objectKey(obj: any): string | undefined {
  const name = obj?.metadata?.name;
  if (typeof name !== 'string' || !name) return undefined;
  const ns = obj.metadata.namespace;
  return typeof ns === 'string' && ns ? `${ns}/${name}` : name;
}

/** Whether a relist found exactly what was held (same keys, equal extracted values). */
function sameItems<T>(held: Map<string, T>, fresh: Map<string, T>): boolean {
  if (held.size !== fresh.size) return false;
  for (const [key, value] of fresh) {
    if (!held.has(key) || !isDeepStrictEqual(held.get(key), value))
      return false;
  }
  return true;
}

/** Thrown inside the loop when the server says our resourceVersion is too old (410 Gone). */
class Expired extends Error {}

/** Retry delays: after network failures, and after other errors. */
interface Backoffs {
  network: Backoff;
  error: Backoff;
}

/**
 * Keeps an in-memory copy of one kind in one cluster, informer style: list (paged), then watch
 * from the list's resourceVersion with bookmarks; on 410 Gone, relist; when a watch ends, watch
 * again from the last resourceVersion seen; on errors, retry with jittered exponential backoff;
 * every `resyncMs` a full relist. Only what `extract` returns is kept.
 *
 * The items survive stop()/start(): after a disconnection they are the last known state until
 * the next list replaces them.
 */
export class ListWatcher<T> {
  readonly items = new Map<string, T>();
  /** True once a list succeeded: the items mean something (even if stale later). */
  everSynced = false;
  /** Increases with every change of the items. */
  revision = 0;
  private controller?: AbortController;
  private running?: Promise<void>;
  private current: WatcherState = { state: 'pending' };

  constructor(private readonly o: ListWatcherOptions<T>) {}

  get state(): WatcherState {
    return this.current;
  }

  start(): void {
    if (this.controller) return;
    const controller = new AbortController();
    this.controller = controller;
    this.setState({ state: 'pending' });
    this.running = this.loop(controller.signal).catch(() => {});
  }

  /** Stops listing and watching; the items are kept. */
  async stop(): Promise<void> {
    this.controller?.abort();
    this.controller = undefined;
    const running = this.running;
    this.running = undefined;
    await running;
  }

  private setState(s: WatcherState) {
    const prev = this.current;
    this.current = s;
    if (prev.state !== s.state || (prev as any).reason !== (s as any).reason) {
      this.o.onState(s);
    }
  }

  private async loop(signal: AbortSignal): Promise<void> {
    const backoffs: Backoffs = {
      network: new Backoff(250, this.o.maxRetryDelayMs),
      error: new Backoff(1_000, 30_000),
    };
    while (!signal.aborted) {
      try {
        const rv = await this.list(signal);
        backoffs.network.reset();
        backoffs.error.reset();
        this.setState({ state: 'synced' });
        await this.watchUntilResync(rv, signal, backoffs.network);
      } catch (e) {
        if (signal.aborted) return;
        if (e instanceof Expired) continue; // relist now
        const err = this.asKubeApiError(e);
        if (err.kind === 'aborted') return;
        await sleep(this.waitAfter(err, backoffs), signal);
      }
    }
  }

  /** Watches from `rv`, one request after another, until the next full list is due. */
  private async watchUntilResync(
    rv: string,
    signal: AbortSignal,
    networkBackoff: Backoff,
  ): Promise<void> {
    const resyncAt = Date.now() + jittered(this.o.resyncMs);
    let from = rv;
    while (!signal.aborted && Date.now() < resyncAt - 1_000) {
      const remaining = Math.floor((resyncAt - Date.now()) / 1000);
      const timeoutSeconds = Math.max(
        1,
        Math.min(remaining, jittered(450, 0.33)),
      );
      const started = Date.now();
      from = await this.watch(from, timeoutSeconds, signal);
      networkBackoff.reset();
      // A watch the server ends at once, again and again, must not spin.
      if (Date.now() - started < 1_000) await sleep(1_000, signal);
    }
  }

  private asKubeApiError(e: unknown): KubeApiError {
    return e instanceof KubeApiError
      ? e
      : new KubeApiError('decode', `${this.o.kindName}: ${describeError(e)}`);
  }

  /** Reports the failure as the watcher's state; returns how long to wait before listing again. */
  private waitAfter(err: KubeApiError, backoffs: Backoffs): number {
    const status = err.kind === 'http' ? err.statusCode : undefined;
    if (status === 403 || status === 401 || status === 404) {
      const why = status === 404 ? 'not served' : 'forbidden';
      this.setState({ state: 'unreadable', reason: `${why}: ${err.message}` });
      return jittered(this.o.unreadableRetryMs);
    }
    if (!err.reachable) {
      this.setState({ state: 'failing', reason: err.message, network: true });
      this.o.onNetworkError?.(err);
      return backoffs.network.next();
    }
    this.setState({ state: 'failing', reason: err.message, network: false });
    return backoffs.error.next();
  }

  private query(extra: Record<string, string | number | undefined>): string {
    const params = new URLSearchParams();
    if (this.o.labelSelector) params.set('labelSelector', this.o.labelSelector);
    if (this.o.fieldSelector) params.set('fieldSelector', this.o.fieldSelector);
    for (const [k, v] of Object.entries(extra)) {
      if (v !== undefined) params.set(k, String(v));
    }
    return `${this.o.path}?${params.toString()}`;
  }

  /** A full paged list; replaces the items at the end. Returns the list's resourceVersion. */
  private async list(signal: AbortSignal): Promise<string> {
    const fresh = new Map<string, T>();
    let cont: string | undefined;
    let rv = '';
    do {
      let page: any;
      try {
        page = await this.o.http.getJson(
          this.query({ limit: this.o.pageSize ?? 500, continue: cont }),
          { timeoutMs: this.o.requestTimeoutMs ?? 60_000, signal },
        );
      } catch (e) {
        // An expired continue token: start the list again.
        if (e instanceof KubeApiError && e.statusCode === 410 && cont)
          throw new Expired();
        throw e;
      }
      if (!Array.isArray(page?.items)) {
        throw new KubeApiError(
          'decode',
          `${this.o.kindName}: list answer has no items`,
        );
      }
      for (const obj of page.items) this.keep(fresh, obj);
      cont = page.metadata?.continue || undefined;
      rv = page.metadata?.resourceVersion ?? rv;
    } while (cont && !signal.aborted);
    if (signal.aborted) throw new KubeApiError('aborted', 'aborted');
    const unchanged = this.everSynced && sameItems(this.items, fresh);
    this.everSynced = true;
    if (unchanged) return rv;
    this.items.clear();
    for (const [k, v] of fresh) this.items.set(k, v);
    this.changed();
    return rv;
  }

  /**
   * Keeps what `extract` returns of `obj`; true when that changed what `into` held (an update
   * of fields the fleet does not read changes nothing, so it makes no new model version).
   */
  private keep(into: Map<string, T>, obj: any): boolean {
    const key = objectKey(obj);
    if (!key) return false;
    let value: T | undefined;
    try {
      value = this.o.extract(obj);
    } catch (e) {
      this.o.onInvalid?.(key, describeError(e));
      value = undefined;
    }
    const held = into.get(key);
    if (value === undefined) return into.delete(key);
    if (held !== undefined && isDeepStrictEqual(held, value)) return false;
    into.set(key, value);
    return true;
  }

  /** One watch request from `rv`; resolves with the last resourceVersion seen when it ends. */
  private async watch(
    rv: string,
    timeoutSeconds: number,
    signal: AbortSignal,
  ): Promise<string> {
    let last = rv;
    const query = this.query({
      watch: 1,
      resourceVersion: rv,
      allowWatchBookmarks: 'true',
      timeoutSeconds,
    });
    const onLine = (line: string) => {
      const next = this.apply(this.parseEvent(line));
      if (next) last = next;
    };
    const connectTimeoutMs = this.o.requestTimeoutMs ?? 30_000;
    await this.o.http
      .stream(query, onLine, { signal, connectTimeoutMs })
      .catch(e => {
        if (e instanceof KubeApiError && e.statusCode === 410)
          throw new Expired();
        throw e;
      });
    return last;
  }

  private parseEvent(line: string): any {
    try {
      return JSON.parse(line);
    } catch {
      throw new KubeApiError(
        'decode',
        `${this.o.kindName}: watch event is not JSON`,
      );
    }
  }

  /**
   * Applies one watch event to the items; returns the resourceVersion it carries (undefined for
   * an event type this watcher does not know). A watch ERROR is thrown.
   */
  private apply(event: any): string | undefined {
    const obj = event?.object;
    switch (event?.type) {
      case 'ADDED':
      case 'MODIFIED':
        if (this.keep(this.items, obj)) this.changed();
        break;
      case 'DELETED': {
        const key = objectKey(obj);
        if (key && this.items.delete(key)) this.changed();
        break;
      }
      case 'BOOKMARK':
        break;
      case 'ERROR':
        throw this.watchError(obj);
      default:
        return undefined;
    }
    const next = obj?.metadata?.resourceVersion;
    return typeof next === 'string' && next ? next : undefined;
  }

  private changed(): void {
    this.revision++;
    this.o.onChange();
  }

  /** The error a watch ERROR event stands for (410: the history is gone, list again). */
  private watchError(status: any): Error {
    if (status?.code === 410) return new Expired();
    const message = String(status?.message ?? '').slice(0, 200);
    return new KubeApiError(
      'http',
      `${this.o.kindName}: watch error ${status?.code ?? ''} ${message}`,
      {
        statusCode: typeof status?.code === 'number' ? status.code : undefined,
        reason: status?.reason,
      },
    );
  }
}
