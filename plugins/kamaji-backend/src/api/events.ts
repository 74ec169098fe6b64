import { LoggerService } from '@backstage/backend-plugin-api';
import {
  AddonSetId,
  ClusterId,
  FleetCluster,
  FleetDelta,
  UpgradePlanProgress,
} from '@kamaji-backstage/plugin-kamaji-common';
import { FleetService } from '@kamaji-backstage/plugin-kamaji-node';
import { Response } from 'express';
import { PlanProgressFeed } from '../operations/PlanProgressFeed';
import { FleetMirror } from './mirror';
import { ConditionalView, ReadScope } from './visibility';

export interface FleetEventHubOptions {
  /** How many deltas are kept for clients that reconnect with `Last-Event-ID` / `since`. */
  bufferSize: number;
  /** Interval of the `: heartbeat` comment. */
  heartbeatMs: number;
  /** A stream is closed after this long; EventSource reconnects (and is authorized again). */
  maxConnectionMs: number;
  /** Bytes a slow client may have queued before its deltas are dropped for one `resync`. */
  maxQueuedBytes: number;
}

export const DEFAULT_EVENT_OPTIONS: FleetEventHubOptions = {
  bufferSize: 1000,
  heartbeatMs: 15_000,
  maxConnectionMs: 15 * 60_000,
  maxQueuedBytes: 1024 * 1024,
};

/** A buffered delta; its unfiltered `delta` event is serialised once, when a fleet-wide reader first needs it. */
class BufferedDelta {
  private serialised?: string;
  /** Nodes and addon sets it upserts or removes. */
  readonly changes: number;
  constructor(readonly delta: FleetDelta) {
    this.changes = changeCount(delta);
  }
  get event(): string {
    this.serialised ??= sseEvent('delta', this.delta.version, this.delta);
    return this.serialised;
  }
}

function sseEvent(event: string, id: number | undefined, data: unknown) {
  const idLine = id === undefined ? '' : `id: ${id}\n`;
  return `event: ${event}\n${idLine}data: ${JSON.stringify(data)}\n\n`;
}

/** Nodes and addon sets a delta upserts or removes. */
function changeCount(d: FleetDelta): number {
  return (
    d.upserted.length +
    d.removed.length +
    d.upsertedAddonSets.length +
    d.removedAddonSets.length
  );
}

function isEmpty(d: FleetDelta) {
  return changeCount(d) === 0;
}

