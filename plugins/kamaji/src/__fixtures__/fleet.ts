/**
 * Fleet fixtures in the shape the backend serves (`GET /api/kamaji/v1/fleet`), typed with the
 * kamaji-common model so that a model change breaks them at compile time.
 *
 * The real backend's responses for the example fleet are in `recorded.ts` (recorded by
 * `scripts/record-kamaji-fixtures.ts`); these builders make the states that fleet cannot show:
 * hundreds of islands, islands of the same name in two management clusters, a given mix of health
 * and versions. Being typed with the common model, they change when the API's shape changes.
 */
import {
  emptyHealthCounts,
  type FleetDelta,
  type HealthCounts,
  type HealthStatus,
  type IslandNode,
  type ManagementClusterNode,
  type TenantNode,
} from '@kamaji-backstage/plugin-kamaji-common';
import type { FleetResponse } from '../api/types';

/** Relative to the real clock, so that "last seen N min ago" is stable in tests. */
export const NOW = new Date().toISOString();
/** Disconnected 12 minutes before NOW. */
export const LAST_SEEN = new Date(Date.now() - 12 * 60000 - 5000).toISOString();

export function counts(partial: Partial<HealthCounts> = {}): HealthCounts {
  return { ...emptyHealthCounts(), ...partial };
}

export function tenant(
  name: string,
  opts: {
    managementCluster?: string;
    namespace?: string;
    islandId?: string;
    health?: HealthStatus;
    reasons?: string[];
    owner?: string;
    declared?: string;
    running?: string;
    workers?: number;
    stale?: boolean;
    lastSeenAt?: string;
    site?: string;
  } = {},
): TenantNode {
  const mc = opts.managementCluster ?? 'cloud';
  const ns = opts.namespace ?? 'tenants';
  const declared = opts.declared ?? 'v1.34.2';
  const running = opts.running ?? declared;
  const workers = opts.workers ?? 2;
  return {
    id: `${mc}/${ns}/${name}`,
    role: 'tenant',
    name,
    namespace: ns,
    managementCluster: mc,
    owner: opts.owner ?? 'group:default/team-edge',
    site: opts.site,
    labels: {},
    health: {
      status: opts.health ?? 'healthy',
      reasons: opts.reasons ?? [],
    },
    staleness: { stale: !!opts.stale, lastSeenAt: opts.lastSeenAt },
    managed: true,
    islandId: opts.islandId,
    phase: 'Provisioned',
    available: opts.health === 'unhealthy' ? 'False' : 'True',
    versions: {
      declared,
      running,
      workers: [declared],
      skew: declared !== running,
    },
    controlPlane: {
      kamajiControlPlane: {
        name,
        namespace: ns,
        ready: true,
        initialized: true,
        version: declared,
        replicas: 2,
        readyReplicas: 2,
      },
      tenantControlPlane: {
        name,
        namespace: ns,
        hostedIn: opts.islandId ?? mc,
        status: opts.stale ? 'Unknown' : 'Ready',
        version: running,
        replicas: 2,
        readyReplicas: 2,
      },
    },
    workerPools: [
      {
        name: `${name}-md-0`,
        namespace: ns,
        replicas: {
          desired: workers,
          current: workers,
          ready: workers,
          available: workers,
          upToDate: workers,
        },
        version: declared,
        phase: 'Running',
        machinePhases: { Running: workers },
        conditions: [],
      },
    ],
    workers: {
      desired: workers,
      current: workers,
      ready: workers,
      available: workers,
      upToDate: workers,
    },
    addons: [],
    conditions:
      opts.health === 'unhealthy'
        ? [
            {
              type: 'Available',
              status: 'False',
              reason: 'ControlPlaneUnavailable',
              message: 'control plane endpoint does not answer',
              source: 'Cluster',
            },
          ]
        : [],
  };
}

export function island(
  name: string,
  tenants: TenantNode[],
  opts: {
    disconnected?: boolean;
    site?: string;
    owner?: string;
  } = {},
): IslandNode {
  const health = counts();
  for (const t of tenants) health[t.health.status]++;
  return {
    id: `cloud/islands/${name}`,
    role: 'island',
    name,
    namespace: 'islands',
    managementCluster: 'cloud',
    owner: opts.owner ?? 'group:default/team-platform',
    site: opts.site,
    labels: { 'kamaji-backstage.io/role': 'island' },
    health: opts.disconnected
      ? { status: 'unknown', reasons: ['island API server unreachable'] }
      : { status: 'healthy', reasons: [] },
    staleness: opts.disconnected
      ? { stale: true, lastSeenAt: LAST_SEEN }
      : { stale: false },
    connection: opts.disconnected
      ? {
          status: 'disconnected',
          since: LAST_SEEN,
          lastSyncAt: LAST_SEEN,
          lastError: 'dial tcp 10.0.0.12:6443: connect: connection refused',
        }
      : { status: 'connected', since: NOW, lastSyncAt: NOW },
    phase: 'Provisioned',
    kubernetesVersion: 'v1.34.2',
    tenantIds: tenants.map(t => t.id),
    tenantHealth: health,
    dataStores: [{ name: 'default', driver: 'etcd', ready: true, usedBy: [] }],
    conditions: [],
  };
}

