import type { LoggerService } from '@backstage/backend-plugin-api';
import type { KubeConfig } from '@kubernetes/client-node';
import type {
  ConnectionState,
  ConnectionStatus,
  KubeKind,
  Staleness,
} from '@kamaji-backstage/plugin-kamaji-common';
import type { FleetTimings } from './config';
import {
  describeError,
  KubeApiError,
  KubeClient,
  kindPath,
} from '@kamaji-backstage/plugin-kamaji-node';
import { ListWatcher, WatcherState } from './listWatcher';
import { Reachability } from './reachability';
import { DiscoveredKind, discoverKinds } from './versionDiscovery';
import type { SourceView } from './modelBuilder';
import type { WatchedKind } from './kinds';
import {
  disconnectedSince,
  LastKnownState,
  SeededSource,
} from './seededSource';

/** One kind a cluster source keeps a copy of. */
export interface KindWatch {
  /** The name the model reads it by, e.g. `Cluster`. */
  name: WatchedKind;
  kind: KubeKind;
  extract: (obj: any) => unknown;
  labelSelector?: string;
  fieldSelector?: string;
}

export interface ClusterSourceOptions {
  /** For logs and messages, e.g. `central` or `island island-a`. */
  displayName: string;
  kubeConfig: KubeConfig;
  kinds: KindWatch[];
  timings: FleetTimings;
  logger: LoggerService;
  /** Anything changed: items, connection state. */
  onChange: () => void;
  /** The last-known state from the database, shown until the cluster is listed. */
  seed?: LastKnownState;
  /** The connection status changed (or was found for the first time). */
  onTransition?: (t: ConnectionTransition) => void;
}

/** A change of a cluster's connection status. */
export interface ConnectionTransition {
  status: ConnectionStatus;
  /** ISO time the status began. */
  at: string;
  /** Why, credential-free (disconnected, degraded). */
  reason?: string;
}

const EMPTY = new Map<string, any>();

/**
 * Everything the fleet knows about one cluster (a management cluster or an island): a
 * reachability probe, API discovery, one ListWatcher per kind, and the resulting connection
 * state. While the cluster is unreachable the watchers are stopped and their items are kept as
 * the last known state.
 */
export class ClusterSource implements SourceView {
  private http: KubeClient;
  private reach: Reachability;
  private readonly watchers = new Map<string, ListWatcher<any>>();
  private readonly versions = new Map<string, string>();
  private readonly kindState = new Map<string, WatcherState>();
  private discoveryTimer?: NodeJS.Timeout;
  private absentRounds = 0;
  private stopped = true;
  private generation = 0;

  private status: ConnectionStatus = 'disconnected';
  private since = new Date();
  private lastSyncAt?: Date;
  private lastSeenAt?: Date;
  private everSynced = false;
  private settle!: () => void;
  /** Resolves once the cluster was synced, or found unreachable, for the first time. */
  readonly settled: Promise<void>;
  private cachedState?: ConnectionState;
  private seeded?: SeededSource;
  private reported?: ConnectionStatus;

  constructor(private readonly o: ClusterSourceOptions) {
    this.settled = new Promise(r => (this.settle = r));
    this.http = new KubeClient(o.kubeConfig);
    this.reach = this.makeReachability();
    if (o.seed) this.seed(o.seed);
  }

  /**
   * Shows the last-known state from the database until the cluster is listed: its items per kind
   * (a listed kind replaces them), disconnected since then, stale since it was last seen.
   * Ignored once the cluster was listed.
   */
  seed(state: LastKnownState): void {
    if (this.everSynced) return;
    this.seeded = new SeededSource(
      state,
      'not reached since the backend started',
    );
    this.since = new Date(disconnectedSince(state));
    this.lastSeenAt = new Date(state.lastSeenAt);
    if (state.lastSyncAt) this.lastSyncAt = new Date(state.lastSyncAt);
    this.changed();
  }

  /** Whether the kind was listed live (not only seeded from the database). */
  live(kind: string): boolean {
    return !!this.watchers.get(kind)?.everSynced;
  }

  /** Kinds listed live, and when the cluster last answered, for saving. */
  lastSeen(): { kinds: string[]; lastSeenAt: Date } {
    const seen =
      this.status === 'disconnected'
        ? this.lastSeenAt
        : this.reach.lastContactAt ?? this.lastSyncAt;
    return {
      kinds: this.o.kinds.map(k => k.name).filter(k => this.live(k)),
      lastSeenAt: seen ?? this.since,
    };
  }