/** One open `GET /v1/events` stream. */
class EventConnection {
  private view?: ConditionalView;
  /** The last model version this client was brought to (the `id` of the last event). */
  private lastVersion: number;
  private overflowed = false;
  private closed = false;
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly hub: FleetEventHub,
    private readonly res: Response,
    private readonly scope: ReadScope & { kind: 'all' | 'conditional' },
    /** Whether this caller is allowed `kamaji.fleet.upgrade` (and so sees `upgrade-plan` events). */
    readonly seesPlans: boolean,
    private readonly options: FleetEventHubOptions,
    private readonly onClose: (c: EventConnection) => void,
  ) {
    this.lastVersion = hub.mirror.version;
    if (scope.kind === 'conditional') {
      this.view = new ConditionalView(scope.predicate).loadForDeltas(
        hub.mirror,
      );
    }
  }

  start(since: number | undefined, epochMatches: boolean) {
    const { res } = this;
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    res.on('close', () => this.close());
    res.on('drain', () => this.onDrain());
    this.write(`retry: 3000\n\n`);

    const mirror = this.hub.mirror;
    if (since === undefined) {
      this.write(
        sseEvent('snapshot-version', mirror.version, this.hub.versionInfo()),
      );
    } else if (!epochMatches) {
      this.sendResync('epoch');
    } else {
      const replay = this.hub.deltasSince(since);
      if (!replay) {
        this.sendResync('since-not-buffered');
      } else if (this.scope.kind === 'all') {
        for (const b of replay) this.write(b.event);
      } else {
        this.replayConditional(
          since,
          replay.map(b => b.delta),
        );
      }
    }
    this.lastVersion = mirror.version;

    this.timers.push(
      setInterval(() => {
        if (!this.overflowed)
          this.write(`: heartbeat ${new Date().toISOString()}\n\n`);
      }, this.options.heartbeatMs),
      setTimeout(() => this.end(), this.options.maxConnectionMs),
    );
    for (const t of this.timers) t.unref?.();
  }

  /**
   * For a filtered stream, one delta from `since` to the current version: every cluster touched
   * since then that is visible now (islands and management clusters always, so their tenant
   * lists are right), and a removal for every touched one that is not.
   */
  private replayConditional(since: number, deltas: FleetDelta[]) {
    const mirror = this.hub.mirror;
    const view = this.view!;
    if (deltas.length === 0) return;
    const touched = new Set<ClusterId>();
    const touchedAddonSets = new Set<AddonSetId>();
    for (const d of deltas) {
      for (const c of d.upserted) touched.add(c.id);
      for (const id of d.removed) touched.add(id);
      for (const a of d.upsertedAddonSets) touchedAddonSets.add(a.id);
      for (const id of d.removedAddonSets) touchedAddonSets.add(id);
    }
    const snapshot = view.snapshot(mirror);
    const upserted: FleetCluster[] = [
      ...snapshot.managementClusters,
      ...snapshot.islands,
    ];
    const removed: ClusterId[] = [];
    for (const id of touched) {
      const node = view.cluster(id, mirror);
      if (node?.role === 'tenant') upserted.push(node);
      else if (!node) removed.push(id);
    }
    const visibleSets = new Set(snapshot.addonSets.map(a => a.id));
    const delta: FleetDelta = {
      fromVersion: since,
      version: mirror.version,
      generatedAt: mirror.generatedAt,
      upserted,
      removed,
      upsertedAddonSets: snapshot.addonSets,
      removedAddonSets: [...touchedAddonSets].filter(
        id => !visibleSets.has(id),
      ),
    };
    this.write(sseEvent('delta', mirror.version, delta));
  }

  onDelta(buffered: BufferedDelta) {
    if (this.closed) return;
    if (this.overflowed) {
      // Deltas are dropped until the client drains; it then gets one resync.
      return;
    }
    if (this.scope.kind === 'all') {
      this.write(buffered.event);
      this.lastVersion = buffered.delta.version;
    } else {
      const filtered = this.view!.visibleDelta(buffered.delta, this.hub.mirror);
      if (!isEmpty(filtered)) {
        filtered.fromVersion = this.lastVersion;
        this.write(sseEvent('delta', filtered.version, filtered));
        this.lastVersion = filtered.version;
      }
    }
    if (this.res.writableLength > this.options.maxQueuedBytes) {
      this.overflowed = true;
      this.hub.logger.warn(
        `live-update client too slow (${this.res.writableLength} bytes queued): dropping deltas until it drains, then resync`,
      );
    }
  }

  /** An `upgrade-plan` event; has no `id` (ids are fleet model versions). */
  onPlanProgress(event: string) {
    if (this.closed || this.overflowed) return;
    this.write(event);
  }

  /** The model jumped (or the client fell behind): tell the client to refetch the snapshot. */
  sendResync(reason: string) {
    const mirror = this.hub.mirror;
    if (this.scope.kind === 'conditional') {
      this.view = new ConditionalView(this.scope.predicate).loadForDeltas(
        mirror,
      );
    }
    this.write(
      sseEvent('resync', mirror.version, { ...this.hub.versionInfo(), reason }),
    );
    this.lastVersion = mirror.version;
  }

  private onDrain() {
    if (this.overflowed && !this.closed) {
      this.overflowed = false;
      this.sendResync('client-too-slow');
    }
  }

  private write(chunk: string) {
    if (this.closed) return;
    this.res.write(chunk);
  }

  end() {
    if (this.closed) return;
    this.res.end();
    this.close();
  }

  private close() {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.onClose(this);
  }
}

/**
 * Fans the fleet service's deltas out to the open `GET /v1/events` streams: one subscription to
 * the fleet for the whole plugin, a bounded buffer of recent deltas for reconnecting clients, and
 * a filtered view per stream for callers with a conditional read decision.
 */
export class FleetEventHub {
  readonly mirror = new FleetMirror();
  /** Identifies this process's model: versions restart when the backend does. */
  private readonly localEpoch = `${Date.now().toString(36)}${Math.floor(
    Math.random() * 1e6,
  ).toString(36)}`;
  private readonly buffer: BufferedDelta[] = [];
  private bufferedChanges = 0;
  private readonly connections = new Set<EventConnection>();
  private unsubscribe?: () => void;
  private unsubscribePlans?: () => void;
  private started = false;

  constructor(
    private readonly fleet: FleetService,
    readonly logger: LoggerService,
    private readonly options: FleetEventHubOptions = DEFAULT_EVENT_OPTIONS,
    /** Upgrade plan progress, read only while a stream allowed to see it is open. */
    private readonly plans?: PlanProgressFeed,
  ) {}

  start() {
    if (this.started) return;
    this.started = true;
    // Subscribe first so nothing falls between the snapshot and the first delta.
    this.unsubscribe = this.fleet.subscribe(delta => this.onDelta(delta));
    this.mirror.reset(this.fleet.getSnapshot());
  }

  stop() {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    for (const c of [...this.connections]) c.end();
    this.watchPlans();
  }

