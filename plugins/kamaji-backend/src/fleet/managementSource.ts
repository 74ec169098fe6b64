import { createHash } from 'node:crypto';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { KubeConfig } from '@kubernetes/client-node';
import {
  clusterId,
  ConnectionState,
  FleetProblem,
  Staleness,
} from '@kamaji-backstage/plugin-kamaji-common';
import { ClusterSource, ConnectionTransition } from './clusterSource';
import type { FleetTimings, ManagementClusterConfig } from './config';
import { findIslands, IslandRef } from './islands';
import { islandKinds, managementKinds } from './kinds';
import { describeError } from '@kamaji-backstage/plugin-kamaji-node';
import type { IslandView, ManagementView } from './modelBuilder';
import { extractSecret, SlimCluster, SlimKcp, SlimSecret } from './objects';
import { kubeConfigFromSecretValue } from './secretKubeConfig';
import {
  disconnectedSince,
  LastKnownState,
  SeededSource,
} from './seededSource';
import { UnreachedIsland } from './unreachedIsland';

/** A watched cluster by id (the management cluster's name, or the island's id). */
export interface WatchedCluster {
  id: string;
  source: ClusterSource;
}

/** Uplink transitions of this management cluster and its islands, by cluster id. */
export type TransitionListener = (
  clusterId: string,
  transition: ConnectionTransition,
) => void;

/**
 * Replica mode: which islands this replica watches (it holds their shard), and their latest
 * saved state to start from when it takes one over.
 */
export interface IslandOwnership {
  watches(clusterId: string): boolean;
  lastKnown(clusterId: string): LastKnownState | undefined;
}

interface IslandHandle {
  ref: IslandRef;
  source?: ClusterSource;
  /** sha256 of the kubeconfig the source uses. */
  credentialsHash?: string;
  /** Why there is no (current) connection: Secret missing, kubeconfig refused. */
  error?: string;
  since: Date;
  /** Last-known state from the database, until a source takes it over. */
  seed?: LastKnownState;
}

/**
 * One configured management cluster: its own ClusterSource, and one ClusterSource per island,
 * created from the island's CAPI kubeconfig Secret (read with the management cluster's
 * credentials, watched so that a rotated Secret reconnects) and stopped when the island goes.
 */