  get server(): string {
    return this.http.server;
  }

  get kubeConfig(): KubeConfig {
    return this.o.kubeConfig;
  }

  /** The HTTP client, for one-off reads (e.g. a Secret). */
  get client(): KubeClient {
    return this.http;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.reach.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.generation++;
    clearTimeout(this.discoveryTimer);
    await this.reach.stop();
    await Promise.all([...this.watchers.values()].map(w => w.stop()));
    this.http.close();
  }

  /** New credentials (a rotated kubeconfig Secret): reconnect with them, keeping the items. */
  async setKubeConfig(kc: KubeConfig): Promise<void> {
    const wasRunning = !this.stopped;
    await this.stop();
    (this.o as { kubeConfig: KubeConfig }).kubeConfig = kc;
    this.http = new KubeClient(kc);
    this.reach = this.makeReachability();
    this.watchers.clear();
    this.versions.clear();
    this.markDisconnected('reconnecting with new credentials');
    if (wasRunning) this.start();
  }

  /** The seeded view of a kind not listed live yet. */
  private seededKind(kind: string): SeededSource | undefined {
    return this.seeded?.has(kind) && !this.live(kind) ? this.seeded : undefined;
  }

  items<T>(kind: string): ReadonlyMap<string, T> {
    const seeded = this.seededKind(kind);
    if (seeded) return seeded.items<T>(kind);
    return (this.watchers.get(kind)?.items as Map<string, T>) ?? EMPTY;
  }

  revision(kind: string): number {
    return (
      this.seededKind(kind)?.revision() ??
      this.watchers.get(kind)?.revision ??
      0
    );
  }

  readable(kind: string): boolean {
    return this.live(kind) || !!this.seededKind(kind);
  }

  unreadableReason(kind: string): string | undefined {
    const s = this.kindState.get(kind);
    return s?.state === 'unreadable' || s?.state === 'failing'
      ? s.reason
      : undefined;
  }

  /** The API version a kind is read at, once discovered. */
  versionOf(kind: string): string | undefined {
    return this.versions.get(kind);
  }

  get staleness(): Staleness {
    if (this.status !== 'disconnected') return { stale: false };
    return this.lastSeenAt
      ? { stale: true, lastSeenAt: this.lastSeenAt.toISOString() }
      : { stale: true };
  }

  get connection(): ConnectionState {
    if (this.cachedState) return this.cachedState;
    const state: ConnectionState = {
      status: this.status,
      since: this.since.toISOString(),
    };
    if (this.lastSyncAt) state.lastSyncAt = this.lastSyncAt.toISOString();
    if (this.status === 'disconnected') {
      const err =
        this.reach.lastError ??
        this.pendingReason() ??
        this.seeded?.connection.lastError;
      if (err) state.lastError = err;
      if (this.reach.nextRetryAt)
        state.nextRetryAt = this.reach.nextRetryAt.toISOString();
    }
    const unreadable = [...this.kindState.entries()]
      .filter(
        ([, s]) =>
          s.state === 'unreadable' || (s.state === 'failing' && !s.network),
      )
      .map(([kind, s]) => ({ kind, reason: (s as { reason: string }).reason }))
      .sort((a, b) => (a.kind < b.kind ? -1 : 1));
    if (unreadable.length) state.unreadableKinds = unreadable;
    this.cachedState = state;
    return state;
  }

  private pendingReason(): string | undefined {
    if (this.reach.reachable !== true) return undefined;
    const pending = [...this.kindState.entries()].filter(
      ([, s]) => s.state === 'pending',
    );
    return pending.length
      ? `listing ${pending.map(([k]) => k).join(', ')}`
      : undefined;
  }

  private makeReachability(): Reachability {
    return new Reachability(
      this.http,
      {
        probeIntervalMs: this.o.timings.probeIntervalMs,
        probeTimeoutMs: this.o.timings.probeTimeoutMs,
        readinessIntervalMs: this.o.timings.readinessIntervalMs,
        maxRetryDelayMs: this.o.timings.maxRetryDelayMs,
      },
      {
        onUp: () => {
          this.o.logger.info(
            `${this.o.displayName}: API server reachable, listing`,
          );
          this.connect();
        },
        onDown: error => {
          this.o.logger.warn(`${this.o.displayName}: unreachable (${error})`);
          void this.disconnect();
        },
        onChange: () => this.changed(),
      },
    );
  }