  /**
   * What the version numbers are relative to: this process's model, or with several replicas
   * the fleet-wide database counter (a client's version then means the same on every replica).
   */
  get epoch(): string {
    return this.fleet.epoch ?? this.localEpoch;
  }

  get connectionCount() {
    return this.connections.size;
  }

  versionInfo() {
    return {
      version: this.mirror.version,
      generatedAt: this.mirror.generatedAt,
      epoch: this.epoch,
    };
  }

  /**
   * The buffered deltas after `since`, or undefined when they are not all buffered any more
   * (or `since` is not a version this model has had).
   */
  deltasSince(since: number): BufferedDelta[] | undefined {
    if (since === this.mirror.version) return [];
    if (this.fleet.epoch !== undefined) return this.fleetWideDeltasSince(since);
    if (since > this.mirror.version) return undefined;
    const first = this.buffer.findIndex(b => b.delta.fromVersion === since);
    if (first < 0) return undefined;
    return this.buffer.slice(first);
  }

  /**
   * With fleet-wide versions, `since` may come from another replica, which materialised other
   * versions: replay from the greatest version this one had at or below it (a superset of what
   * the client misses; deltas apply idempotently). A client ahead of this replica (it follows
   * the database a little later) gets the next deltas as they come.
   */
  private fleetWideDeltasSince(since: number): BufferedDelta[] | undefined {
    if (since > this.mirror.version) return [];
    let first = -1;
    for (let i = 0; i < this.buffer.length; i++) {
      if (this.buffer[i].delta.fromVersion <= since) first = i;
      else break;
    }
    return first < 0 ? undefined : this.buffer.slice(first);
  }

  /**
   * Opens a stream on `res`; `seesPlans`: the caller is allowed `kamaji.fleet.upgrade` and gets
   * `upgrade-plan` events.
   */
  open(
    res: Response,
    scope: ReadScope & { kind: 'all' | 'conditional' },
    since: number | undefined,
    epoch: string | undefined,
    seesPlans = false,
  ) {
    this.start();
    const connection = new EventConnection(
      this,
      res,
      scope,
      seesPlans,
      this.options,
      c => {
        this.connections.delete(c);
        this.watchPlans();
      },
    );
    this.connections.add(connection);
    connection.start(since, epoch === undefined || epoch === this.epoch);
    this.watchPlans();
  }

  /**
   * Buffers a delta for reconnecting clients, within `bufferSize` deltas and at most half the
   * fleet's nodes in changes: replaying more than that costs a client more than refetching the
   * snapshot (whose tenants are compact), so it gets a resync instead, and the buffer does not
   * hold the nodes a large change (the initial sync, a relist) replaced.
   */
  private keep(buffered: BufferedDelta) {
    this.buffer.push(buffered);
    this.bufferedChanges += buffered.changes;
    const maxChanges = this.mirror.size / 2;
    while (
      this.buffer.length > this.options.bufferSize ||
      this.bufferedChanges > maxChanges
    ) {
      this.bufferedChanges -= this.buffer.shift()!.changes;
    }
  }

  /** Reads plan progress while, and only while, a stream that may see it is open. */
  private watchPlans() {
    const wanted = [...this.connections].some(c => c.seesPlans);
    if (wanted && !this.unsubscribePlans && this.plans) {
      this.unsubscribePlans = this.plans.subscribe(p => this.onPlanProgress(p));
    } else if (!wanted && this.unsubscribePlans) {
      this.unsubscribePlans();
      this.unsubscribePlans = undefined;
    }
  }

  private onPlanProgress(progress: UpgradePlanProgress) {
    const event = sseEvent('upgrade-plan', undefined, progress);
    for (const c of this.connections) {
      if (c.seesPlans) c.onPlanProgress(event);
    }
  }

  private onDelta(delta: FleetDelta) {
    try {
      if (delta.version <= this.mirror.version) return; // already in the snapshot we started from
      if (delta.fromVersion !== this.mirror.version) {
        // A gap: rebuild from the service and make every client refetch.
        this.logger.warn(
          `fleet delta ${delta.fromVersion}→${delta.version} does not follow ${this.mirror.version}; live-update clients resync`,
        );
        this.mirror.reset(this.fleet.getSnapshot());
        this.buffer.length = 0;
        this.bufferedChanges = 0;
        for (const c of this.connections) c.sendResync('model-gap');
        return;
      }
      this.mirror.apply(delta);
      const buffered = new BufferedDelta(delta);
      this.keep(buffered);
      for (const c of this.connections) c.onDelta(buffered);
    } catch (e) {
      this.logger.error(`live-update fan-out failed: ${(e as Error).message}`);
    }
  }
}
