/*
 * The topology as a tree of nodes, and the visible part of it as a flat list of rows (what the
 * virtualized tree renders). Children are built only when a node is expanded, so the work per
 * expand/collapse grows with the visible rows, not with the fleet.
 */
import {
  countHealth,
  emptyHealthCounts,
  type HealthCounts,
  type IslandNode,
  type ManagementClusterNode,
  type TenantNode,
  type UplinkStats,
} from '@kamaji-backstage/plugin-kamaji-common';
import {
  compareByHealthThenName,
  effectiveHealth,
  type FleetView,
  type GroupBy,
  type IslandView,
} from './model';

export type TreeNodeData =
  | { kind: 'management'; cluster: ManagementClusterNode; islandCount: number }
  | { kind: 'island'; view: IslandView; showManagementCluster: boolean }
  | {
      /** Tenants whose control plane runs in the management cluster itself. */
      kind: 'cloud';
      cluster: ManagementClusterNode;
      counts: HealthCounts;
      shownTenants: number;
      totalTenants: number;
    }
  | {
      kind: 'group';
      by: GroupBy;
      label: string;
      /** Health of the tenants the group holds, as they are shown. */
      counts: HealthCounts;
      shownTenants: number;
      totalTenants: number;
      /** Site groups: islands in the group, and how many of them are disconnected. */
      islands?: number;
      disconnectedIslands?: number;
    }
  | {
      kind: 'tenant';
      tenant: TenantNode;
      island?: IslandNode;
      /** Grouped views name where the tenant runs, since no island row is above it. */
      showHost: boolean;
    };

export type TreeNode = TreeNodeData & {
  /** Unique in the tree and stable across snapshots (expansion and focus are kept by key). */
  key: string;
  childCount: number;
  children?: () => TreeNode[];
};

export type TreeRow = TreeNode & {
  /** 1-based depth (aria-level). */
  level: number;
  /** 1-based position among its siblings and their number (aria-posinset / aria-setsize). */
  posInSet: number;
  setSize: number;
  /** Index of the parent row, -1 for top-level rows. */
  parentIndex: number;
  expanded: boolean;
};

export const NO_OWNER = 'No owner';
export const NO_SITE = 'No site';

function tenantNode(
  tenant: TenantNode,
  island: IslandNode | undefined,
  showHost: boolean,
): TreeNode {
  return {
    kind: 'tenant',
    key: `tenant:${tenant.id}`,
    tenant,
    island,
    showHost,
    childCount: 0,
  };
}

function islandNode(
  view: IslandView,
  showManagementCluster: boolean,
): TreeNode {
  return {
    kind: 'island',
    key: islandKey(view.island.id),
    view,
    showManagementCluster,
    childCount: view.tenants.length,
    children: () => view.tenants.map(t => tenantNode(t, view.island, false)),
  };
}

export function cloudNodeKey(managementCluster: string): string {
  return `cloud:${managementCluster}`;
}

function siteKey(site: string | undefined): string {
  return `site:${site ?? ''}`;
}

function siteCloudKey(managementCluster: string): string {
  return `site-cloud:${managementCluster}`;
}

function ownerKey(owner: string | undefined): string {
  return `owner:${owner ?? ''}`;
}

/** The key of an island's node (e.g. to expand it from outside). */
export function islandKey(islandId: string): string {
  return `island:${islandId}`;
}

/** Alphabetical, the empty label (no site, no owner) last. */
function emptyLast(a: string, b: string): number {
  if (a === b) return 0;
  if (!a) return 1;
  if (!b) return -1;
  return a.localeCompare(b);
}

function topologyRoots(view: FleetView): TreeNode[] {
  return view.managementClusters.map(mc => {
    const children = (): TreeNode[] => {
      const nodes = mc.islands.map(v => islandNode(v, false));
      if (mc.totalCloudTenants > 0) {
        nodes.push({
          kind: 'cloud',
          key: cloudNodeKey(mc.cluster.name),
          cluster: mc.cluster,
          counts: mc.cloudCounts,
          shownTenants: mc.cloudTenants.length,
          totalTenants: mc.totalCloudTenants,
          childCount: mc.cloudTenants.length,
          children: () =>
            mc.cloudTenants.map(t => tenantNode(t, undefined, false)),
        });
      }
      return nodes;
    };
    return {
      kind: 'management',
      key: `management:${mc.cluster.id}`,
      cluster: mc.cluster,
      islandCount: mc.islands.length,
      childCount: mc.islands.length + (mc.totalCloudTenants > 0 ? 1 : 0),
      children,
    };
  });
}