  private changed(): void {
    this.cachedState = undefined;
    this.reportTransition();
    this.o.onChange();
  }

  /**
   * Reports each status once it is known: a first `disconnected` only when the probe failed
   * (the initial state is not an observation), dated from the last-known state if there is one.
   */
  private reportTransition(): void {
    if (!this.o.onTransition || this.status === this.reported) return;
    const firstDown =
      this.status === 'disconnected' && this.reported === undefined;
    if (firstDown && this.reach.reachable !== false) return;
    this.reported = this.status;
    const state = this.connection;
    let reason: string | undefined;
    if (state.status === 'disconnected') reason = state.lastError;
    else if (state.unreadableKinds)
      reason = state.unreadableKinds
        .map(u => `cannot read ${u.kind}: ${u.reason}`)
        .join('; ');
    this.o.onTransition({ status: this.status, at: state.since, reason });
  }

  /**
   * The saved `since` when the first live status of a cluster seeded from the database is the
   * status it was saved with (after a restart, or another replica's takeover): nobody saw a
   * transition, and the uplink history records none.
   */
  private continuedSince(next: ConnectionStatus): Date | undefined {
    const saved = this.seeded?.state;
    if (this.everSynced || saved?.status !== next) return undefined;
    return new Date(saved.since);
  }

  private markDisconnected(reason?: string) {
    if (this.status !== 'disconnected') {
      this.lastSeenAt =
        this.reach.lastContactAt ?? this.lastSyncAt ?? new Date();
      this.status = 'disconnected';
      this.since = new Date();
      if (reason) this.o.logger.info(`${this.o.displayName}: ${reason}`);
    }
    this.changed();
  }

  private async disconnect(): Promise<void> {
    const gen = ++this.generation;
    this.absentRounds = 0;
    clearTimeout(this.discoveryTimer);
    this.markDisconnected();
    this.settle();
    await Promise.all([...this.watchers.values()].map(w => w.stop()));
    if (gen !== this.generation) return;
    for (const kind of this.kindState.keys())
      this.kindState.set(kind, { state: 'pending' });
    this.changed();
  }

  /** Discovery, then one watcher per served kind. Runs on every (re)connection. */
  private connect(): void {
    const gen = ++this.generation;
    this.connectOnce(gen).catch(e => {
      this.o.logger.error(`${this.o.displayName}: ${describeError(e)}`);
    });
  }

  private async connectOnce(gen: number): Promise<void> {
    const discovered = await this.discover(gen);
    if (!discovered || gen !== this.generation) return;
    let absent = false;
    for (const watch of this.o.kinds) {
      const found = discovered.get(watch.kind.kind)!;
      if (found.served) {
        await this.watchAt(watch, found.version, found.fallback);
      } else {
        absent = true;
        await this.markUnreadable(watch, found.reason);
      }
    }
    this.recompute();
    // Kinds whose CRD is absent: look again, soon at first (an API server that just started may
    // not list every CRD yet), then every unreadableRetryInterval (a CRD installed later is picked up).
    if (absent) {
      const delay = Math.min(
        this.o.timings.unreadableRetryMs,
        1_000 * 2 ** this.absentRounds++,
      );
      this.connectAgainAfter(gen, delay);
    } else {
      this.absentRounds = 0;
    }
  }

  /** The version each kind is served at; undefined (and tried again soon) when discovery failed. */
  private async discover(
    gen: number,
  ): Promise<Map<string, DiscoveredKind> | undefined> {
    try {
      return await discoverKinds(
        this.http,
        this.o.kinds.map(k => k.kind),
        Math.max(this.o.timings.probeTimeoutMs * 3, 5_000),
      );
    } catch (e) {
      if (gen !== this.generation) return undefined;
      this.o.logger.warn(
        `${this.o.displayName}: API discovery failed (${describeError(e)})`,
      );
      if (e instanceof KubeApiError && !e.reachable) this.reach.suspect();
      this.connectAgainAfter(gen, 1_000);
      return undefined;
    }
  }

  private connectAgainAfter(gen: number, delayMs: number): void {
    this.discoveryTimer = setTimeout(() => {
      if (gen === this.generation && this.reach.reachable) this.connect();
    }, delayMs);
  }

