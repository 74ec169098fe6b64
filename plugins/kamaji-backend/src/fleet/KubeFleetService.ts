import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  ClusterId,
  FleetCluster,
  FleetDelta,
  FleetProblem,
  FleetSnapshot,
  parseClusterId,
} from '@kamaji-backstage/plugin-kamaji-common';
import type {
  ClusterAccess,
  FleetService,
} from '@kamaji-backstage/plugin-kamaji-node';
import type { DurableStateConfig } from '../durable/config';
import {
  FleetStatePersister,
  PersistableSource,
} from '../durable/FleetStatePersister';
import type {
  FleetStateStore,
  UplinkTransition,
} from '../durable/FleetStateStore';
import { buildManagementKubeConfig, FleetConfig } from './config';
import { FollowedFleet } from './followedFleet';
import { FleetModel } from './fleetModel';
import {
  describeError,
  KubeApiError,
  KubeClient,
} from '@kamaji-backstage/plugin-kamaji-node';
import { CATALOG_LEASE, FleetLeases } from './leases';
import { ManagementSource, WatchedCluster } from './managementSource';
import { BuildCache, buildFleet } from './modelBuilder';
import { kubeConfigFromSecretValue } from './secretKubeConfig';

export interface KubeFleetServiceOptions {
  /** How long ready() waits for islands once the management clusters are synced. Default 20 s. */
  islandReadyTimeoutMs?: number;
}

/** Transitions kept in memory until the durable store is attached (or while it lags). */
const MAX_PENDING_TRANSITIONS = 10_000;

/**
 * The fleet service: watches every configured management cluster and its islands, and keeps one
 * versioned model of the fleet in memory. Requests read the model; nothing fans out to clusters.
 */
export class KubeFleetService implements FleetService {
  private readonly cache = new BuildCache();
  private readonly model = new FleetModel((id, published) =>
    this.cache.nodes.adopt(id, published),
  );
  private readonly sources: ManagementSource[];
  private readonly listeners = new Set<(delta: FleetDelta) => void>();
  private timer?: NodeJS.Timeout;
  private firstPendingAt?: number;
  private problems: FleetProblem[] = [];
  private reported = new Set<string>();
  private readyPromise?: Promise<void>;
  private started = false;
  private stopped = false;
  private transitions: UplinkTransition[] = [];
  private persister?: FleetStatePersister;
  /** Replica mode: the shards and roles this replica holds. */
  private readonly leases?: FleetLeases;
  /** Replica mode: the served model's input, followed from the database. */
  private followed?: FollowedFleet;
  private followTimer?: NodeJS.Timeout;
  private following?: Promise<void>;
  private followStarted!: () => void;
  private readonly followReady = new Promise<void>(
    r => (this.followStarted = r),
  );
  private readonly holdListeners = new Set<() => void>();

  constructor(
    private readonly config: FleetConfig,
    private readonly logger: LoggerService,
    private readonly options: KubeFleetServiceOptions = {},
  ) {
    const replicas = config.replicas;
    if (replicas) {
      const leaseCluster = config.managementClusters.find(
        mc => mc.name === replicas.leaseCluster,
      )!;
      this.leases = new FleetLeases(
        new KubeClient(buildManagementKubeConfig(leaseCluster)),
        replicas,
        logger,
        held => this.onLeasesChanged(held),
      );
    }
    this.sources = config.managementClusters.map(
      mc =>
        new ManagementSource(
          mc,
          buildManagementKubeConfig(mc),
          config.timings,
          logger,
          // Replica mode: the served model follows the database, not the watches.
          () => (replicas ? undefined : this.schedule()),
          (clusterId, t) => this.recordTransition({ clusterId, ...t }),
          this.leases && {
            watches: id => this.leases!.holdsCluster(id),
            lastKnown: id => this.followed?.lastKnown(id),
          },
        ),
    );
  }

  /** Replica mode: the identity of the fleet-wide version numbers (the database's counter). */
  get epoch(): string | undefined {
    return this.followed?.epoch;
  }

  /** Whether this replica plays a role written once fleet-wide (always, with one replica). */
  holds(role: 'catalog'): boolean {
    if (!this.leases) return true;
    return role === 'catalog' && this.leases.holds(CATALOG_LEASE);
  }

  /** Calls `listener` whenever the Leases this replica holds change (replica mode). */
  onHoldsChange(listener: () => void): () => void {
    this.holdListeners.add(listener);
    return () => {
      this.holdListeners.delete(listener);
    };
  }

  /** The Leases held changed: start or stop island watches, tell who asked. */
  private onLeasesChanged(held: ReadonlySet<string>): void {
    this.logger.info(
      `fleet replica ${this.leases!.identity} holds ${[...held]
        .sort()
        .join(', ')}`,
    );
    this.persister?.forgetWritten(id => this.leases!.holdsCluster(id));
    for (const s of this.sources) void s.reconcileNow();
    for (const listener of [...this.holdListeners]) {
      try {
        listener();
      } catch (e) {
        this.logger.warn(`fleet lease listener failed: ${describeError(e)}`);
      }
    }
  }

