import type {
  ConnectionState,
  FleetCondition,
  Health,
  HealthCounts,
  HealthStatus,
  TenantControlPlaneStatus,
} from '@kamaji-backstage/plugin-kamaji-common';
import type { AddonDelivery } from './objects';

/**
 * Health roll-up: pure functions from the fields the fleet keeps to a {@link Health}.
 * Severity order, worst last: healthy < progressing < unknown < degraded < unhealthy.
 */

const RANK: Record<HealthStatus, number> = {
  healthy: 0,
  progressing: 1,
  unknown: 2,
  degraded: 3,
  unhealthy: 4,
};

/** Collects findings; the worst status wins, reasons are listed worst first. */
export class HealthBuilder {
  private readonly findings: Array<{ status: HealthStatus; reason: string }> =
    [];

  add(status: HealthStatus, reason: string): this {
    if (status !== 'healthy') this.findings.push({ status, reason });
    return this;
  }

  build(): Health {
    if (!this.findings.length) return { status: 'healthy', reasons: [] };
    const sorted = [...this.findings].sort(
      (a, b) => RANK[b.status] - RANK[a.status],
    );
    return {
      status: sorted[0].status,
      reasons: [...new Set(sorted.map(f => f.reason))],
    };
  }
}

export function worstHealth(...statuses: HealthStatus[]): HealthStatus {
  return statuses.reduce(
    (w, s) => (RANK[s] > RANK[w] ? s : w),
    'healthy' as HealthStatus,
  );
}

/** Health from findings kept in the order given; the worst status wins. */
export function healthFrom(findings: Array<[HealthStatus, string]>): Health {
  return {
    status: worstHealth(...findings.map(([status]) => status)),
    reasons: findings.map(([, reason]) => reason),
  };
}

/**
 * The health of anything whose data is stale: always `unknown` (never healthy), with the reason
 * first, then what the last known health was.
 */
export function staleHealth(lastKnown: Health, reason: string): Health {
  return {
    status: 'unknown',
    reasons: [
      `${reason}; last known: ${lastKnown.status}`,
      ...lastKnown.reasons.filter(r => r !== reason),
    ],
  };
}

function firstLine(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const line = text
    .split('\n')
    .map(l => l.replace(/^[\s*]+/, '').trim())
    .find(l => l.length);
  return line && line.length > 160 ? `${line.slice(0, 159)}…` : line;
}

function condition(conds: FleetCondition[], type: string) {
  return conds.find(c => c.type === type);
}

/** What tenant health is computed from. */
export interface TenantHealthInput {
  /** The CAPI Cluster (absent for unmanaged tenants). */
  cluster?: {
    phase?: string;
    available?: 'True' | 'False' | 'Unknown';
    controlPlaneInitialized?: boolean;
    deleting: boolean;
    conditions: FleetCondition[];
    /** No `spec.controlPlaneRef` or a malformed one. */
    missingControlPlaneRef?: boolean;
  };
  /** The KamajiControlPlane: `missing` when referenced but not found, `unreadable` when its kind cannot be read. */
  kcp?:
    | {
        ready: boolean;
        initialized: boolean;
        available?: 'True' | 'False' | 'Unknown';
        conditions: FleetCondition[];
        deleting: boolean;
      }
    | 'missing'
    | 'unreadable';
  /** The TenantControlPlane, or why it is not there (`undefined` when the tenant has no Kamaji control plane). */
  tcp?:
    | {
        status: TenantControlPlaneStatus;
        version?: string;
        declaredVersion?: string;
        replicas?: number;
        readyReplicas?: number;
        deleting?: boolean;
      }
    | { missing: string }
    | { unknown: string };
  workers?: { desired: number; ready: number; available: number };
  /** Machines by phase, all pools together. */
  machinePhases?: Record<string, number>;
  /** Worker pools whose MachineDeployment reports `RollingOut` True (CAPI v1beta2). */
  rollingOut?: string[];
}

const PROVISIONING_PHASES = new Set(['Pending', 'Provisioning']);

function tcpFindings(
  h: HealthBuilder,
  tcp: TenantHealthInput['tcp'],
  early: boolean,
) {
  if (!tcp) return;
  if ('missing' in tcp) {
    h.add(early ? 'progressing' : 'unhealthy', tcp.missing);
    return;
  }
  if ('unknown' in tcp) {
    h.add('unknown', tcp.unknown);
    return;
  }
  const pods =
    tcp.replicas !== undefined
      ? ` (${tcp.readyReplicas ?? 0} of ${tcp.replicas} pods ready)`
      : '';
  switch (tcp.status) {
    case 'Ready':
      break;
    case 'Upgrading':
      h.add(
        'progressing',
        `control plane upgrading${
          tcp.declaredVersion ? ` to ${tcp.declaredVersion}` : ''
        }${tcp.version ? ` (running ${tcp.version})` : ''}`,
      );
      break;
    case 'Provisioning':
      h.add('progressing', `control plane provisioning${pods}`);
      break;
    case 'CertificateAuthorityRotating':
      h.add('progressing', 'control plane rotating its certificate authority');
      break;
    case 'Migrating':
      h.add('progressing', 'control plane migrating its datastore');
      break;
    case 'NotReady':
      h.add(
        early ? 'progressing' : 'unhealthy',
        `control plane not ready${pods}`,
      );
      break;
    case 'Sleeping':
      h.add('degraded', 'control plane sleeping (scaled to 0)');
      break;
    case 'WriteLimited':
      h.add('degraded', 'control plane write-limited');
      break;
    default:
      h.add('unknown', 'control plane status unknown');
  }
}

