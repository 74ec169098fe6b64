import { LoggerService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import {
  DeferredEntity,
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import {
  FleetCluster,
  FleetDelta,
  FleetSnapshot,
} from '@kamaji-backstage/plugin-kamaji-common';
import { FleetService } from '@kamaji-backstage/plugin-kamaji-node';
import { KamajiCatalogSettings } from './config';
import { ClusterEntityMapper, locationOf } from './entities';

/** How many entities are built or written before yielding to the event loop. */
export const CHUNK_SIZE = 500;

const yieldToEventLoop = () => new Promise<void>(r => setImmediate(r));

function allClusters(s: FleetSnapshot): FleetCluster[] {
  return [...s.managementClusters, ...s.islands, ...s.tenants];
}

/**
 * Writes the fleet's management clusters, islands and tenant clusters (managed and unmanaged) as
 * `Resource` entities: a full mutation once the fleet service is ready and on a schedule, and a
 * delta mutation for every change of the fleet model in between. With several backend replicas,
 * only the replica holding the fleet's catalog role writes (a full mutation when it gains it).
 *
 * @public
 */
export class KamajiEntityProvider implements EntityProvider {
  private connection?: EntityProviderConnection;
  private unsubscribe?: () => void;
  private unsubscribeHolds?: () => void;
  private holding = false;
  /** Serialises full and delta mutations. */
  private chain: Promise<void> = Promise.resolve();
  /** The model version the catalog holds; deltas at or below it are skipped. */
  private version = -1;
  private started = false;
  readonly mapper: ClusterEntityMapper;

  constructor(
    private readonly fleet: FleetService,
    settings: KamajiCatalogSettings,
    private readonly logger: LoggerService,
  ) {
    this.mapper = new ClusterEntityMapper(settings);
  }

  getProviderName(): string {
    return 'kamaji-fleet';
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    // Do not hold up the catalog's start while the fleet connects to its clusters.
    this.start().catch(e =>
      this.logger.error(`kamaji entity provider failed to start: ${e}`),
    );
  }

  private async start() {
    if (this.started) return;
    this.started = true;
    await this.fleet.ready();
    // Subscribe first: deltas that arrive while the full mutation runs are applied after it.
    this.unsubscribe = this.fleet.subscribe(delta => {
      this.enqueue(() => this.writeDelta(delta));
    });
    this.holding = this.holds();
    this.unsubscribeHolds = this.fleet.onHoldsChange?.(() => {
      const gained = this.holds() && !this.holding;
      this.holding = this.holds();
      if (gained) void this.refresh();
    });
    await this.refresh();
  }

  /** Whether this replica writes the catalog (always, with one backend replica). */
  private holds(): boolean {
    return this.fleet.holds?.('catalog') ?? true;
  }

  /** Stops following the fleet (on shutdown). */
  stop() {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.unsubscribeHolds?.();
    this.unsubscribeHolds = undefined;
  }

  /** Writes the whole fleet (a full mutation), e.g. on the schedule. Resolves when written. */
  refresh(): Promise<void> {
    return this.enqueue(() => this.applyFull());
  }

  /** Resolves once every mutation queued so far is written. */
  idle(): Promise<void> {
    return this.chain;
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const next = this.chain.then(task).catch(e => {
      this.logger.error(`kamaji entity provider: ${e}`);
    });
    this.chain = next;
    return next;
  }

  private deferred(entity: Entity): DeferredEntity {
    return {
      entity,
      locationKey: locationOf(
        entity.metadata.labels!['kamaji-backstage.io/management-cluster'],
      ),
    };
  }

  private async applyFull() {
    if (!this.connection || !this.holds()) return;
    const snapshot = this.fleet.getSnapshot();
    const nodes = allClusters(snapshot);
    const entities: DeferredEntity[] = [];
    for (let i = 0; i < nodes.length; i += CHUNK_SIZE) {
      for (const node of nodes.slice(i, i + CHUNK_SIZE)) {
        const e = this.mapper.toEntity(node);
        if (e) entities.push(this.deferred(e));
      }
      if (i + CHUNK_SIZE < nodes.length) await yieldToEventLoop();
    }
    await this.connection.applyMutation({ type: 'full', entities });
    this.version = snapshot.version;
    this.logger.info(
      `kamaji entity provider wrote ${entities.length} cluster entities (fleet version ${snapshot.version})`,
    );
  }

  /** Writes the entities one delta changes, removes the ones it removes. */
  private async writeDelta(delta: FleetDelta) {
    if (!this.connection || delta.version <= this.version) return;
    // Another replica writes the catalog; on gaining the role this one writes it in full.
    if (!this.holds()) return;
    if (delta.fromVersion !== this.version) {
      // A gap (should not happen: deltas arrive in order); write everything again.
      await this.applyFull();
      return;
    }
    const added: DeferredEntity[] = [];
    const removed: Array<{ entityRef: string; locationKey?: string }> = [];
    for (const node of delta.upserted) {
      const e = this.mapper.toEntity(node);
      if (e) added.push(this.deferred(e));
      else
        removed.push({
          entityRef: this.mapper.entityRef(node.id),
          locationKey: locationOf(node.managementCluster),
        });
    }
    for (const id of delta.removed) {
      removed.push({
        entityRef: this.mapper.entityRef(id),
        locationKey: locationOf(id.split('/')[0]),
      });
    }
    this.version = delta.version;
    if (!added.length && !removed.length) return;
    // Large changes are written in chunks so the catalog's event loop keeps serving requests.
    for (
      let i = 0;
      i < Math.max(added.length, removed.length);
      i += CHUNK_SIZE
    ) {
      await this.connection.applyMutation({
        type: 'delta',
        added: added.slice(i, i + CHUNK_SIZE),
        removed: removed.slice(i, i + CHUNK_SIZE),
      });
      await yieldToEventLoop();
    }
  }
}