/** A group of islands (a site, an uplink health), with the health of the tenants they host. */
function islandGroup(
  by: GroupBy,
  key: string,
  label: string,
  islands: IslandView[],
  showMc: boolean,
): TreeNode {
  const counts = emptyHealthCounts();
  let shownTenants = 0;
  let totalTenants = 0;
  let disconnected = 0;
  for (const v of islands) {
    for (const h of Object.keys(counts) as Array<keyof HealthCounts>)
      counts[h] += v.counts[h];
    shownTenants += v.tenants.length;
    totalTenants += v.totalTenants;
    if (v.island.connection.status === 'disconnected') disconnected++;
  }
  return {
    kind: 'group',
    by,
    key,
    label,
    counts,
    shownTenants,
    totalTenants,
    islands: islands.length,
    disconnectedIslands: disconnected,
    childCount: islands.length,
    children: () => islands.map(v => islandNode(v, showMc)),
  };
}

/** Site → islands → tenants; the tenants hosted in a management cluster form a group of their own. */
function siteRoots(view: FleetView): TreeNode[] {
  const showMc = view.managementClusters.length > 1;
  const bySite = new Map<string, IslandView[]>();
  for (const mc of view.managementClusters) {
    for (const v of mc.islands) {
      const site = v.island.site ?? '';
      let list = bySite.get(site);
      if (!list) bySite.set(site, (list = []));
      list.push(v);
    }
  }
  const roots = [...bySite.keys()]
    .sort(emptyLast)
    .map(site =>
      islandGroup(
        'site',
        siteKey(site),
        site || NO_SITE,
        bySite.get(site)!,
        showMc,
      ),
    );
  return [...roots, ...cloudGroups(view, 'site')];
}

/** The tenants hosted in each management cluster itself, one group per management cluster. */
function cloudGroups(view: FleetView, by: GroupBy): TreeNode[] {
  return view.managementClusters
    .filter(mc => mc.totalCloudTenants > 0)
    .map(mc => ({
      kind: 'group',
      by,
      key: siteCloudKey(mc.cluster.name),
      label: `${mc.cluster.title ?? mc.cluster.name} (management cluster)`,
      counts: mc.cloudCounts,
      shownTenants: mc.cloudTenants.length,
      totalTenants: mc.totalCloudTenants,
      childCount: mc.cloudTenants.length,
      children: () => mc.cloudTenants.map(t => tenantNode(t, undefined, true)),
    }));
}

/** Uplink health groups of islands, worst first. */
export const UPLINK_GROUPS = {
  down: 'Disconnected now',
  flaky: 'Flaky: outages in the last 7 days',
  stable: 'Stable: no outage in the last 7 days',
  unknown: 'No uplink history yet',
} as const;

export type UplinkGroup = keyof typeof UPLINK_GROUPS;

/** Uplink statistics per island id (`GET /v1/uplink`). */
export type UplinkByIsland = ReadonlyMap<string, UplinkStats>;

const weekOf = (stats: UplinkStats | undefined) =>
  stats?.periods.find(p => p.window === '7d');

export function uplinkGroupOf(
  island: IslandNode,
  stats: UplinkStats | undefined,
): UplinkGroup {
  if (island.connection.status === 'disconnected') return 'down';
  const week = weekOf(stats);
  if (week?.availability === undefined) return 'unknown';
  return week.outages > 0 ? 'flaky' : 'stable';
}

function uplinkKey(group: UplinkGroup): string {
  return `uplink:${group}`;
}

/** Uplink health → islands (least available over 7 days first) → tenants. */
function uplinkRoots(view: FleetView, uplink?: UplinkByIsland): TreeNode[] {
  const showMc = view.managementClusters.length > 1;
  const groups = new Map<UplinkGroup, IslandView[]>(
    (Object.keys(UPLINK_GROUPS) as UplinkGroup[]).map(g => [g, []]),
  );
  for (const mc of view.managementClusters) {
    for (const v of mc.islands) {
      groups.get(uplinkGroupOf(v.island, uplink?.get(v.island.id)))!.push(v);
    }
  }
  const availability = (v: IslandView) =>
    weekOf(uplink?.get(v.island.id))?.availability ?? 2;
  const roots = [...groups]
    .filter(([, islands]) => islands.length > 0)
    .map(([group, islands]) =>
      islandGroup(
        'uplink',
        uplinkKey(group),
        UPLINK_GROUPS[group],
        islands.sort(
          (a, b) =>
            availability(a) - availability(b) ||
            a.island.name.localeCompare(b.island.name),
        ),
        showMc,
      ),
    );
  return [...roots, ...cloudGroups(view, 'uplink')];
}

