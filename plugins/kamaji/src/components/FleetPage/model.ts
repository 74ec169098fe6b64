import {
  countHealth,
  normalizeKubernetesVersion,
  type FleetCluster,
  type HealthCounts,
  type HealthStatus,
  type IslandNode,
  type ManagementClusterNode,
  type TenantNode,
  ownerEntityRef,
} from '@kamaji-backstage/plugin-kamaji-common';
import type { FleetResponse } from '../../api/types';

export const HEALTH_ORDER: HealthStatus[] = [
  'unhealthy',
  'degraded',
  'progressing',
  'unknown',
  'healthy',
];

/** The filters of the topology page; each one is a URL search parameter of the same name. */
export interface FleetFilters {
  managementCluster?: string;
  island?: string;
  owner?: string;
  health: HealthStatus[];
  version?: string;
  q?: string;
}

export const FILTER_KEYS = [
  'managementCluster',
  'island',
  'owner',
  'health',
  'version',
  'q',
] as const;

export function filtersFromParams(params: URLSearchParams): FleetFilters {
  const one = (k: string) => params.get(k)?.trim() || undefined;
  return {
    managementCluster: one('managementCluster'),
    island: one('island'),
    owner: one('owner'),
    health: params
      .getAll('health')
      .filter((h): h is HealthStatus =>
        HEALTH_ORDER.includes(h as HealthStatus),
      ),
    version: one('version'),
    q: one('q'),
  };
}

/**
 * How the tree is grouped: by the owner of the tenants, by the site of the islands, or by the
 * islands' uplink health (disconnected now, flaky, stable).
 */
export type GroupBy = 'owner' | 'site' | 'uplink';

/** The URL search parameter of the grouping (a view choice, not a filter: "Clear filters" keeps it). */
export const GROUP_BY_PARAM = 'group';

export function groupByFromParams(
  params: URLSearchParams,
): GroupBy | undefined {
  const g = params.get(GROUP_BY_PARAM);
  return g === 'owner' || g === 'site' || g === 'uplink' ? g : undefined;
}

export function hasFilters(f: FleetFilters): boolean {
  return !!(
    f.managementCluster ||
    f.island ||
    f.owner ||
    f.health.length ||
    f.version ||
    f.q
  );
}

/**
 * What a node shows as its health: data from a cluster the backend cannot reach (stale, or on
 * a disconnected island) is never shown as healthy, whatever the last read said.
 */
export function effectiveHealth(
  node: FleetCluster,
  island?: IslandNode,
): HealthStatus {
  const stale =
    node.staleness.stale ||
    (island && island.connection.status === 'disconnected');
  if (stale && node.health.status === 'healthy') return 'unknown';
  return node.health.status;
}

export function isStale(node: FleetCluster, island?: IslandNode): boolean {
  return (
    node.staleness.stale ||
    ('connection' in node && node.connection.status === 'disconnected') ||
    (!!island && island.connection.status === 'disconnected')
  );
}

/** When the data of a stale node was last known current. */
export function lastSeenAt(
  node: FleetCluster,
  island?: IslandNode,
): string | undefined {
  return (
    node.staleness.lastSeenAt ??
    island?.staleness.lastSeenAt ??
    (island?.connection.lastSyncAt || undefined) ??
    ('connection' in node ? node.connection.lastSyncAt : undefined)
  );
}

/** Any written form of the same group matches (kamaji-common's owner parser). */
function ownerMatches(owner: string | undefined, wanted: string): boolean {
  const o = ownerEntityRef(owner);
  return o !== undefined && o === ownerEntityRef(wanted);
}

/** `v1.34` matches v1.34.2, not v1.340.0 (per component, like the backend's filter). */
export function versionMatches(
  version: string | undefined,
  prefix: string,
): boolean {
  const v = normalizeKubernetesVersion(version);
  const p = normalizeKubernetesVersion(prefix);
  if (!v || !p) return false;
  return v === p || v.startsWith(`${p}.`) || v.startsWith(`${p}-`);
}

function textMatches(node: FleetCluster, q: string): boolean {
  const needle = q.toLocaleLowerCase('en-US');
  const hay = [
    node.id,
    node.name,
    node.title ?? '',
    node.site ?? '',
    ...Object.entries(node.labels).flat(),
  ];
  return hay.some(h => h.toLocaleLowerCase('en-US').includes(needle));
}

function tenantMatches(
  t: TenantNode,
  f: FleetFilters,
  island: IslandNode | undefined,
): boolean {
  if (f.owner && !ownerMatches(t.owner, f.owner)) return false;
  if (f.health.length && !f.health.includes(effectiveHealth(t, island)))
    return false;
  if (
    f.version &&
    !versionMatches(t.versions.declared, f.version) &&
    !versionMatches(t.versions.running, f.version)
  )
    return false;
  if (f.q && !textMatches(t, f.q)) return false;
  return true;
}

function islandMatchesItself(i: IslandNode, f: FleetFilters): boolean {
  if (!f.owner && !f.health.length && !f.version && !f.q) return true;
  if (f.owner && !ownerMatches(i.owner, f.owner)) return false;
  if (f.health.length && !f.health.includes(effectiveHealth(i))) return false;
  if (f.version && !versionMatches(i.kubernetesVersion, f.version))
    return false;
  if (f.q && !textMatches(i, f.q)) return false;
  return true;
}

export interface IslandView {
  island: IslandNode;
  /** The island's tenants that pass the filters, worst health first, then by name. */
  tenants: TenantNode[];
  /** Counts over all of the island's tenants, by the health they are shown with. */
  counts: HealthCounts;
  totalTenants: number;
}

