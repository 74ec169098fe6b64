/*
 * TEST HELPER. A small fixed fleet: one management cluster, two islands run by the platform team,
 * tenants of two application teams on both islands (and one in the management cluster itself),
 * an unmanaged tenant, and three addon sets. Health that rolls up over clusters (an island's
 * unhealthy tenants, an addon set's deliveries) is made by the fleet's own functions.
 */
import {
  AddonAttachment,
  AddonSet,
  countHealth,
  FleetSnapshot,
  HealthCounts,
  HealthStatus,
  IslandNode,
  ManagementClusterNode,
  TenantControlPlaneStatus,
  TenantNode,
} from '@kamaji-backstage/plugin-kamaji-common';
import {
  deliveryFindings,
  healthFrom,
  unhealthyIslandsReason,
  unhealthyTenantsReason,
} from '../../fleet/health';

export const MC = 'central';
export const ISLAND_A = 'central/fleet-islands/island-a';
export const ISLAND_B = 'central/fleet-islands/island-b';
export const SHOP_1 = 'central/fleet-tenants/shop-0001';
export const SHOP_2 = 'central/fleet-tenants/shop-0002';
export const FACTORY_1 = 'central/fleet-tenants/factory-0001';
export const FACTORY_2 = 'central/fleet-tenants/factory-0002';
export const CENTRAL_TENANT = 'central/fleet-tenants/hq-0001';
export const LEGACY = `${ISLAND_A}/tcp/kamaji-tenants/legacy`;

const T0 = '2026-11-30T10:00:00.000Z';

function health(status: HealthStatus, ...reasons: string[]) {
  return { status, reasons };
}

/** Degraded for a roll-up's reason, healthy without one. */
function rolledUp(reason: string | undefined) {
  return healthFrom(reason ? [['degraded', reason]] : []);
}

export function tenant(options: {
  id: string;
  owner?: string;
  island?: string;
  health?: HealthStatus;
  declared?: string;
  running?: string;
  tcpStatus?: TenantControlPlaneStatus;
  phase?: string;
  pools?: Array<{ name: string; replicas: number; version?: string }>;
  managed?: boolean;
  labels?: Record<string, string>;
  site?: string;
}): TenantNode {
  const parts = options.id.split('/');
  const name = parts[parts.length - 1];
  const managed = options.managed ?? true;
  const namespace = managed ? parts[1] : undefined;
  const pools = options.pools ?? [];
  const tcpName = `kcp-${name}`;
  return {
    id: options.id,
    role: 'tenant',
    name,
    namespace,
    managementCluster: parts[0],
    owner: options.owner,
    site: options.site,
    labels: {
      ...(options.owner
        ? { 'kamaji-backstage.io/owner': options.owner.split('/')[1] }
        : {}),
      ...(options.labels ?? {}),
    },
    health: health(options.health ?? 'healthy'),
    staleness: { stale: false },
    createdAt: T0,
    managed,
    islandId: options.island,
    phase: options.phase ?? (managed ? 'Provisioned' : undefined),
    available: 'True',
    versions: {
      declared: options.declared ?? 'v1.34.2',
      running: options.running ?? options.declared ?? 'v1.34.2',
      workers: pools.map(p => p.version ?? 'v1.34.2'),
      skew: false,
    },
    controlPlane: {
      kamajiControlPlane: managed
        ? {
            name,
            namespace: namespace!,
            ready: true,
            initialized: true,
            version: options.declared ?? 'v1.34.2',
            replicas: 2,
            readyReplicas: 2,
          }
        : undefined,
      tenantControlPlane: {
        name: tcpName,
        namespace: 'kamaji-tenants',
        hostedIn: options.island ?? parts[0],
        status: options.tcpStatus ?? 'Ready',
        version: options.running ?? options.declared ?? 'v1.34.2',
        endpoint: '192.0.2.10:6443',
        dataStore: 'default',
        replicas: 2,
        readyReplicas: 2,
      },
    },
    workerPools: pools.map(p => ({
      name: p.name,
      namespace: namespace ?? 'default',
      replicas: {
        desired: p.replicas,
        current: p.replicas,
        ready: p.replicas,
        available: p.replicas,
        upToDate: p.replicas,
      },
      version: p.version ?? 'v1.34.2',
      phase: 'Running',
      machinePhases: { Running: p.replicas },
      conditions: [],
    })),
    workers: {
      desired: pools.reduce((a, p) => a + p.replicas, 0),
      current: pools.reduce((a, p) => a + p.replicas, 0),
      ready: pools.reduce((a, p) => a + p.replicas, 0),
      available: pools.reduce((a, p) => a + p.replicas, 0),
      upToDate: pools.reduce((a, p) => a + p.replicas, 0),
    },
    addons: [],
    conditions: [
      {
        type: 'Available',
        status: 'True',
        reason: 'Available',
        source: 'Cluster',
      },
    ],
    endpoint: '192.0.2.10:6443',
  };
}

function counts(tenants: TenantNode[]): HealthCounts {
  return countHealth(tenants.map(t => t.health.status));
}