type TenantKcp = Exclude<TenantHealthInput['kcp'], string | undefined>;
type TenantCluster = NonNullable<TenantHealthInput['cluster']>;

/** The tenant is still coming up: nothing it lacks is a fault yet. */
function isProvisioning(
  cluster: TenantHealthInput['cluster'],
  kcp: TenantKcp | undefined,
): boolean {
  return (
    (cluster !== undefined && PROVISIONING_PHASES.has(cluster.phase ?? '')) ||
    (cluster?.phase === undefined &&
      cluster !== undefined &&
      !cluster.controlPlaneInitialized) ||
    (kcp !== undefined && !kcp.initialized && !kcp.ready)
  );
}

function provisioningFindings(
  h: HealthBuilder,
  input: TenantHealthInput,
  kcp: TenantKcp | undefined,
) {
  const phase = input.cluster?.phase;
  h.add(
    'progressing',
    phase ? `provisioning (Cluster phase ${phase})` : 'provisioning',
  );
  tcpFindings(h, input.tcp, true);
  if (!kcp || kcp.ready) return;
  const failing = kcp.conditions.find(
    c => c.status === 'False' && c.type !== 'Available',
  );
  if (failing)
    h.add(
      'progressing',
      `${failing.type}: ${
        firstLine(failing.message) ?? failing.reason ?? 'False'
      }`,
    );
}

/** What the Cluster's Available condition and its parts say, when it is not True. */
function availabilityFindings(h: HealthBuilder, cluster: TenantCluster) {
  if (cluster.available === 'Unknown') {
    h.add('unknown', 'Cluster availability unknown');
    return;
  }
  if (cluster.available !== 'False') return;
  const cp = condition(cluster.conditions, 'ControlPlaneAvailable');
  const wk = condition(cluster.conditions, 'WorkersAvailable');
  const av = condition(cluster.conditions, 'Available');
  if (cp?.status === 'False') {
    h.add(
      'unhealthy',
      `control plane not available: ${
        firstLine(cp.message) ?? cp.reason ?? ''
      }`.trim(),
    );
  }
  if (wk?.status === 'False') {
    h.add(
      'degraded',
      `workers not available: ${
        firstLine(wk.message) ?? wk.reason ?? ''
      }`.trim(),
    );
  }
  if (cp?.status !== 'False' && wk?.status !== 'False') {
    h.add(
      'degraded',
      `Cluster not Available: ${
        firstLine(av?.message) ?? av?.reason ?? 'NotAvailable'
      }`,
    );
  }
}

function workerFindings(h: HealthBuilder, input: TenantHealthInput) {
  const workers = input.workers;
  if (workers && workers.desired > 0 && workers.ready < workers.desired) {
    h.add(
      workers.ready === 0 ? 'unhealthy' : 'degraded',
      `${workers.ready} of ${workers.desired} workers ready`,
    );
  }
  // Real CAPI keeps the pool available during a rollout (maxUnavailable 0): only RollingOut says so.
  for (const pool of input.rollingOut ?? [])
    h.add('progressing', `worker pool ${pool} rolling out`);
  // Only v1beta1 management clusters write a Failed machine phase; v1beta2 has none.
  const failedMachines = input.machinePhases?.Failed ?? 0;
  if (failedMachines) h.add('degraded', `${failedMachines} machine(s) failed`);
}

/** Health of one tenant cluster. */
export function tenantHealth(input: TenantHealthInput): Health {
  const h = new HealthBuilder();
  const { cluster, kcp, tcp } = input;

  if (cluster?.deleting || cluster?.phase === 'Deleting') {
    return h.add('progressing', 'being deleted').build();
  }
  if (cluster?.missingControlPlaneRef) {
    h.add('unknown', 'Cluster has no valid spec.controlPlaneRef');
  }
  if (cluster?.phase === 'Failed') {
    h.add('unhealthy', 'Cluster phase Failed');
  }
  if (kcp === 'missing') h.add('unhealthy', 'KamajiControlPlane not found');
  else if (kcp === 'unreadable')
    h.add('unknown', 'KamajiControlPlane cannot be read');
  else if (kcp?.deleting)
    return h.add('progressing', 'control plane being deleted').build();

  const kcpObj = typeof kcp === 'object' ? kcp : undefined;
  if (isProvisioning(cluster, kcpObj)) {
    provisioningFindings(h, input, kcpObj);
    return h.build();
  }

  tcpFindings(h, tcp, false);
  const tcpStatus = tcp && 'status' in tcp ? tcp.status : undefined;
  const tcpOk = tcpStatus === 'Ready' || tcpStatus === 'Upgrading';
  // A sleeping control plane makes the KCP not ready by design: the TCP finding says it all.
  if (kcpObj && !kcpObj.ready && tcpStatus !== 'Sleeping') {
    h.add(tcpOk ? 'degraded' : 'unhealthy', 'KamajiControlPlane not ready');
  }
  if (cluster) availabilityFindings(h, cluster);
  workerFindings(h, input);
  return h.build();
}

