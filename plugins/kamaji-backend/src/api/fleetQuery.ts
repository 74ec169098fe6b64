import {
  FleetCluster,
  FleetFilters,
  FleetResponse,
  FleetSnapshot,
  IslandNode,
  ManagementClusterNode,
  TenantNode,
  ownerEntityRef,
} from '@kamaji-backstage/plugin-kamaji-common';
import { ownerEntityRefOf } from '@kamaji-backstage/plugin-kamaji-node';

export interface FleetPageRequest {
  limit: number;
  offset: number;
}

/**
 * Names one response of a model version: the reader's scope, the filters (in a fixed order)
 * and the page (none: the whole filtered fleet).
 */
export function pageKey(
  scopeKey: string,
  filters: FleetFilters,
  page?: FleetPageRequest,
): string {
  const f = filters as Record<string, unknown>;
  const parts = Object.keys(f)
    .filter(k => f[k] !== undefined)
    .sort()
    .map(k => `${k}=${JSON.stringify(f[k])}`);
  if (page) parts.push(`page=${page.offset}:${page.limit}`);
  return parts.length || scopeKey ? `${scopeKey}|${parts.join('&')}` : '';
}

export function hasFilters(f: FleetFilters): boolean {
  return Object.values(f).some(
    v => v !== undefined && (!Array.isArray(v) || v.length > 0),
  );
}

function normalizeVersion(v: string): string {
  return v.trim().toLowerCase().replace(/^v/, '');
}

/** `v1.34` matches `v1.34`, `v1.34.2` and `1.34.2-rc.1`, not `v1.340.0`. */
export function versionMatches(
  prefix: string,
  version: string | undefined,
): boolean {
  if (!version) return false;
  const p = normalizeVersion(prefix);
  const v = normalizeVersion(version);
  if (v === p) return true;
  if (!v.startsWith(p)) return false;
  const next = v.charAt(p.length);
  return p.endsWith('.') || next === '.' || next === '-' || next === '+';
}

/** Compiles the filters into one predicate over clusters. */
export function compileFilters(f: FleetFilters): (c: FleetCluster) => boolean {
  const tests: Array<(c: FleetCluster) => boolean> = [];
  if (f.managementCluster) {
    const mc = f.managementCluster.toLowerCase();
    tests.push(c => c.managementCluster.toLowerCase() === mc);
  }
  if (f.island) {
    const island = f.island;
    tests.push(
      c =>
        c.id === island ||
        (c.role === 'tenant' && (c as TenantNode).islandId === island),
    );
  }
  if (f.owner) {
    const owner = ownerEntityRef(f.owner);
    tests.push(c => owner !== undefined && ownerEntityRefOf(c) === owner);
  }
  if (f.health?.length) {
    const health = new Set<string>(f.health);
    tests.push(c => health.has(c.health?.status));
  }
  if (f.role?.length) {
    const roles = new Set<string>(f.role);
    tests.push(c => roles.has(c.role));
  }
  if (f.version) {
    const prefix = f.version;
    tests.push(c => {
      if (c.role === 'tenant') {
        const t = c as TenantNode;
        return (
          versionMatches(prefix, t.versions?.declared) ||
          versionMatches(prefix, t.versions?.running)
        );
      }
      if (c.role === 'island') {
        return versionMatches(prefix, (c as IslandNode).kubernetesVersion);
      }
      return false;
    });
  }
  if (f.q) {
    const q = f.q.toLowerCase();
    tests.push(c => searchTextOf(c).includes(q));
  }
  if (tests.length === 0) return () => true;
  return c => tests.every(t => t(c));
}

const searchTexts = new WeakMap<FleetCluster, string>();

/**
 * What `q` searches in a node (name, id, title, site, label keys and values), lower-cased, made
 * once per node object: unchanged nodes are shared between model versions, so are their texts.
 */