  /** Replica mode: reads the database's changes every followInterval; rebuilds when they move. */
  private scheduleFollow(): void {
    if (this.stopped || !this.config.replicas) return;
    this.followTimer = setTimeout(() => {
      this.following = this.follow().finally(() => {
        this.following = undefined;
        this.scheduleFollow();
      });
    }, this.config.replicas.followIntervalMs);
    this.followTimer.unref?.();
  }

  private async follow(): Promise<void> {
    try {
      if (await this.followed!.poll()) this.rebuild();
    } catch (e) {
      this.logger.warn(`following the fleet state failed: ${describeError(e)}`);
    }
  }

  /**
   * Keeps the fleet's last-known state in the database and the uplink history: seeds every
   * cluster not listed yet with what was saved (stale, with its true age), then writes changes
   * behind. Called once the plugin's database is available.
   */
  async attachDurableState(
    store: FleetStateStore,
    config: Pick<DurableStateConfig, 'writeIntervalMs' | 'lastSeenIntervalMs'>,
  ): Promise<FleetStatePersister> {
    if (this.persister) return this.persister;
    const saved = await store.load();
    if (this.leases) {
      this.followed = new FollowedFleet(store);
      await this.followed.poll();
      this.rebuild();
      this.followStarted();
      this.scheduleFollow();
      if (!this.stopped) this.leases.start();
    } else {
      for (const s of this.sources) s.seed(saved);
    }
    const persister = new FleetStatePersister(
      store,
      {
        watched: () => this.persisted(),
        isGone: id => this.isGone(id),
        drainTransitions: () => this.transitions.splice(0),
      },
      config,
      this.logger,
    );
    persister.remember(saved);
    this.persister = persister;
    if (!this.stopped) persister.start();
    this.flush();
    return persister;
  }

  /** Writes what is pending and stops writing (shutdown). */
  async detachDurableState(): Promise<void> {
    const persister = this.persister;
    this.persister = undefined;
    await persister?.stop();
  }

  private recordTransition(t: UplinkTransition): void {
    // Replica mode: only the holder of a cluster's shard records its transitions.
    if (this.leases && !this.leases.holdsCluster(t.clusterId)) return;
    if (this.transitions.length >= MAX_PENDING_TRANSITIONS) {
      this.transitions.shift();
    }
    this.transitions.push(t);
  }

  /** Ids of the clusters this process watches and writes (replica mode: whose shard it holds). */
  watchedClusterIds(): string[] {
    return this.watched().map(w => w.id);
  }

  /** The clusters whose watches this process holds (replica mode: whose shard it holds). */
  private watched(): WatchedCluster[] {
    return this.held(this.sources.flatMap(s => s.watched()));
  }

  /** What the persister saves: the watched clusters, and the islands it cannot connect to. */
  private persisted(): Array<{ id: string; source: PersistableSource }> {
    return this.held(
      this.sources.flatMap(s => [...s.watched(), ...s.unreached()]),
    );
  }

  /** Replica mode: the clusters whose shard this replica holds; all of them otherwise. */
  private held<T extends { id: string }>(clusters: T[]): T[] {
    const leases = this.leases;
    return leases ? clusters.filter(c => leases.holdsCluster(c.id)) : clusters;
  }

  /** Whether a saved cluster is no longer in the fleet. */
  private isGone(id: string): boolean {
    const [name, ...rest] = id.split('/');
    const management = this.sources.find(s => s.name === name);
    if (!management) return true;
    if (!rest.length) return false;
    // Replica mode: the holder of the management cluster forgets its islands, once.
    if (this.leases && !this.leases.holdsCluster(name)) return false;
    return management.islandsLive && !management.islandIds().includes(id);
  }

  /** Starts watching (idempotent). */
  start(): void {
    if (this.started) return;
    this.started = true;
    if (!this.sources.length) {
      this.logger.warn(
        'kamaji.managementClusters is empty: the fleet model stays empty',
      );
    }
    for (const s of this.sources) {
      this.logger.info(`watching management cluster ${s.name}`);
      s.start();
    }
    this.rebuild();
  }