/** What island health is computed from. */
export interface IslandHealthInput {
  cluster: {
    phase?: string;
    available?: 'True' | 'False' | 'Unknown';
    deleting: boolean;
    conditions: FleetCondition[];
  };
  connection: ConnectionState;
  dataStores: Array<{ name: string; ready?: boolean }>;
  tenantHealth: HealthCounts;
}

/** What the connection to a cluster the backend watches says of its health. */
function connectionFindings(h: HealthBuilder, connection: ConnectionState) {
  if (connection.status === 'disconnected') {
    h.add(
      'unknown',
      `unreachable${connection.lastError ? `: ${connection.lastError}` : ''}`,
    );
  } else if (connection.status === 'degraded') {
    const kinds = (connection.unreadableKinds ?? [])
      .map(k => k.kind)
      .join(', ');
    h.add('degraded', `cannot read ${kinds || 'some kinds'}`);
  }
}

/** Health of an island from its own Cluster, the connection to it and its tenants. */
export function islandHealth(input: IslandHealthInput): Health {
  const h = new HealthBuilder();
  const { cluster, connection } = input;
  if (cluster.deleting || cluster.phase === 'Deleting')
    h.add('progressing', 'being deleted');
  else if (PROVISIONING_PHASES.has(cluster.phase ?? ''))
    h.add('progressing', `provisioning (Cluster phase ${cluster.phase})`);
  else if (cluster.phase === 'Failed')
    h.add('unhealthy', 'Cluster phase Failed');
  else if (cluster.available === 'False') {
    const av = condition(cluster.conditions, 'Available');
    h.add(
      'degraded',
      `Cluster not Available: ${
        firstLine(av?.message) ?? av?.reason ?? 'NotAvailable'
      }`,
    );
  } else if (cluster.available === 'Unknown')
    h.add('unknown', 'Cluster availability unknown');

  connectionFindings(h, connection);
  for (const ds of input.dataStores) {
    if (ds.ready === false) h.add('degraded', `DataStore ${ds.name} not ready`);
  }
  const tenants = unhealthyTenantsReason(input.tenantHealth);
  if (tenants) h.add('degraded', tenants);
  return h.build();
}

/*
 * The reasons below roll up over other clusters. A caller who may see only some of those
 * clusters gets them again over what it sees (api/visibility.ts), so each is made in one place.
 */

/** An island's reason for its unhealthy tenants, from its tenants' health counts. */
export function unhealthyTenantsReason(
  counts: HealthCounts,
): string | undefined {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  return counts.unhealthy
    ? `${counts.unhealthy} of ${total} tenants unhealthy`
    : undefined;
}

/** A management cluster's reason for its unhealthy islands, naming them. */
export function unhealthyIslandsReason(
  islands: Array<{ name: string; health: Health }>,
): string | undefined {
  const names = islands
    .filter(i => i.health.status === 'unhealthy')
    .map(i => i.name)
    .sort();
  return names.length ? `island(s) unhealthy: ${names.join(', ')}` : undefined;
}

/** An addon set's delivery to one cluster. */
export interface Delivery {
  cluster: string;
  state: AddonDelivery;
}

/** What an addon set's deliveries say of it: where it failed, is not applied yet, is not reported. */
export function deliveryFindings(
  deliveries: Delivery[],
): Array<[HealthStatus, string]> {
  const on = (state: AddonDelivery) =>
    deliveries.filter(d => d.state === state).map(d => d.cluster);
  const findings: Array<[HealthStatus, string]> = [];
  const failed = on('failed');
  const progressing = on('progressing');
  const unknown = on('unknown');
  if (failed.length)
    findings.push(['degraded', `failed on ${failed.join(', ')}`]);
  if (progressing.length)
    findings.push([
      'progressing',
      `not yet applied on ${progressing.join(', ')}`,
    ]);
  if (unknown.length)
    findings.push([
      'unknown',
      `delivery status unknown on ${unknown.join(', ')}`,
    ]);
  return findings;
}

/** Why `what` (an island, a management cluster) is stale: unreachable since when. */
export function staleReason(what: string, connection: ConnectionState): string {
  return `${what} unreachable since ${connection.since}`;
}

/** The stale reason of everything declared in a management cluster while it is unreachable. */
export function managementStaleReason(
  managementCluster: string,
  connection: ConnectionState,
): string {
  return staleReason(`management cluster ${managementCluster}`, connection);
}

/** Health of a management cluster from the connection to it and its islands. */
export function managementHealth(input: {
  connection: ConnectionState;
  islands: Array<{ name: string; health: Health }>;
}): Health {
  const h = new HealthBuilder();
  const { connection } = input;
  connectionFindings(h, connection);
  const islands = unhealthyIslandsReason(input.islands);
  if (islands) h.add('degraded', islands);
  return h.build();
}