export interface ManagementClusterView {
  cluster: ManagementClusterNode;
  islands: IslandView[];
  /** Tenants whose control plane runs in the management cluster itself. */
  cloudTenants: TenantNode[];
  cloudCounts: HealthCounts;
  totalCloudTenants: number;
}

export interface FleetView {
  managementClusters: ManagementClusterView[];
  disconnectedIslands: IslandNode[];
  /** Number of tenants shown after filtering. */
  shownTenants: number;
  totalTenants: number;
  byId: Map<string, FleetCluster>;
  islandsById: Map<string, IslandNode>;
}

/** Worst shown health first, then by name. */
export function compareByHealthThenName(
  a: { node: FleetCluster; island?: IslandNode },
  b: { node: FleetCluster; island?: IslandNode },
): number {
  const d =
    HEALTH_ORDER.indexOf(effectiveHealth(a.node, a.island)) -
    HEALTH_ORDER.indexOf(effectiveHealth(b.node, b.island));
  if (d) return d;
  return a.node.name.localeCompare(b.node.name);
}

function sortTenants(list: TenantNode[], island?: IslandNode): TenantNode[] {
  return list.sort((a, b) =>
    compareByHealthThenName({ node: a, island }, { node: b, island }),
  );
}

/** The key of the tenants hosted in a management cluster itself. */
const cloudHost = (managementCluster: string) => `mc:${managementCluster}`;

/** The snapshot's nodes by id, and its tenants by where their control plane runs. */
function indexSnapshot(snapshot: FleetResponse) {
  const byId = new Map<string, FleetCluster>();
  const islandsById = new Map<string, IslandNode>();
  for (const n of snapshot.managementClusters) byId.set(n.id, n);
  for (const n of snapshot.islands) {
    byId.set(n.id, n);
    islandsById.set(n.id, n);
  }
  const tenantsByHost = new Map<string, TenantNode[]>();
  for (const t of snapshot.tenants) {
    byId.set(t.id, t);
    const host = t.islandId ?? cloudHost(t.managementCluster);
    let list = tenantsByHost.get(host);
    if (!list) tenantsByHost.set(host, (list = []));
    list.push(t);
  }
  return { byId, islandsById, tenantsByHost };
}

/** An island as the filters show it; undefined when they hide it. */
function islandView(
  island: IslandNode,
  all: TenantNode[],
  f: FleetFilters,
): IslandView | undefined {
  if (f.island && island.id !== f.island) return undefined;
  const counts = countHealth(all.map(t => effectiveHealth(t, island)));
  const tenants = sortTenants(
    all.filter(t => tenantMatches(t, f, island)),
    island,
  );
  // With no tenant filter an island matches itself, so it stays even when it hosts no tenant.
  if (!tenants.length && !islandMatchesItself(island, f)) return undefined;
  return { island, tenants, counts, totalTenants: all.length };
}

/** A management cluster as the filters show it; undefined when they hide it. */
function managementClusterView(
  mc: ManagementClusterNode,
  islands: IslandView[],
  tenantsByHost: Map<string, TenantNode[]>,
  f: FleetFilters,
): ManagementClusterView | undefined {
  const allCloud = f.island ? [] : tenantsByHost.get(cloudHost(mc.name)) ?? [];
  const cloudTenants = sortTenants(
    allCloud.filter(t => tenantMatches(t, f, undefined)),
  );
  if (hasFilters(f) && !islands.length && !cloudTenants.length)
    return undefined;
  return {
    cluster: mc,
    islands,
    cloudTenants,
    cloudCounts: countHealth(allCloud.map(t => effectiveHealth(t))),
    totalCloudTenants: allCloud.length,
  };
}

/** Builds the tree the page shows from a snapshot and the filters. */
export function buildFleetView(
  snapshot: FleetResponse,
  f: FleetFilters,
): FleetView {
  const { byId, islandsById, tenantsByHost } = indexSnapshot(snapshot);
  const managementClusters: ManagementClusterView[] = [];
  const shownMcs = snapshot.managementClusters.filter(
    mc => !f.managementCluster || mc.name === f.managementCluster,
  );
  for (const mc of shownMcs) {
    const islands = snapshot.islands
      .filter(island => island.managementCluster === mc.name)
      .map(island => islandView(island, tenantsByHost.get(island.id) ?? [], f))
      .filter((view): view is IslandView => view !== undefined);
    const view = managementClusterView(mc, islands, tenantsByHost, f);
    if (view) managementClusters.push(view);
  }
  const shownMcNames = new Set(shownMcs.map(mc => mc.name));
  return {
    managementClusters,
    disconnectedIslands: snapshot.islands.filter(
      island =>
        shownMcNames.has(island.managementCluster) &&
        island.connection.status === 'disconnected',
    ),
    shownTenants: managementClusters.reduce(
      (sum, mc) =>
        sum +
        mc.cloudTenants.length +
        mc.islands.reduce((n, i) => n + i.tenants.length, 0),
      0,
    ),
    totalTenants: snapshot.tenants.length,
    byId,
    islandsById,
  };
}

/** "12 min ago", "3 h ago", "just now". */
export function formatAgo(iso: string | undefined, now = Date.now()): string {
  if (!iso) return 'unknown';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return 'unknown';
  const min = Math.floor((now - t) / 60000);
  if (min < 1) return 'just now';
  if (min < 60) return `${min} min ago`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.floor(h / 24)} days ago`;
}