  /** Stops the kind's watcher; says why the kind cannot be read, once per reason. */
  private async markUnreadable(watch: KindWatch, reason: string) {
    await this.watchers.get(watch.name)?.stop();
    const prev = this.kindState.get(watch.name);
    if (prev?.state !== 'unreadable' || prev.reason !== reason) {
      this.o.logger.warn(
        `${this.o.displayName}: cannot read ${watch.kind.kind}: ${reason}`,
      );
    }
    this.setKindState(watch.name, { state: 'unreadable', reason });
  }

  /** (Re)starts the kind's watcher at `version`, a new one when the version changed. */
  private async watchAt(watch: KindWatch, version: string, fallback: boolean) {
    const current = this.versions.get(watch.name);
    if (fallback && current !== version) {
      this.o.logger.info(
        `${this.o.displayName}: reading ${watch.kind.kind} at ${watch.kind.group}/${version} (read-only fallback)`,
      );
    }
    let watcher = this.watchers.get(watch.name);
    if (watcher && current !== version) {
      await watcher.stop();
      watcher = undefined;
    }
    this.versions.set(watch.name, version);
    if (!watcher) {
      watcher = this.makeWatcher(watch, version);
      this.watchers.set(watch.name, watcher);
    }
    watcher.start();
  }

  private makeWatcher(watch: KindWatch, version: string): ListWatcher<any> {
    const name = watch.name;
    return new ListWatcher<any>({
      http: this.http,
      kindName: watch.kind.kind,
      path: kindPath(watch.kind, { version }),
      labelSelector: watch.labelSelector,
      fieldSelector: watch.fieldSelector,
      extract: watch.extract,
      resyncMs: this.o.timings.resyncIntervalMs,
      unreadableRetryMs: this.o.timings.unreadableRetryMs,
      maxRetryDelayMs: this.o.timings.maxRetryDelayMs,
      requestTimeoutMs: 60_000,
      onChange: () => {
        this.lastSyncAt = new Date();
        this.reach.contact();
        this.changed();
      },
      onState: state => {
        if (state.state === 'unreadable') {
          this.o.logger.warn(
            `${this.o.displayName}: cannot read ${watch.kind.kind}: ${state.reason}`,
          );
        } else if (state.state === 'failing' && !state.network) {
          this.o.logger.warn(
            `${this.o.displayName}: reading ${watch.kind.kind} fails: ${state.reason}`,
          );
        }
        this.setKindState(name, state);
      },
      onNetworkError: () => this.reach.suspect(),
      onInvalid: (key, message) =>
        this.o.logger.warn(
          `${this.o.displayName}: skipped ${watch.kind.kind} ${key}: ${message}`,
        ),
    });
  }

  private setKindState(kind: string, state: WatcherState) {
    this.kindState.set(kind, state);
    this.recompute();
  }

  private recompute(): void {
    let next: ConnectionStatus;
    if (this.reach.reachable !== true) {
      next = 'disconnected';
    } else {
      const states = this.o.kinds.map(
        k => this.kindState.get(k.name) ?? { state: 'pending' as const },
      );
      const pending = states.some(
        s => s.state === 'pending' || (s.state === 'failing' && s.network),
      );
      const unreadable = states.some(
        s => s.state === 'unreadable' || (s.state === 'failing' && !s.network),
      );
      if (!pending) next = unreadable ? 'degraded' : 'connected';
      // Still listing: a disconnected cluster stays so until it is fresh again.
      else if (this.status === 'disconnected') next = 'disconnected';
      else next = unreadable ? 'degraded' : this.status;
    }
    if (next !== this.status) {
      const prev = this.status;
      this.status = next;
      this.since = this.continuedSince(next) ?? new Date();
      if (next === 'disconnected') {
        this.lastSeenAt = this.reach.lastContactAt ?? this.lastSyncAt;
      } else {
        // Every kind has answered (listed, or refused as unreadable): a sync, even when the
        // relists found nothing new (they signal no change then).
        this.lastSyncAt = new Date();
        this.everSynced = true;
        this.seeded = undefined;
        this.lastSeenAt = undefined;
        this.settle();
        this.o.logger.info(
          `${this.o.displayName}: ${next}${
            prev === 'disconnected' ? ' (synced)' : ''
          }`,
        );
      }
    }
    this.changed();
  }

  /** Whether the cluster was ever fully listed. */
  get synced(): boolean {
    return this.everSynced;
  }
}