/** Owner → the tenants shown that it owns, worst first; counts over those tenants. */
function ownerRoots(view: FleetView): TreeNode[] {
  const byOwner = new Map<
    string,
    Array<{ node: TenantNode; island?: IslandNode }>
  >();
  const add = (node: TenantNode, island?: IslandNode) => {
    const owner = node.owner ?? '';
    let list = byOwner.get(owner);
    if (!list) byOwner.set(owner, (list = []));
    list.push({ node, island });
  };
  for (const mc of view.managementClusters) {
    for (const v of mc.islands) for (const t of v.tenants) add(t, v.island);
    for (const t of mc.cloudTenants) add(t);
  }
  return [...byOwner.keys()].sort(emptyLast).map(owner => {
    const tenants = byOwner.get(owner)!.sort(compareByHealthThenName);
    const counts = countHealth(
      tenants.map(t => effectiveHealth(t.node, t.island)),
    );
    return {
      kind: 'group',
      by: 'owner',
      key: ownerKey(owner),
      label: owner || NO_OWNER,
      counts,
      shownTenants: tenants.length,
      totalTenants: tenants.length,
      childCount: tenants.length,
      children: () => tenants.map(t => tenantNode(t.node, t.island, true)),
    };
  });
}

/** The top-level nodes of the tree for a grouping. */
export function treeRoots(
  view: FleetView,
  groupBy?: GroupBy,
  uplink?: UplinkByIsland,
): TreeNode[] {
  if (groupBy === 'site') return siteRoots(view);
  if (groupBy === 'uplink') return uplinkRoots(view, uplink);
  if (groupBy === 'owner') return ownerRoots(view);
  return topologyRoots(view);
}

/** The rows to render: the roots and the descendants of expanded nodes, depth first. */
export function visibleRows(
  roots: TreeNode[],
  isExpanded: (node: TreeNode) => boolean,
): TreeRow[] {
  const rows: TreeRow[] = [];
  const walk = (nodes: TreeNode[], level: number, parentIndex: number) => {
    nodes.forEach((node, i) => {
      const expanded = node.childCount > 0 && isExpanded(node);
      const index = rows.length;
      rows.push({
        ...node,
        level,
        posInSet: i + 1,
        setSize: nodes.length,
        parentIndex,
        expanded,
      });
      if (expanded && node.children) walk(node.children(), level + 1, index);
    });
  };
  walk(roots, 1, -1);
  return rows;
}

/** Management clusters start expanded; islands, groups and the cloud's tenants collapsed. */
export function expandedByDefault(node: TreeNode): boolean {
  return node.kind === 'management';
}

/** What a key press on the focused row does (WAI-ARIA tree view pattern). */
export type TreeKeyAction =
  | { type: 'focus'; index: number }
  | { type: 'expand'; index: number }
  | { type: 'collapse'; index: number }
  | { type: 'activate'; index: number };

export function treeKeyAction(
  rows: TreeRow[],
  index: number,
  key: string,
): TreeKeyAction | undefined {
  const row = rows[index];
  if (!row) return undefined;
  const expandable = row.childCount > 0;
  switch (key) {
    case 'ArrowDown':
      return index < rows.length - 1
        ? { type: 'focus', index: index + 1 }
        : undefined;
    case 'ArrowUp':
      return index > 0 ? { type: 'focus', index: index - 1 } : undefined;
    case 'ArrowRight':
      if (!expandable) return undefined;
      return row.expanded
        ? { type: 'focus', index: index + 1 }
        : { type: 'expand', index };
    case 'ArrowLeft':
      if (expandable && row.expanded) return { type: 'collapse', index };
      return row.parentIndex >= 0
        ? { type: 'focus', index: row.parentIndex }
        : undefined;
    case 'Home':
      return { type: 'focus', index: 0 };
    case 'End':
      return { type: 'focus', index: rows.length - 1 };
    case 'Enter':
    case ' ':
      return { type: 'activate', index };
    default:
      return undefined;
  }
}

/** The keys of the nodes to expand so that a cluster (an island or a tenant) is visible. */
export function keysToReveal(
  view: FleetView,
  groupBy: GroupBy | undefined,
  clusterId: string,
  uplink?: UplinkByIsland,
): string[] {
  const node = view.byId.get(clusterId);
  if (!node || node.role === 'management') return [];
  const uplinkGroup = (island: IslandNode) =>
    uplinkKey(uplinkGroupOf(island, uplink?.get(island.id)));
  if (node.role === 'island') {
    if (groupBy === 'uplink') return [uplinkGroup(node)];
    return groupBy === 'site' ? [siteKey(node.site)] : [];
  }
  const island = node.islandId
    ? view.islandsById.get(node.islandId)
    : undefined;
  if (groupBy === 'owner') return [ownerKey(node.owner)];
  if (!island) {
    return groupBy === 'site' || groupBy === 'uplink'
      ? [siteCloudKey(node.managementCluster)]
      : [cloudNodeKey(node.managementCluster)];
  }
  const keys = [islandKey(island.id)];
  if (groupBy === 'site') keys.push(siteKey(island.site));
  if (groupBy === 'uplink') keys.push(uplinkGroup(island));
  return keys;
}
