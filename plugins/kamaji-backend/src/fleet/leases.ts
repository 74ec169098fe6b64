import { createHash } from 'node:crypto';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { ReplicaConfig } from './config';
import {
  describeError,
  KubeApiError,
  KubeClient,
} from '@kamaji-backstage/plugin-kamaji-node';

/** Label on every Lease of the fleet's replicas: one LIST reads them all. */
export const LEASE_LABEL = 'kamaji-backstage.io/fleet-lease';
export const SHARD_LEASE_PREFIX = 'kamaji-backstage-fleet-shard-';
export const MEMBER_LEASE_PREFIX = 'kamaji-backstage-fleet-member-';
/** The Lease whose holder writes the catalog. */
export const CATALOG_LEASE = 'kamaji-backstage-fleet-catalog';

/** The shard a cluster (island id, or management cluster name) belongs to: a stable hash. */
export function shardOf(clusterId: string, shards: number): number {
  return (
    createHash('sha256').update(clusterId).digest().readUInt32BE(0) % shards
  );
}

const byShard = (a: string, b: string) =>
  Number(a.slice(SHARD_LEASE_PREFIX.length)) -
  Number(b.slice(SHARD_LEASE_PREFIX.length));

/** The shard Leases among held Lease names (the rest are roles and the member Lease). */
const heldShards = (held: Set<string>) =>
  [...held].filter(n => n.startsWith(SHARD_LEASE_PREFIX));

/** The label value of a Lease: what it stands for. */
function leaseKind(name: string): 'shard' | 'member' | 'role' {
  if (name.startsWith(SHARD_LEASE_PREFIX)) return 'shard';
  if (name.startsWith(MEMBER_LEASE_PREFIX)) return 'member';
  return 'role';
}

export const shardLeaseName = (shard: number) =>
  `${SHARD_LEASE_PREFIX}${shard}`;

interface Lease {
  metadata: {
    name: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
  };
  spec?: {
    holderIdentity?: string | null;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
  };
}

/** Kubernetes MicroTime: RFC 3339 with microseconds. */
const microTime = (d: Date) =>
  d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

/**
 * The shards, membership and roles of this replica, held through `coordination.k8s.io/v1`
 * Leases on one management cluster. Every `renewInterval` one LIST reads them; the replica renews
 * what it holds (an update with the resourceVersion read: a conflict means another took it),
 * takes expired or free shards while it holds fewer than ceil(shards / live members), and
 * releases those above that share so a new replica gets its part. A Lease counts as expired when
 * its resourceVersion did not change for its duration, as observed on this replica's clock (as
 * client-go's leader election does; clocks of replicas need not agree). When the Leases cannot
 * be read at all, a holder keeps what it holds (no other replica can take it either).
 */
export class FleetLeases {
  private held = new Set<string>();
  /** name → resourceVersion and when this replica first saw it. */
  private readonly observed = new Map<string, { rv?: string; at: number }>();
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;
  private stopped = true;
  private lastError?: string;
  private readonly path: string;
  private readonly memberName: string;

  constructor(
    private readonly http: KubeClient,
    private readonly config: ReplicaConfig,
    private readonly logger: LoggerService,
    /** The held Leases changed (names). */
    private readonly onChange: (held: ReadonlySet<string>) => void,
    /** Roles (Lease names) this replica competes for besides its shards. */
    private readonly roles: string[] = [CATALOG_LEASE],
  ) {
    this.path = `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(
      config.leaseNamespace,
    )}/leases`;
    this.memberName = `${MEMBER_LEASE_PREFIX}${createHash('sha256')
      .update(config.identity)
      .digest('hex')
      .slice(0, 16)}`;
  }

  get identity(): string {
    return this.config.identity;
  }

  holds(name: string): boolean {
    return this.held.has(name);
  }

  /** Whether this replica holds the shard of a cluster (island id or management cluster name). */
  holdsCluster(clusterId: string): boolean {
    return this.held.has(
      shardLeaseName(shardOf(clusterId, this.config.shards)),
    );
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /**
   * Stops renewing; with `release`, gives every held Lease up so others take over at once
   * (without, they expire as a crashed replica's do).
   */
  async stop(release = true): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.ticking;
    const held = [...this.held];
    this.setHeld(new Set());
    if (!release) return;
    await Promise.all(
      held.map(name => this.release(name).catch(() => undefined)),
    );
    await this.request('DELETE', `${this.path}/${this.memberName}`).catch(
      () => undefined,
    );
  }