export function management(
  islands: IslandNode[],
  tenants: TenantNode[],
): ManagementClusterNode {
  const health = counts();
  for (const t of tenants) health[t.health.status]++;
  return {
    id: 'cloud',
    role: 'management',
    name: 'cloud',
    managementCluster: 'cloud',
    labels: {},
    health: { status: 'healthy', reasons: [] },
    staleness: { stale: false },
    connection: { status: 'connected', since: NOW, lastSyncAt: NOW },
    islandIds: islands.map(i => i.id),
    tenantIds: tenants.filter(t => !t.islandId).map(t => t.id),
    tenantHealth: health,
  };
}

export function fleet(
  islands: IslandNode[],
  tenants: TenantNode[],
  version = 7,
): FleetResponse {
  const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : 1);
  return {
    version,
    generatedAt: NOW,
    epoch: 'e1',
    managementClusters: [management(islands, tenants)],
    islands: [...islands].sort(byId),
    tenants: [...tenants].sort(byId),
    addonSets: [],
    page: { total: tenants.length, offset: 0, limit: 1000 },
  };
}

/** One management cluster; island `factory-a` connected, `shop-b` disconnected; one tenant in the cloud. */
export function sampleFleet(version = 7): FleetResponse {
  const a = 'cloud/islands/factory-a';
  const b = 'cloud/islands/shop-b';
  const aTenants = [
    tenant('line-1', { islandId: a, site: 'factory' }),
    tenant('line-2', {
      islandId: a,
      health: 'unhealthy',
      reasons: ['control plane endpoint does not answer'],
      owner: 'group:default/team-retail',
    }),
    tenant('line-3', { islandId: a, declared: 'v1.35.0', running: 'v1.34.2' }),
  ];
  const bTenants = [
    tenant('till-1', {
      islandId: b,
      health: 'unknown',
      stale: true,
      lastSeenAt: LAST_SEEN,
      owner: 'group:default/team-retail',
    }),
    tenant('till-2', {
      islandId: b,
      health: 'unknown',
      stale: true,
      lastSeenAt: LAST_SEEN,
      owner: 'group:default/team-retail',
    }),
  ];
  const cloudTenant = tenant('ci-runner', { owner: 'group:default/team-ci' });
  return fleet(
    [
      island('factory-a', aTenants, { site: 'factory' }),
      island('shop-b', bTenants, { disconnected: true, site: 'shop' }),
    ],
    [...aTenants, ...bTenants, cloudTenant],
    version,
  );
}

export function delta(
  fromVersion: number,
  changes: Partial<Omit<FleetDelta, 'fromVersion' | 'version'>> = {},
): FleetDelta {
  return {
    fromVersion,
    version: fromVersion + 1,
    generatedAt: NOW,
    upserted: [],
    removed: [],
    upsertedAddonSets: [],
    removedAddonSets: [],
    ...changes,
  };
}

/** SSE text of a list of events. */
export function sse(
  events: Array<{ event: string; data: unknown; id?: string | number }>,
): string {
  return events
    .map(
      e =>
        `${e.id !== undefined ? `id: ${e.id}\n` : ''}event: ${
          e.event
        }\ndata: ${JSON.stringify(e.data)}\n\n`,
    )
    .join('');
}

/**
 * A fleet of `islands × perIsland` tenants: islands on 25 sites, tenants owned by 10 teams, every
 * 50th island disconnected, every 7th tenant unhealthy.
 */
export function largeFleet(islands = 500, perIsland = 20): FleetResponse {
  const islandNodes: IslandNode[] = [];
  const tenants: TenantNode[] = [];
  for (let i = 0; i < islands; i++) {
    const name = `island-${String(i).padStart(3, '0')}`;
    const id = `cloud/islands/${name}`;
    const disconnected = i % 50 === 0;
    const ts = Array.from({ length: perIsland }, (_, j) =>
      tenant(`t-${i}-${j}`, {
        islandId: id,
        owner: `group:default/team-${(i + j) % 10}`,
        health: (i * perIsland + j) % 7 === 0 ? 'unhealthy' : 'healthy',
        stale: disconnected,
        lastSeenAt: disconnected ? LAST_SEEN : undefined,
      }),
    );
    tenants.push(...ts);
    islandNodes.push(
      island(name, ts, { disconnected, site: `site-${i % 25}` }),
    );
  }
  return fleet(islandNodes, tenants);
}
