import {
  ClusterId,
  Health,
  HealthCounts,
  IslandNode,
  Staleness,
  normalizeKubernetesVersion,
} from '@kamaji-backstage/plugin-kamaji-common';
import { islandHealth, staleHealth } from './health';
import type { IslandView } from './modelBuilder';
import type { SlimCluster, SlimDataStore } from './objects';
import {
  islandStaleness,
  objectFields,
  StaleMark,
  withDataProblems,
} from './nodeParts';

/** What an island's node is built from. */
export interface IslandInputs {
  id: ClusterId;
  managementCluster: string;
  owner?: string;
  cluster: SlimCluster;
  island: IslandView;
  dataStores: IslandNode['dataStores'];
  tenantIds: ClusterId[];
  tenantHealth: HealthCounts;
  /** Set while the management cluster is stale. */
  managementStaleness?: StaleMark;
}

/**
 * The island's data stores by name, each with the tenants it serves: `tenantOf` maps a
 * TenantControlPlane key (namespace/name) on the island to its tenant.
 */
export function islandDataStores(
  island: IslandView,
  tenantOf: ReadonlyMap<string, ClusterId> | undefined,
): IslandNode['dataStores'] {
  const stores = island.source?.items<SlimDataStore>('DataStore').values();
  return [...(stores ?? [])]
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .map(d => ({
      name: d.name,
      driver: d.driver,
      ready: d.ready,
      usedBy: d.usedBy.flatMap(tcpKey => tenantOf?.get(tcpKey) ?? []),
    }));
}

function lastKnownIslandHealth(inputs: IslandInputs): Health {
  const { cluster, island } = inputs;
  const health = islandHealth({
    cluster: {
      phase: cluster.phase,
      available: cluster.available,
      deleting: cluster.deleting,
      conditions: cluster.conditions,
    },
    // While stale with data, health is computed as last known (without the disconnection), then
    // marked unknown by the caller; an island never reached gets the disconnection itself as
    // its reason.
    connection:
      island.staleness.stale && island.staleness.lastSeenAt
        ? { ...island.connection, status: 'connected' }
        : island.connection,
    dataStores: inputs.dataStores,
    tenantHealth: inputs.tenantHealth,
  });
  return withDataProblems(health, cluster.problems ?? []);
}

/** The island's health and staleness: the management cluster's staleness comes first. */
function islandStaleHealth(
  inputs: IslandInputs,
  health: Health,
): { health: Health; staleness: Staleness } {
  const { island, managementStaleness } = inputs;
  if (managementStaleness) {
    return {
      health: staleHealth(health, managementStaleness.reason),
      staleness: managementStaleness.staleness,
    };
  }
  const mark = islandStaleness(island);
  if (!mark) return { health, staleness: { stale: false } };
  if (!island.staleness.lastSeenAt)
    return { health, staleness: mark.staleness };
  const lastError = island.connection.lastError;
  return {
    health: staleHealth(
      health,
      lastError ? `${mark.reason} (${lastError})` : mark.reason,
    ),
    staleness: mark.staleness,
  };
}

/** An island: its Cluster, its connection, its data stores and the health of its tenants. */
export function buildIsland(inputs: IslandInputs): IslandNode {
  const { cluster, island } = inputs;
  const { health, staleness } = islandStaleHealth(
    inputs,
    lastKnownIslandHealth(inputs),
  );
  return {
    ...objectFields(inputs, cluster),
    role: 'island',
    health,
    staleness,
    connection: island.connection,
    phase: cluster.phase,
    kubernetesVersion: normalizeKubernetesVersion(cluster.version),
    tenantIds: inputs.tenantIds,
    tenantHealth: inputs.tenantHealth,
    dataStores: inputs.dataStores,
    conditions: cluster.conditions,
    endpoint: cluster.endpoint,
  };
}
