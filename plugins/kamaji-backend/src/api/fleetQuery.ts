import {
  FleetCluster,
  FleetFilters,
  FleetResponse,
  FleetSnapshot,
  IslandNode,
  TenantNode,
  ownerEntityRef,
} from '@kamaji-backstage/plugin-kamaji-common';
import { ownerEntityRefOf } from '@kamaji-backstage/plugin-kamaji-node';

export interface FleetPageRequest {
  limit: number;
  offset: number;
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
    tests.push(c => {
      if (
        c.name.toLowerCase().includes(q) ||
        c.id.toLowerCase().includes(q) ||
        (c.title ?? '').toLowerCase().includes(q) ||
        (c.site ?? '').toLowerCase().includes(q)
      ) {
        return true;
      }
      for (const [k, v] of Object.entries(c.labels ?? {})) {
        if (
          k.toLowerCase().includes(q) ||
          String(v).toLowerCase().includes(q)
        ) {
          return true;
        }
      }
      return false;
    });
  }
  if (tests.length === 0) return () => true;
  return c => tests.every(t => t(c));
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
 * Applies filters and paging to the (already permission-filtered) fleet.
 * Tenants are paged, in id order; management clusters, islands and addon sets are not.
 * With filters, addon sets are those selecting at least one returned cluster (any page).
 */
export function queryFleet(
  fleet: FleetSnapshot,
  filters: FleetFilters,
  page: FleetPageRequest,
): FleetResponse {
  const filtered = hasFilters(filters);
  const test = compileFilters(filters);
  const managementClusters = filtered
    ? fleet.managementClusters.filter(test)
    : fleet.managementClusters;
  const islands = filtered ? fleet.islands.filter(test) : fleet.islands;
  const tenants = sortedById(
    filtered ? fleet.tenants.filter(test) : fleet.tenants,
  );
  let addonSets = fleet.addonSets;
  if (filtered) {
    const returned = new Set<string>();
    for (const list of [managementClusters, islands, tenants]) {
      for (const c of list) returned.add(c.id);
    }
    addonSets = fleet.addonSets.filter(a =>
      a.matchingClusterIds.some(id => returned.has(id)),
    );
  }
  return {
    version: fleet.version,
    generatedAt: fleet.generatedAt,
    managementClusters,
    islands,
    tenants: tenants.slice(page.offset, page.offset + page.limit),
    addonSets,
    page: { total: tenants.length, offset: page.offset, limit: page.limit },
  };
}