function island(id: string, tenants: TenantNode[], site: string): IslandNode {
  const name = id.split('/')[2];
  return {
    id,
    role: 'island',
    name,
    namespace: 'fleet-islands',
    managementCluster: MC,
    owner: 'group:default/platform-team',
    site,
    labels: {
      'kamaji-backstage.io/role': 'island',
      'kamaji-backstage.io/owner': 'platform-team',
      'kamaji-backstage.io/site': site,
    },
    health: rolledUp(unhealthyTenantsReason(counts(tenants))),
    staleness: { stale: false },
    createdAt: T0,
    connection: { status: 'connected', since: T0, lastSyncAt: T0 },
    phase: 'Provisioned',
    kubernetesVersion: 'v1.34.1',
    tenantIds: tenants.map(t => t.id),
    tenantHealth: counts(tenants),
    dataStores: [
      {
        name: 'default',
        driver: 'etcd',
        ready: true,
        usedBy: tenants.map(t => t.id),
      },
    ],
    conditions: [],
    endpoint: '192.0.2.1:6443',
  };
}

/**
 * An addon set delivered to `deliveries` (tenant → state), attached to those tenants as the model
 * attaches it.
 */
function addonSet(
  name: string,
  kind: AddonSet['kind'],
  deliveries: Array<[TenantNode, NonNullable<AddonAttachment['status']>]>,
): AddonSet {
  const id = `${MC}/${kind}/${
    kind === 'ClusterProfile' ? '_' : 'fleet-tenants'
  }/${name}`;
  for (const [t, status] of deliveries) {
    t.addons.push({ addonSetId: id, name, kind, status });
  }
  return {
    id,
    kind,
    name,
    namespace: kind === 'ClusterProfile' ? undefined : 'fleet-tenants',
    managementCluster: MC,
    selector: {
      matchLabels: { [`addons.kamaji-backstage.io/${name}`]: 'enabled' },
    },
    contents: [`${name}@1.0.0`],
    matchingClusterIds: deliveries.map(([t]) => t.id),
    health: healthFrom(
      deliveryFindings(
        deliveries.map(([t, state]) => ({ cluster: t.name, state })),
      ),
    ),
  };
}

/** The fixture fleet at `version`. */
export function fixtureFleet(version = 10): FleetSnapshot {
  const shop1 = tenant({
    id: SHOP_1,
    owner: 'group:default/team-retail',
    island: ISLAND_A,
    pools: [{ name: 'shop-0001-edge', replicas: 1 }],
    site: 'Shop 1, Lyon',
    labels: { 'fleet.example.io/tier': 'tenant' },
  });
  const shop2 = tenant({
    id: SHOP_2,
    owner: 'group:default/team-retail',
    island: ISLAND_B,
    health: 'degraded',
    declared: 'v1.33.5',
    pools: [{ name: 'shop-0002-edge', replicas: 2, version: 'v1.33.5' }],
  });
  const factory1 = tenant({
    id: FACTORY_1,
    owner: 'group:default/team-factory',
    island: ISLAND_A,
    pools: [{ name: 'factory-0001-line', replicas: 3 }],
  });
  const factory2 = tenant({
    id: FACTORY_2,
    owner: 'group:default/team-factory',
    island: ISLAND_B,
    health: 'progressing',
    declared: 'v1.35.0',
    running: 'v1.34.2',
    tcpStatus: 'Upgrading',
  });
  const hq = tenant({
    id: CENTRAL_TENANT,
    owner: 'group:default/team-factory',
  });
  const legacy = tenant({
    id: LEGACY,
    island: ISLAND_A,
    managed: false,
    health: 'unhealthy',
  });
  const islandA = island(ISLAND_A, [shop1, factory1, legacy], 'Lyon');
  const islandB = island(ISLAND_B, [shop2, factory2], 'Turin');
  const mgmt: ManagementClusterNode = {
    id: MC,
    role: 'management',
    name: MC,
    managementCluster: MC,
    owner: 'group:default/platform-team',
    labels: {},
    health: rolledUp(unhealthyIslandsReason([islandA, islandB])),
    staleness: { stale: false },
    connection: { status: 'connected', since: T0, lastSyncAt: T0 },
    islandIds: [ISLAND_A, ISLAND_B],
    tenantIds: [CENTRAL_TENANT],
    tenantHealth: counts([hq]),
  };
  const tenants = [factory1, factory2, hq, shop1, shop2, legacy].sort((a, b) =>
    a.id < b.id ? -1 : 1,
  );
  return {
    version,
    generatedAt: T0,
    managementClusters: [mgmt],
    islands: [islandA, islandB],
    tenants,
    addonSets: [
      addonSet('tenant-baseline', 'ClusterProfile', [
        [factory1, 'applied'],
        [factory2, 'progressing'],
        [hq, 'applied'],
        [shop1, 'applied'],
        [shop2, 'failed'],
        [legacy, 'unknown'],
      ]),
      addonSet('retail-cni', 'ClusterResourceSet', [
        [shop1, 'applied'],
        [shop2, 'applied'],
      ]),
      addonSet('factory-monitoring', 'HelmChartProxy', [
        [factory1, 'applied'],
        [factory2, 'progressing'],
      ]),
    ],
  };
}