  /**
   * Stops watching and writes what is pending. In replica mode the Leases are released so that
   * other replicas take over at once; `releaseLeases: false` leaves them to expire, as a crashed
   * replica would (tests of the takeover).
   */
  async stop(options: { releaseLeases?: boolean } = {}): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.followTimer);
    await this.following;
    await Promise.all(this.sources.map(s => s.stop()));
    await this.detachDurableState();
    // After the last batch: whoever takes the shards over starts from it.
    await this.leases?.stop(options.releaseLeases ?? true);
    this.listeners.clear();
    this.holdListeners.clear();
  }

  getSnapshot(): FleetSnapshot {
    return this.model.getSnapshot();
  }

  getSnapshotJson(): { version: number; json: string } {
    return this.model.getSnapshotJson();
  }

  getSnapshotJsonChunks(): { version: number; chunks: Iterable<string> } {
    return this.model.getSnapshotJsonChunks();
  }

  getCluster(id: ClusterId): FleetCluster | undefined {
    return this.model.getCluster(id);
  }

  getProblems(): FleetProblem[] {
    return this.problems;
  }

  subscribe(listener: (delta: FleetDelta) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  ready(): Promise<void> {
    if (!this.readyPromise) {
      this.start();
      this.readyPromise = Promise.all(
        this.sources.map(s =>
          s.settled(this.options.islandReadyTimeoutMs ?? 20_000),
        ),
      )
        .then(() => (this.leases ? this.followReady : undefined))
        .then(() => this.flush());
    }
    return this.readyPromise;
  }

  /** Applies pending changes now instead of after the debounce. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.rebuild();
  }

  getManagementClusterAccess(name: string): ClusterAccess | undefined {
    const s = this.sources.find(m => m.name === name);
    if (!s) return undefined;
    return {
      clusterId: name,
      server: s.source.server,
      kubeConfig: s.source.kubeConfig,
    };
  }

  async getClusterAccess(id: ClusterId): Promise<ClusterAccess | undefined> {
    const parsed = parseClusterId(id);
    if (!parsed) return undefined;
    if (parsed.kind === 'management')
      return this.getManagementClusterAccess(parsed.managementCluster);
    // Unmanaged tenants: their admin kubeconfig lives in a Secret on the island, which the
    // fleet's least-privilege role on islands does not read.
    if (parsed.kind !== 'declared') return undefined;
    const s = this.sources.find(m => m.name === parsed.managementCluster);
    if (!s) return undefined;
    const key = `${parsed.namespace}/${parsed.name}`;
    const island = s.islandAccess(key);
    if (island) return { clusterId: id, ...island };
    const node = this.model.getCluster(id);
    if (!node || node.role !== 'tenant') return undefined;
    const secret = `${parsed.namespace}/${parsed.name}-kubeconfig`;
    try {
      const obj = await s.source.client.getJson(
        `/api/v1/namespaces/${encodeURIComponent(
          parsed.namespace,
        )}/secrets/${encodeURIComponent(`${parsed.name}-kubeconfig`)}`,
        { timeoutMs: 10_000 },
      );
      const value = obj?.data?.value;
      if (typeof value !== 'string') return undefined;
      const kubeConfig = kubeConfigFromSecretValue(
        Buffer.from(value, 'base64').toString('utf8'),
        `Secret ${secret}`,
      );
      return {
        clusterId: id,
        server: kubeConfig.getCurrentCluster()!.server,
        kubeConfig,
      };
    } catch (e) {
      // No Secret yet is normal (still provisioning, no API server): the caller decides what to say.
      if (e instanceof KubeApiError && e.statusCode === 404) return undefined;
      this.logger.warn(`cluster access for ${id}: ${describeError(e)}`);
      return undefined;
    }
  }

  /** Debounced rebuild: changes within `debounce` make one version (at most 10× debounce late). */
  private schedule(): void {
    if (this.stopped) return;
    const debounce = this.config.timings.debounceMs;
    const now = Date.now();
    if (this.firstPendingAt === undefined) this.firstPendingAt = now;
    const deadline = this.firstPendingAt + Math.max(debounce * 10, 1);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.rebuild();
    }, Math.max(0, Math.min(debounce, deadline - now)));
  }

  private rebuild(): void {
    this.firstPendingAt = undefined;
    let built;
    const followed = this.followed;
    if (this.leases && !followed) return; // replica mode: nothing to serve before the database
    try {
      built = buildFleet(
        followed
          ? followed.views(this.config.managementClusters)
          : this.sources.map(s => s.view()),
        this.cache,
      );
    } catch (e) {
      // A bug, not bad data (extractors and the builder tolerate bad data): keep the last model.
      this.logger.error(
        `fleet model rebuild failed: ${describeError(e)}`,
        e as Error,
      );
      return;
    }
    this.reportProblems(built.problems);
    // Replica mode: the model's version is the database's, the same on every replica.
    const delta = this.model.update(
      built,
      new Date(),
      followed?.currentVersion,
    );
    if (!delta) return;
    for (const listener of [...this.listeners]) {
      try {
        listener(delta);
      } catch (e) {
        this.logger.warn(`fleet delta listener failed: ${describeError(e)}`);
      }
    }
  }

  private reportProblems(problems: FleetProblem[]): void {
    this.problems = problems;
    const current = new Set<string>();
    for (const p of problems) {
      const key = `${p.cluster}\0${p.object}\0${p.message}`;
      current.add(key);
      if (!this.reported.has(key)) {
        this.logger.warn(
          `fleet problem in ${p.cluster}: ${p.object}: ${p.message}`,
        );
      }
    }
    this.reported = current;
  }
}