export class ManagementSource {
  readonly source: ClusterSource;
  private readonly islands = new Map<string, IslandHandle>();
  private islandsBySecret = new Map<string, string>();
  private wanted = new Set<string>();
  /** Data of wanted Secrets read directly (they were listed before we knew we needed them). */
  private fetched = new Map<
    string,
    { hash: string; data: Record<string, string> }
  >();
  private islandSeeds = new Map<string, LastKnownState>();
  private reconciling?: Promise<void>;
  private again = false;
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    readonly config: ManagementClusterConfig,
    kubeConfig: KubeConfig,
    private readonly timings: FleetTimings,
    private readonly logger: LoggerService,
    private readonly onChange: () => void,
    private readonly onTransition?: TransitionListener,
    private readonly ownership?: IslandOwnership,
  ) {
    this.source = new ClusterSource({
      displayName: `management cluster ${config.name}`,
      kubeConfig,
      kinds: managementKinds((ns, name) => this.wanted.has(`${ns}/${name}`)),
      timings,
      logger,
      onChange: () => {
        this.scheduleReconcile();
        onChange();
      },
      onTransition: onTransition && (t => onTransition(config.name, t)),
    });
  }

  get name(): string {
    return this.config.name;
  }

  private islandId(ref: { namespace: string; name: string }): string {
    return clusterId({ managementCluster: this.name, ...ref });
  }

  /**
   * Seeds the management cluster and its islands with their last-known state (by cluster id),
   * for those not listed since start.
   */
  seed(saved: ReadonlyMap<string, LastKnownState>): void {
    const own = saved.get(this.name);
    if (own) this.source.seed(own);
    for (const [id, state] of saved) {
      if (id.startsWith(`${this.name}/`)) this.islandSeeds.set(id, state);
    }
    for (const h of this.islands.values()) {
      const state = this.islandSeeds.get(this.islandId(h.ref));
      if (!state) continue;
      if (h.source) h.source.seed(state);
      else h.seed = state;
    }
    this.scheduleReconcile();
    this.onChange();
  }

  /** The clusters watched now: this management cluster and its connected-to islands. */
  watched(): WatchedCluster[] {
    const out: WatchedCluster[] = [{ id: this.name, source: this.source }];
    for (const h of this.islands.values()) {
      if (h.source) out.push({ id: this.islandId(h.ref), source: h.source });
    }
    return out;
  }

  /**
   * Islands without a connection (h.error: the Secret is missing, unreadable or refused), for
   * saving as their connection and the objects last saved of them.
   */
  unreached(): Array<{ id: string; source: UnreachedIsland }> {
    const out: Array<{ id: string; source: UnreachedIsland }> = [];
    for (const h of this.islands.values()) {
      if (h.source || !h.error) continue;
      const connection: ConnectionState = {
        status: 'disconnected',
        since: unreachedSince(h),
        lastError: h.error,
      };
      if (h.seed?.lastSyncAt) connection.lastSyncAt = h.seed.lastSyncAt;
      out.push({
        id: this.islandId(h.ref),
        source: new UnreachedIsland(connection, h.seed),
      });
    }
    return out;
  }

  /** Whether the islands are known from a live list (not only from the database). */
  get islandsLive(): boolean {
    return (
      this.source.live('Cluster') && this.source.live('KamajiControlPlane')
    );
  }

  /** Ids of the islands known now (live or seeded). */
  islandIds(): string[] {
    return [...this.islands.values()].map(h => this.islandId(h.ref));
  }

  start(): void {
    this.stopped = false;
    this.source.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.reconciling;
    await Promise.all([
      this.source.stop(),
      ...[...this.islands.values()].map(h => h.source?.stop()),
    ]);
  }

  /** Resolves when the management cluster and the islands known then were synced or found unreachable. */
  async settled(islandTimeoutMs: number): Promise<void> {
    await this.source.settled;
    await this.reconcileNow();
    const islands = [...this.islands.values()]
      .map(h => h.source?.settled)
      .filter((p): p is Promise<void> => !!p);
    await Promise.race([
      Promise.all(islands),
      new Promise(r => setTimeout(r, islandTimeoutMs).unref()),
    ]);
  }

  /** The island's connection details, for getClusterAccess. */
  islandAccess(
    key: string,
  ): { server: string; kubeConfig: KubeConfig } | undefined {
    const source = this.islands.get(key)?.source;
    return source
      ? { server: source.server, kubeConfig: source.kubeConfig }
      : undefined;
  }

  view(): ManagementView {
    const islands = new Map<string, IslandView>();
    const problems: FleetProblem[] = [];
    for (const [key, h] of this.islands) {
      if (h.error) {
        problems.push({
          cluster: this.name,
          object: `Cluster ${key} (island)`,
          message: h.error,
        });
      }
      let connection: ConnectionState;
      let staleness: Staleness;
      let source: IslandView['source'] = h.source;
      if (!h.source && h.seed) {
        const seeded = new SeededSource(h.seed, h.error ?? 'connecting');
        source = seeded;
        connection = seeded.connection;
        staleness = seeded.staleness;
      } else if (h.source) {
        connection = h.source.connection;
        staleness = h.source.staleness;
        if (
          h.error &&
          connection.status === 'disconnected' &&
          !connection.lastError
        ) {
          connection = { ...connection, lastError: h.error };
        }
      } else {
        connection = {
          status: 'disconnected',
          since: h.since.toISOString(),
          lastError: h.error ?? 'connecting',
        };
        staleness = { stale: true };
      }
      islands.set(key, { ref: h.ref, source, connection, staleness });
    }
    return {
      name: this.name,
      title: this.config.title,
      owner: this.config.owner,
      source: this.source,
      islands,
      islandsBySecret: this.islandsBySecret,
      problems,
    };
  }

  private scheduleReconcile(): void {
    if (this.timer || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.reconcileNow();
    }, Math.max(this.timings.debounceMs, 50));
  }

  /** Brings the island connections in line with the Clusters, KCPs and Secrets seen. */
  reconcileNow(): Promise<void> {
    if (this.reconciling) {
      this.again = true;
      return this.reconciling;
    }
    this.reconciling = (async () => {
      do {
        this.again = false;
        try {
          await this.reconcile();
        } catch (e) {
          this.logger.error(
            `management cluster ${
              this.name
            }: island reconcile failed (${describeError(e)})`,
          );
        }
      } while (this.again && !this.stopped);
    })().finally(() => {
      this.reconciling = undefined;
    });
    return this.reconciling;
  }

  private async reconcile(): Promise<void> {
    if (this.stopped) return;
    const src = this.source;
    if (!src.readable('Cluster')) return;
    const secrets = src.items<SlimSecret>('Secret');
    const { islands, bySecret } = findIslands(
      src.items<SlimCluster>('Cluster') as Map<string, SlimCluster>,
      src.items<SlimKcp>('KamajiControlPlane').values(),
      secrets as Map<string, SlimSecret>,
    );
    this.islandsBySecret = bySecret;
    this.wanted = new Set(
      [...islands.values()].map(r => `${r.secretNamespace}/${r.secretName}`),
    );
    let changed = await this.dropFormerIslands(islands);
    for (const key of this.fetched.keys())
      if (!this.wanted.has(key)) this.fetched.delete(key);
    for (const [key, ref] of islands) {
      if (await this.reconcileIsland(key, ref, secrets)) changed = true;
    }
    if (changed) this.onChange();
  }

  /** Stops the connections of the Clusters that are no longer islands; true when there were. */
  private async dropFormerIslands(
    islands: ReadonlyMap<string, IslandRef>,
  ): Promise<boolean> {
    let changed = false;
    for (const [key, h] of this.islands) {
      if (islands.has(key)) continue;
      this.islands.delete(key);
      await h.source?.stop();
      this.logger.info(
        `management cluster ${this.name}: ${key} is no longer an island`,
      );
      changed = true;
    }
    return changed;
  }

  /** Brings one island's connection in line with its kubeconfig Secret; true when it changed. */
  private async reconcileIsland(
    key: string,
    ref: IslandRef,
    secrets: ReadonlyMap<string, SlimSecret>,
  ): Promise<boolean> {
    let changed = false;
    let h = this.islands.get(key);
    if (!h) {
      h = {
        ref,
        since: new Date(),
        seed: this.islandSeeds.get(this.islandId(ref)),
      };
      this.islands.set(key, h);
      changed = true;
    }
    h.ref = ref;
    if (this.ownership && !this.ownership.watches(this.islandId(ref))) {
      return (await this.leaveToHolder(h)) || changed;
    }
    if (this.ownership && !h.source) {
      h.seed = this.ownership.lastKnown(this.islandId(ref));
    }
    const before = h.error;
    const kubeconfig = await this.islandKubeconfig(ref, secrets);
    // Not listed yet: wait for the list (this runs again on every change).
    if (!kubeconfig) return changed;
    let error = kubeconfig.error;
    if (kubeconfig.value !== undefined) {
      const connected = await this.connectIsland(h, kubeconfig.value, before);
      if (connected.changed) changed = true;
      error = connected.error;
    }
    return this.noteIslandError(h, before, error) || changed;
  }

  /**
   * The island's kubeconfig from its Secret, or why it cannot be had; undefined while the
   * Secrets are not listed yet.
   */
  private async islandKubeconfig(
    ref: IslandRef,
    secrets: ReadonlyMap<string, SlimSecret>,
  ): Promise<{ value?: string; error?: string } | undefined> {
    const secretKey = `${ref.secretNamespace}/${ref.secretName}`;
    const secret = secrets.get(secretKey);
    let data = secret?.data;
    if (secret && !data)
      data = await this.fetchSecretData(secretKey, secret.hash);
    if (!this.source.readable('Secret')) {
      const reason = this.source.unreadableReason('Secret');
      if (!reason) return undefined;
      return {
        error: `kubeconfig Secret ${secretKey} cannot be read (${reason})`,
      };
    }
    if (!secret) return { error: `kubeconfig Secret ${secretKey} not found` };
    if (!data)
      return { error: `kubeconfig Secret ${secretKey} could not be read` };
    const value = data[ref.secretKey];
    if (!value) {
      return {
        error: `kubeconfig Secret ${secretKey} has no key "${ref.secretKey}"`,
      };
    }
    return { value };
  }

  /**
   * Connects the island with the kubeconfig `value`, or reconnects it when the kubeconfig
   * changed (a rotated Secret). The same refused kubeconfig keeps its error (`before`).
   */
  private async connectIsland(
    h: IslandHandle,
    value: string,
    before: string | undefined,
  ): Promise<{ changed: boolean; error?: string }> {
    const hash = createHash('sha256').update(value).digest('hex');
    if (hash === h.credentialsHash) {
      return {
        changed: false,
        error: before && !h.source ? before : undefined,
      };
    }
    h.credentialsHash = hash;
    const secret = `Secret ${h.ref.secretNamespace}/${h.ref.secretName}`;
    try {
      const kc = kubeConfigFromSecretValue(value, secret);
      if (h.source) {
        this.logger.info(
          `island ${h.ref.name}: kubeconfig ${secret} changed, reconnecting`,
        );
        await h.source.setKubeConfig(kc);
      } else {
        this.startIsland(h, kc);
      }
      return { changed: true };
    } catch (e) {
      return { changed: false, error: describeError(e) };
    }
  }

  /** Starts watching a newly connectable island, from its last-known state if there is one. */
  private startIsland(h: IslandHandle, kubeConfig: KubeConfig): void {
    const id = this.islandId(h.ref);
    const onTransition = this.onTransition;
    h.source = new ClusterSource({
      displayName: `island ${h.ref.name}`,
      kubeConfig,
      kinds: islandKinds(),
      timings: this.timings,
      logger: this.logger,
      onChange: this.onChange,
      seed: h.seed,
      onTransition: onTransition && (t => onTransition(id, t)),
    });
    h.seed = undefined;
    this.islandSeeds.delete(id);
    this.logger.info(
      `island ${h.ref.name}: connecting with kubeconfig Secret ${h.ref.secretNamespace}/${h.ref.secretName}`,
    );
    if (!this.stopped) h.source.start();
  }

  /** Records why the island has no (current) connection; true when that changed. */
  private noteIslandError(
    h: IslandHandle,
    before: string | undefined,
    error: string | undefined,
  ): boolean {
    if (error && !h.source && h.seed) h.seed = unreachable(h.seed, error);
    if (error === before) return false;
    h.error = error;
    h.since = new Date();
    if (error) this.logger.warn(`island ${h.ref.name}: ${error}`);
    if (error && !h.source) this.reportUnreached(h, error);
    return true;
  }

  /** An island found unconnectable is a disconnected transition. */
  private reportUnreached(h: IslandHandle, reason: string): void {
    this.onTransition?.(this.islandId(h.ref), {
      status: 'disconnected',
      at: unreachedSince(h),
      reason,
    });
  }

  /**
   * Replica mode: stops the watches of an island whose shard this replica does not hold (any
   * more). Returns whether watches were stopped.
   */
  private async leaveToHolder(h: IslandHandle): Promise<boolean> {
    const source = h.source;
    if (!source) return false;
    h.source = undefined;
    h.credentialsHash = undefined;
    await source.stop();
    this.logger.info(
      `island ${h.ref.name}: watches left to the replica holding its shard`,
    );
    return true;
  }

  private async fetchSecretData(
    key: string,
    hash: string,
  ): Promise<Record<string, string> | undefined> {
    const cached = this.fetched.get(key);
    if (cached && cached.hash === hash) return cached.data;
    const [namespace, name] = key.split('/');
    try {
      const obj = await this.source.client.getJson(
        `/api/v1/namespaces/${encodeURIComponent(
          namespace,
        )}/secrets/${encodeURIComponent(name)}`,
        { timeoutMs: 10_000 },
      );
      const slim = extractSecret(obj, () => true);
      if (!slim.data) return undefined;
      this.fetched.set(key, { hash: slim.hash, data: slim.data });
      return slim.data;
    } catch (e) {
      this.logger.warn(
        `management cluster ${
          this.name
        }: reading Secret ${key} failed (${describeError(e)})`,
      );
      return undefined;
    }
  }
}

/** Since when an island without a connection is disconnected: since it last answered, if it ever did. */
function unreachedSince(h: IslandHandle): string {
  return h.seed ? disconnectedSince(h.seed) : h.since.toISOString();
}

/** The last-known state of an island that cannot be connected to now: disconnected, and why. */
function unreachable(state: LastKnownState, reason: string): LastKnownState {
  return {
    ...state,
    status: 'disconnected',
    since: disconnectedSince(state),
    lastError: reason,
  };
}