  /** One round now (tests; the timer runs it every renewInterval). */
  tick(): Promise<void> {
    if (!this.ticking) {
      this.ticking = this.round().finally(() => {
        this.ticking = undefined;
      });
    }
    return this.ticking;
  }

  private schedule(delay: number) {
    if (this.stopped) return;
    this.timer = setTimeout(async () => {
      await this.tick();
      this.schedule(this.config.renewIntervalMs);
    }, delay);
    this.timer.unref?.();
  }

  private async round(): Promise<void> {
    const leases = await this.readLeases();
    if (!leases) return;
    const now = Date.now();
    const byName = new Map(leases.map(l => [l.metadata.name, l]));
    for (const l of leases) this.observe(l, now);
    const held = await this.renewHeld(byName, now);
    await this.renewMember(byName.get(this.memberName), now);
    const target = Math.ceil(this.config.shards / this.members(leases, now));
    await this.releaseSurplus(held, target);
    await this.takeShards(held, target, byName, now);
    for (const role of this.roles) {
      if (!held.has(role) && (await this.acquire(byName.get(role), role, now)))
        held.add(role);
    }
    if (!this.stopped) this.setHeld(held);
  }

  /** The Leases of the namespace; undefined (held ones kept) when they cannot be read. */
  private async readLeases(): Promise<Lease[] | undefined> {
    try {
      const leases = await this.list();
      this.lastError = undefined;
      return leases;
    } catch (e) {
      this.warn(
        `Leases in ${
          this.config.leaseNamespace
        } cannot be read (${describeError(e)}): keeping the ${
          this.held.size
        } held`,
      );
      // What was not seen renewed while the Leases could not be read is no expiry: their
      // holders may have renewed meanwhile. Expiry counts again from the next read.
      this.observed.clear();
      return undefined;
    }
  }

  /** Renews what this replica holds; drops what another holds now. */
  private async renewHeld(
    byName: Map<string, Lease>,
    now: number,
  ): Promise<Set<string>> {
    const held = new Set<string>();
    for (const name of this.held) {
      const lease = byName.get(name);
      if (lease?.spec?.holderIdentity !== this.identity) continue;
      if (await this.update(lease, now, false)) held.add(name);
    }
    return held;
  }

  /** The live replicas: unexpired member Leases of others, and this one. */
  private members(leases: Lease[], now: number): number {
    const others = leases.filter(
      l =>
        l.metadata.name.startsWith(MEMBER_LEASE_PREFIX) &&
        l.metadata.name !== this.memberName &&
        !this.expired(l, now),
    );
    return others.length + 1;
  }

  /**
   * Above the share: releases the highest shards, once this replica has stopped using them (so
   * that the replica taking one over never works beside it).
   */
  private async releaseSurplus(held: Set<string>, target: number) {
    const surplus = heldShards(held).sort(byShard).slice(target);
    if (!surplus.length) return;
    for (const name of surplus) held.delete(name);
    if (!this.stopped) this.setHeld(new Set(held));
    for (const name of surplus) await this.release(name).catch(() => undefined);
  }

  /** Below the share: takes free or expired shards, starting at a place of this replica's own. */
  private async takeShards(
    held: Set<string>,
    target: number,
    byName: Map<string, Lease>,
    now: number,
  ) {
    const start = shardOf(this.identity, this.config.shards);
    for (let i = 0; i < this.config.shards; i++) {
      if (heldShards(held).length >= target) return;
      const name = shardLeaseName((start + i) % this.config.shards);
      if (!held.has(name) && (await this.acquire(byName.get(name), name, now)))
        held.add(name);
    }
  }

  private setHeld(held: Set<string>) {
    const changed =
      held.size !== this.held.size || [...held].some(n => !this.held.has(n));
    this.held = held;
    if (changed) this.onChange(held);
  }

  private observe(l: Lease, now: number) {
    const seen = this.observed.get(l.metadata.name);
    if (seen?.rv !== l.metadata.resourceVersion) {
      this.observed.set(l.metadata.name, {
        rv: l.metadata.resourceVersion,
        at: now,
      });
    }
  }

