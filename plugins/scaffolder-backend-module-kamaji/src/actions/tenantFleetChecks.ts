import { LoggerService } from '@backstage/backend-plugin-api';
import {
  FleetSnapshot,
  IslandNode,
  addonSetOptInNames,
} from '@kamaji-backstage/plugin-kamaji-common';
import { TenantClusterSpec } from '../render/tenant';
import { Problems, shown } from '../render/validation';
import { ObjectClient } from '../kube/ObjectClient';
import { KamajiApplyError, explainApiError } from '../kube/ApplyPlan';

/** Checks of a tenant against the fleet: island, its connection and data stores, addon sets. */
export async function checkTenantAgainstFleet(
  spec: TenantClusterSpec,
  islandNamespaceGiven: boolean,
  snapshot: FleetSnapshot,
  managementCluster: string,
  client: ObjectClient,
  problems: Problems,
  logger: LoggerService,
): Promise<void> {
  if (spec.island) {
    const island = findIsland(
      spec.island,
      islandNamespaceGiven,
      snapshot,
      managementCluster,
      problems,
    );
    if (!island) return;
    spec.island.namespace = island.namespace;
    if (!spec.site && island.site) spec.site = island.site;
    warnIfUnreachable(island, logger);
    checkIslandDataStore(spec.dataStore, island, problems, logger);
  } else {
    await checkManagementDataStore(
      spec.dataStore,
      managementCluster,
      client,
      problems,
    );
  }
  checkAddonSetsExist(spec.addonSets, snapshot, managementCluster, problems);
}

/** The island the tenant names in its management cluster; a problem when there is none. */
function findIsland(
  { name, namespace }: { name: string; namespace: string },
  islandNamespaceGiven: boolean,
  snapshot: FleetSnapshot,
  managementCluster: string,
  problems: Problems,
): IslandNode | undefined {
  const candidates = snapshot.islands.filter(
    candidate =>
      candidate.name === name &&
      candidate.managementCluster === managementCluster,
  );
  // Without an explicit namespace, a unique island name is enough.
  const island =
    !islandNamespaceGiven && candidates.length === 1
      ? candidates[0]
      : candidates.find(candidate => candidate.namespace === namespace);
  if (!island) {
    const known = snapshot.islands
      .filter(other => other.managementCluster === managementCluster)
      .map(other => `${other.name} (${other.namespace})`);
    problems.add(
      candidates.length && islandNamespaceGiven ? 'islandNamespace' : 'island',
      `no island ${shown(name)}${
        islandNamespaceGiven ? ` in namespace '${namespace}'` : ''
      } in management cluster ${managementCluster}: pick one of ${
        known.join(', ') || '(no islands yet)'
      }`,
    );
  }
  return island;
}

/** Warns when the island is not fully readable now: the tenant is declared all the same. */
function warnIfUnreachable(island: IslandNode, logger: LoggerService) {
  const connection = island.connection;
  if (connection.status === 'disconnected') {
    logger.warn(
      `Island ${island.name} is disconnected (since ${connection.since}${
        connection.lastError ? `: ${connection.lastError}` : ''
      }). The cluster is declared now; Kamaji creates its control plane on the island once it is reachable again. Its data stores were checked against the last-known state.`,
    );
  } else if (connection.status === 'degraded') {
    logger.warn(
      `Island ${island.name} is only partly readable (degraded): ${
        connection.lastError ?? ''
      }`,
    );
  }
}

/** The island must report the tenant's DataStore; one that is not ready yet is only warned about. */
function checkIslandDataStore(
  dataStore: string,
  island: IslandNode,
  problems: Problems,
  logger: LoggerService,
) {
  const stores = island.dataStores.map(store => store.name);
  if (!stores.includes(dataStore)) {
    problems.add(
      'dataStore',
      stores.length
        ? `island ${island.name} has no DataStore ${shown(
            dataStore,
          )}: pick one of ${stores.join(', ')}`
        : `island ${island.name} reports no DataStore${
            island.connection.status === 'disconnected'
              ? ' (it has not been read since it disconnected)'
              : ''
          }: Kamaji on the island needs one before it can host control planes`,
    );
  } else {
    const store = island.dataStores.find(({ name }) => name === dataStore);
    if (store?.ready === false)
      logger.warn(`DataStore ${dataStore} on ${island.name} is not ready yet`);
  }
}

/**
 * A control plane hosted in the management cluster needs Kamaji there (the DataStore kind is
 * served) and the tenant's DataStore.
 */
async function checkManagementDataStore(
  dataStore: string,
  managementCluster: string,
  client: ObjectClient,
  problems: Problems,
) {
  let stores;
  try {
    stores = await client.list('kamaji.clastix.io/v1alpha1', 'DataStore');
  } catch (e) {
    throw new KamajiApplyError(
      `Could not read the DataStores of ${managementCluster}: ${explainApiError(
        {
          apiVersion: 'kamaji.clastix.io/v1alpha1',
          kind: 'DataStore',
          metadata: { name: dataStore },
        },
        e,
      )}`,
    );
  }
  if (stores === undefined) {
    problems.add(
      'island',
      `is required: Kamaji is not installed in the management cluster ${managementCluster}, so the control plane must run on an island`,
    );
  } else if (!stores.some(store => store.metadata.name === dataStore)) {
    const names = stores.map(store => store.metadata.name);
    problems.add(
      'dataStore',
      `the management cluster ${managementCluster} has no DataStore ${shown(
        dataStore,
      )}: pick one of ${names.join(', ') || '(none)'}`,
    );
  }
}

/**
 * Every addon set a cluster opts in to must exist in its management cluster (an addon set that
 * selects by `addons.kamaji-backstage.io/<name>: enabled`): a misspelt name would leave a label
 * that no addon set ever selects.
 */
export function checkAddonSetsExist(
  addonSets: string[],
  snapshot: FleetSnapshot,
  managementCluster: string,
  problems: Problems,
): void {
  const known = addonSetOptInNames(snapshot.addonSets, managementCluster);
  addonSets.forEach((name, i) => {
    if (!known.includes(name)) {
      problems.add(
        `addonSets[${i}]`,
        `there is no addon set ${shown(
          name,
        )} in management cluster ${managementCluster}: pick one of ${
          known.join(', ') || '(no addon sets yet)'
        }, or create it first (kamaji:addonset:create)`,
      );
    }
  });
}