function searchTextOf(c: FleetCluster): string {
  let text = searchTexts.get(c);
  if (text === undefined) {
    const parts = [c.name, c.id, c.title ?? '', c.site ?? ''];
    for (const [k, v] of Object.entries(c.labels ?? {})) {
      parts.push(k, String(v));
    }
    text = parts.join('\n').toLowerCase();
    searchTexts.set(c, text);
  }
  return text;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * Lookup tables over one (immutable) fleet snapshot, built once and shared by every filtered
 * query of that version: a query starts from the smallest list its indexed filters name and
 * tests only those candidates, instead of scanning the fleet per request.
 * Every list keeps the snapshot's order (management clusters, islands, tenants, each by id).
 */
export class FleetIndex {
  private static readonly cache = new WeakMap<FleetSnapshot, FleetIndex>();

  /** One index per snapshot object. */
  static of(snapshot: FleetSnapshot): FleetIndex {
    let index = FleetIndex.cache.get(snapshot);
    if (!index) {
      index = new FleetIndex(snapshot);
      FleetIndex.cache.set(snapshot, index);
    }
    return index;
  }

  readonly all: FleetCluster[];
  private readonly byManagement = new Map<string, FleetCluster[]>();
  private readonly byIsland = new Map<string, FleetCluster[]>();
  private readonly byOwner = new Map<string, FleetCluster[]>();
  private readonly byHealth = new Map<string, FleetCluster[]>();
  private readonly byVersion = new Map<string, FleetCluster[]>();
  private readonly addonSetsByCluster = new Map<string, number[]>();

  private constructor(readonly snapshot: FleetSnapshot) {
    this.all = [
      ...snapshot.managementClusters,
      ...snapshot.islands,
      ...sortedById(snapshot.tenants),
    ];
    for (const c of this.all) {
      push(this.byManagement, c.managementCluster.toLowerCase(), c);
      if (c.role === 'island') push(this.byIsland, c.id, c);
      if (c.role === 'tenant' && (c as TenantNode).islandId) {
        push(this.byIsland, (c as TenantNode).islandId!, c);
      }
      const owner = ownerEntityRefOf(c);
      if (owner) push(this.byOwner, owner, c);
      push(this.byHealth, c.health?.status, c);
      for (const v of new Set(versionsOf(c))) {
        push(this.byVersion, normalizeVersion(v), c);
      }
    }
    snapshot.addonSets.forEach((a, i) => {
      for (const id of a.matchingClusterIds) {
        push(this.addonSetsByCluster, id, i);
      }
    });
  }

  /** The clusters the filters accept, in snapshot order. */
  select(filters: FleetFilters): FleetCluster[] {
    const candidates = this.candidates(filters);
    const test = compileFilters(filters);
    return candidates.filter(test);
  }

  /** The addon sets that select at least one of these clusters, in snapshot order. */
  addonSetsSelecting(clusters: FleetCluster[]): FleetSnapshot['addonSets'] {
    const hit = new Set<number>();
    for (const c of clusters) {
      for (const i of this.addonSetsByCluster.get(c.id) ?? []) hit.add(i);
    }
    return [...hit].sort((a, b) => a - b).map(i => this.snapshot.addonSets[i]);
  }

  /** The smallest list that holds every cluster the indexed filters accept. */
  private candidates(f: FleetFilters): FleetCluster[] {
    const lists: FleetCluster[][] = [];
    if (f.managementCluster) {
      lists.push(
        this.byManagement.get(f.managementCluster.toLowerCase()) ?? [],
      );
    }
    if (f.island) lists.push(this.byIsland.get(f.island) ?? []);
    if (f.owner) {
      lists.push(this.byOwner.get(ownerEntityRef(f.owner) ?? '') ?? []);
    }
    if (f.health?.length) lists.push(this.union(this.byHealth, f.health));
    if (f.role?.length) {
      const roles = new Set<string>(f.role);
      lists.push(this.all.filter(c => roles.has(c.role)));
    }
    if (f.version) {
      const prefix = f.version;
      const keys = [...this.byVersion.keys()].filter(v =>
        versionMatches(prefix, v),
      );
      lists.push(this.union(this.byVersion, keys));
    }
    if (!lists.length) return this.all;
    return lists.reduce((a, b) => (b.length < a.length ? b : a));
  }

  /** The clusters under any of these keys, in snapshot order. */
  private union(map: Map<string, FleetCluster[]>, keys: Iterable<string>) {
    const picked = new Set<FleetCluster>();
    for (const k of keys) for (const c of map.get(k) ?? []) picked.add(c);
    return this.all.length < picked.size * 8
      ? this.all.filter(c => picked.has(c))
      : [...picked].sort((a, b) => this.position(a) - this.position(b));
  }

  private positions?: Map<FleetCluster, number>;
  private position(c: FleetCluster): number {
    this.positions ??= new Map(this.all.map((n, i) => [n, i]));
    return this.positions.get(c)!;
  }
}

function versionsOf(c: FleetCluster): string[] {
  if (c.role === 'tenant') {
    const t = c as TenantNode;
    return [t.versions?.declared, t.versions?.running].filter(
      (v): v is string => !!v,
    );
  }
  if (c.role === 'island') {
    const v = (c as IslandNode).kubernetesVersion;
    return v ? [v] : [];
  }
  return [];
}

const byId = (a: { id: string }, b: { id: string }) => {
  if (a.id === b.id) return 0;
  return a.id < b.id ? -1 : 1;
};

function sortedById<T extends { id: string }>(items: T[]): T[] {
  for (let i = 1; i < items.length; i++) {
    if (byId(items[i - 1], items[i]) > 0) return [...items].sort(byId);
  }
  return items;
}

/**
 * Applies filters and paging to the (already permission-filtered) fleet, through the
 * snapshot's {@link FleetIndex}. Tenants are paged, in id order; management clusters, islands
 * and addon sets are not. With filters, addon sets are those selecting at least one returned
 * cluster (any page). Without `page`, every tenant is returned.
 */
export function queryFleet(
  fleet: FleetSnapshot,
  filters: FleetFilters,
  page?: FleetPageRequest,
): FleetResponse {
  const filtered = hasFilters(filters);
  let managementClusters = fleet.managementClusters;
  let islands = fleet.islands;
  let tenants = sortedById(fleet.tenants);
  let addonSets = fleet.addonSets;
  if (filtered) {
    const index = FleetIndex.of(fleet);
    const selected = index.select(filters);
    managementClusters = selected.filter(
      c => c.role === 'management',
    ) as ManagementClusterNode[];
    islands = selected.filter(c => c.role === 'island') as IslandNode[];
    tenants = selected.filter(c => c.role === 'tenant') as TenantNode[];
    addonSets = index.addonSetsSelecting(selected);
  }
  const offset = page?.offset ?? 0;
  const limit = page?.limit ?? tenants.length;
  return {
    version: fleet.version,
    generatedAt: fleet.generatedAt,
    managementClusters,
    islands,
    tenants:
      offset === 0 && limit >= tenants.length
        ? tenants
        : tenants.slice(offset, offset + limit),
    addonSets,
    page: { total: tenants.length, offset, limit },
  };
}