  private expired(l: Lease, now: number): boolean {
    if (!l.spec?.holderIdentity) return true;
    const seen = this.observed.get(l.metadata.name);
    const duration = (l.spec.leaseDurationSeconds ?? 0) * 1000;
    return !seen || now - seen.at > duration;
  }

  private async acquire(
    lease: Lease | undefined,
    name: string,
    now: number,
  ): Promise<boolean> {
    if (!lease) return this.create(name, now);
    if (!this.expired(lease, now)) return false;
    return this.update(lease, now, true);
  }

  private spec(now: number, acquired: boolean, previous?: Lease['spec']) {
    return {
      ...previous,
      holderIdentity: this.identity,
      leaseDurationSeconds: Math.ceil(this.config.leaseDurationMs / 1000),
      renewTime: microTime(new Date(now)),
      ...(acquired
        ? {
            acquireTime: microTime(new Date(now)),
            leaseTransitions: (previous?.leaseTransitions ?? 0) + 1,
          }
        : {}),
    };
  }

  private async create(name: string, now: number): Promise<boolean> {
    const res = await this.request('POST', this.path, {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name, labels: { [LEASE_LABEL]: leaseKind(name) } },
      spec: this.spec(now, true),
    });
    if (res.statusCode === 409) return false;
    return this.ok(res, `create Lease ${name}`);
  }

  /** An update with the resourceVersion read; a conflict means another replica wrote it first. */
  private async update(lease: Lease, now: number, acquired: boolean) {
    const name = lease.metadata.name;
    try {
      const res = await this.request('PUT', `${this.path}/${name}`, {
        ...lease,
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        spec: this.spec(now, acquired, lease.spec),
      });
      if (res.statusCode === 409 || res.statusCode === 404) return false;
      return this.ok(res, `update Lease ${name}`);
    } catch (e) {
      // Unreachable for this request: a holder keeps its Lease (nobody can take it meanwhile).
      this.warn(`renewing Lease ${name} failed (${describeError(e)})`);
      return !acquired;
    }
  }

  private async renewMember(lease: Lease | undefined, now: number) {
    if (!lease) await this.create(this.memberName, now).catch(() => false);
    else await this.update(lease, now, false);
  }

  private async release(name: string): Promise<void> {
    const res = await this.request('GET', `${this.path}/${name}`);
    const lease = res.body as Lease | undefined;
    if (res.statusCode !== 200 || lease?.spec?.holderIdentity !== this.identity)
      return;
    await this.request('PUT', `${this.path}/${name}`, {
      ...lease,
      spec: { ...lease.spec, holderIdentity: null },
    });
  }

  private async list(): Promise<Lease[]> {
    const res = await this.request(
      'GET',
      `${this.path}?labelSelector=${encodeURIComponent(LEASE_LABEL)}`,
    );
    if (res.statusCode !== 200) {
      throw new Error(
        `LIST leases: HTTP ${res.statusCode} ${res.body?.message ?? ''}`,
      );
    }
    return (res.body?.items ?? []) as Lease[];
  }

  /** The answer's status and body, whatever the status: the caller decides what a 404 or a 409 means. */
  private async request(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    body?: unknown,
  ): Promise<{ statusCode: number; body?: any }> {
    try {
      const answer = await this.http.request(method, path, {
        body,
        timeoutMs: Math.max(1_000, this.config.renewIntervalMs),
      });
      return { statusCode: 200, body: answer };
    } catch (e) {
      if (!(e instanceof KubeApiError) || e.kind !== 'http') throw e;
      return {
        statusCode: e.statusCode ?? 0,
        body: { message: e.statusMessage },
      };
    }
  }

  private ok(res: { statusCode: number; body?: any }, what: string): boolean {
    if (res.statusCode >= 200 && res.statusCode < 300) return true;
    this.warn(`${what}: HTTP ${res.statusCode} ${res.body?.message ?? ''}`);
    return false;
  }

  /** Logs a problem once until it changes. */
  private warn(message: string) {
    if (message === this.lastError) return;
    this.lastError = message;
    this.logger.warn(`fleet replicas: ${message}`);
  }
}
