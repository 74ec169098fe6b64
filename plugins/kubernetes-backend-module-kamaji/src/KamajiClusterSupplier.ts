import {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { ANNOTATION_KUBERNETES_AUTH_PROVIDER } from '@backstage/plugin-kubernetes-common';
import {
  ClusterDetails,
  KubernetesClustersSupplier,
} from '@backstage/plugin-kubernetes-node';
import {
  ClusterId,
  FleetCluster,
  FleetDelta,
} from '@kamaji-backstage/plugin-kamaji-common';
import { FleetService } from '@kamaji-backstage/plugin-kamaji-node';
import {
  KAMAJI_AUTH_PROVIDER,
  KAMAJI_CLUSTER_ID_METADATA,
  KamajiAuthStrategy,
} from './KamajiAuthStrategy';
import { KamajiKubernetesSettings } from './settings';
import { ImpersonatedUser, withImpersonation } from './impersonation';

/** The fleet identity of a caller: a signed-in user's, else none. @public */
export type CallerIdentity = (
  credentials: BackstageCredentials,
) => Promise<ImpersonatedUser | undefined>;

/**
 * Which fleet clusters a caller may be offered: a predicate from the caller's
 * `kamaji.cluster.read` decision (see {@link readableClustersOf}). @public
 */
export type ReadableClusters = (
  credentials: BackstageCredentials,
) => Promise<(cluster: FleetCluster) => boolean>;

/** Where a cluster's API server is (no credentials: those are fetched per request). */
interface Endpoint {
  url: string;
  caData?: string;
  skipTLSVerify?: boolean;
}

const CONCURRENCY = 8;

/**
 * Supplies the fleet's tenant clusters and islands to the Kubernetes plugin. Cluster URLs and CA
 * data come from the fleet's `getClusterAccess` (resolved once per cluster, again when the cluster
 * changes and every `accessRefreshMs`). The details are handed out per caller: for a signed-in
 * user they carry the user's identity, which the fetcher and the proxy send as Kubernetes
 * impersonation with the credential {@link KamajiAuthStrategy} gives; for any other caller they
 * carry none, and fleet clusters then get no credential. A caller is offered only the clusters
 * its `kamaji.cluster.read` lets it see, as in the fleet API and the catalog: another team's
 * tenant is neither listed nor asked. Clusters that cannot be reached now (a
 * disconnected island, tenants whose data is stale because their island is unreachable, or clusters
 * without readable access) are left out instead of failing the page.
 *
 * @public
 */
export class KamajiClusterSupplier implements KubernetesClustersSupplier {
  private readonly endpoints = new Map<ClusterId, Endpoint>();
  private initial?: Promise<void>;
  private unsubscribe?: () => void;
  private timer?: NodeJS.Timeout;
  private pending = new Set<ClusterId>();
  private flushing?: Promise<void>;
  /** Wanted clusters without a readable kubeconfig Secret, and the last list reported of them. */
  private readonly withoutAccess = new Set<ClusterId>();
  private reportedWithoutAccess = '';

  constructor(
    private readonly fleet: FleetService,
    private readonly settings: KamajiKubernetesSettings,
    private readonly logger: LoggerService,
    private readonly identify: CallerIdentity,
    private readonly readable: ReadableClusters,
    private readonly authStrategy?: KamajiAuthStrategy,
    private readonly fallback?: KubernetesClustersSupplier,
  ) {}

  /** Starts following the fleet. Idempotent; getClusters calls it too. */
  start(): Promise<void> {
    if (!this.initial) {
      this.initial = (async () => {
        await this.fleet.ready();
        this.unsubscribe = this.fleet.subscribe(d => this.onDelta(d));
        await this.resolveAll();
        this.timer = setInterval(
          () => this.resolveAll().catch(() => {}),
          this.settings.accessRefreshMs,
        );
        this.timer.unref?.();
      })();
    }
    return this.initial;
  }

  stop() {
    this.unsubscribe?.();
    if (this.timer) clearInterval(this.timer);
  }

  /** Whether a cluster is offered at all (role and management cluster filters). */
  private wanted(node: FleetCluster): boolean {
    const mcs = this.settings.managementClusters;
    if (mcs && !mcs.includes(node.managementCluster)) return false;
    if (node.role === 'island') return this.settings.includeIslands;
    if (node.role === 'tenant')
      return this.settings.includeTenants && node.managed;
    return false;
  }

  /** Whether a cluster can be reached now. */
  private reachable(node: FleetCluster): boolean {
    if (node.staleness.stale) return false;
    if (node.role === 'island')
      return node.connection.status !== 'disconnected';
    if (node.role === 'tenant' && node.islandId) {
      const island = this.fleet.getCluster(node.islandId);
      if (
        island?.role === 'island' &&
        island.connection.status === 'disconnected'
      )
        return false;
    }
    return true;
  }

  private onDelta(delta: FleetDelta) {
    for (const id of delta.removed) {
      this.endpoints.delete(id);
      this.authStrategy?.forget(id);
    }
    for (const node of delta.upserted) {
      if (!this.wanted(node)) {
        this.endpoints.delete(node.id);
        continue;
      }
      // Re-resolve when the cluster is new, or when it may have a new API server.
      const known = this.endpoints.get(node.id);
      if (!known || this.reachable(node)) this.pending.add(node.id);
    }
    this.flush();
  }

  private flush() {
    if (this.flushing || !this.pending.size) return;
    this.flushing = (async () => {
      while (this.pending.size) {
        const ids = [...this.pending];
        this.pending.clear();
        await this.resolve(ids);
      }
    })().finally(() => {
      this.flushing = undefined;
    });
  }

  private async resolveAll() {
    const s = this.fleet.getSnapshot();
    const ids = [...s.islands, ...s.tenants]
      .filter(n => this.wanted(n))
      .map(n => n.id);
    for (const id of this.endpoints.keys())
      if (!ids.includes(id)) this.endpoints.delete(id);
    await this.resolve(ids);
  }

  private async resolve(ids: ClusterId[]) {
    let next = 0;
    const worker = async () => {
      while (next < ids.length) {
        const id = ids[next++];
        const node = this.fleet.getCluster(id);
        if (!node || !this.wanted(node)) {
          this.endpoints.delete(id);
          continue;
        }
        if (!this.reachable(node) && this.endpoints.has(id)) continue; // keep the last known
        try {
          const access = await this.fleet.getClusterAccess(id);
          if (!access) {
            this.endpoints.delete(id);
            this.withoutAccess.add(id);
            continue;
          }
          this.withoutAccess.delete(id);
          const cluster = access.kubeConfig.getCurrentCluster();
          this.endpoints.set(id, {
            url: access.server,
            caData: cluster?.caData,
            skipTLSVerify: cluster?.skipTLSVerify || undefined,
          });
          this.authStrategy?.forget(id);
        } catch (e) {
          this.logger.warn(`kamaji cluster supplier: no access to ${id}: ${e}`);
          this.endpoints.delete(id);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    this.reportWithoutAccess();
  }

  /** One log line when the set of clusters without access changes, not one per refresh. */
  private reportWithoutAccess() {
    for (const id of this.withoutAccess)
      if (!this.fleet.getCluster(id)) this.withoutAccess.delete(id);
    const list = [...this.withoutAccess].sort().join(', ');
    if (list === this.reportedWithoutAccess) return;
    this.reportedWithoutAccess = list;
    if (list)
      this.logger.info(
        `kamaji cluster supplier: no kubeconfig Secret readable for ${this.withoutAccess.size} cluster(s), not offered to the Kubernetes plugin until there is one: ${list}`,
      );
  }

  async getClusters(
    options: Parameters<KubernetesClustersSupplier['getClusters']>[0],
  ): Promise<ClusterDetails[]> {
    await this.start();
    if (this.flushing) await this.flushing;
    const [caller, mayRead] = await Promise.all([
      this.identify(options.credentials),
      this.readable(options.credentials),
    ]);
    const fleetClusters: ClusterDetails[] = [];
    for (const [id, ep] of [...this.endpoints].sort(([a], [b]) =>
      a < b ? -1 : 1,
    )) {
      const node = this.fleet.getCluster(id);
      if (!node || !this.wanted(node) || !this.reachable(node)) continue;
      if (!mayRead(node)) continue;
      const details: ClusterDetails = {
        name: id,
        title: node.title ?? node.name,
        url: ep.url,
        caData: ep.caData,
        skipTLSVerify: ep.skipTLSVerify,
        skipMetricsLookup: this.settings.skipMetricsLookup || undefined,
        authMetadata: {
          [ANNOTATION_KUBERNETES_AUTH_PROVIDER]: KAMAJI_AUTH_PROVIDER,
          [KAMAJI_CLUSTER_ID_METADATA]: id,
        },
      };
      fleetClusters.push(caller ? withImpersonation(details, caller) : details);
    }
    let configured: ClusterDetails[] = [];
    if (this.fallback) {
      try {
        configured = await this.fallback.getClusters(options);
      } catch (e) {
        this.logger.warn(
          `configured Kubernetes clusters could not be read: ${e}`,
        );
      }
    }
    const names = new Set(fleetClusters.map(c => c.name));
    return [...configured.filter(c => !names.has(c.name)), ...fleetClusters];
  }
}
