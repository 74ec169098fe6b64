/*
 * A fleet service read once from the local control plane (test/kube): what the fleet backend
 * would report for the seeded demo fleet. Only the parts the actions read.
 */
import {
  AddonSet,
  AddonSetKind,
  FleetSnapshot,
  IslandNode,
} from '@kamaji-backstage/plugin-kamaji-common';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  FleetService,
  KamajiAuditService,
} from '@kamaji-backstage/plugin-kamaji-node';
import { LocalControlPlane } from '@internal/test-kube';
import { KamajiActionDeps } from '../actions/common';
import { KubeClient } from '@kamaji-backstage/plugin-kamaji-node';
import { defaultScaffolderSettings } from '../render';
import { demoCatalogEntities, RecordingAudit, silentAuditor } from './fakes';

const ADDON_KINDS: Array<[string, AddonSetKind]> = [
  ['config.projectsveltos.io/v1beta1', 'ClusterProfile'],
  ['addons.cluster.x-k8s.io/v1alpha1', 'HelmChartProxy'],
  ['addons.cluster.x-k8s.io/v1beta2', 'ClusterResourceSet'],
];

/** The addon sets of the management cluster, with the selector the actions check names against. */
async function readAddonSets(central: KubeClient): Promise<AddonSet[]> {
  const sets: AddonSet[] = [];
  for (const [apiVersion, kind] of ADDON_KINDS) {
    for (const o of (await central.list(apiVersion, kind)) ?? []) {
      const ns = o.metadata.namespace;
      sets.push({
        id: `central/${kind}/${ns ?? '_'}/${o.metadata.name}`,
        kind,
        name: o.metadata.name,
        namespace: ns,
        managementCluster: 'central',
        selector: (o as any).spec?.clusterSelector ?? {},
        contents: [],
        matchingClusterIds: [],
        health: { status: 'healthy', reasons: [] },
      });
    }
  }
  return sets;
}

export async function fleetFromPlane(
  plane: LocalControlPlane,
): Promise<FleetService & { refresh(): Promise<void> }> {
  let snapshot: FleetSnapshot;
  const central = new KubeClient(plane.kubeConfig('central'));

  const refresh = async () => {
    const clusters =
      (await central.list('cluster.x-k8s.io/v1beta2', 'Cluster')) ?? [];
    const islands: IslandNode[] = [];
    for (const c of clusters) {
      if (c.metadata.labels?.['kamaji-backstage.io/role'] !== 'island')
        continue;
      const name = c.metadata.name;
      let dataStores: IslandNode['dataStores'] = [];
      let connection: IslandNode['connection'] = {
        status: 'connected',
        since: new Date().toISOString(),
      };
      if (plane.state.clusters[name]) {
        const island = new KubeClient(plane.kubeConfig(name));
        dataStores = (
          (await island.list('kamaji.clastix.io/v1alpha1', 'DataStore')) ?? []
        ).map(d => ({
          name: d.metadata.name,
          driver: (d as any).spec?.driver,
          usedBy: [],
        }));
      } else {
        connection = {
          status: 'disconnected',
          since: new Date().toISOString(),
          lastError: 'never reached',
        };
      }
      islands.push({
        id: `central/${c.metadata.namespace}/${name}`,
        role: 'island',
        name,
        namespace: c.metadata.namespace!,
        managementCluster: 'central',
        site: c.metadata.labels?.['kamaji-backstage.io/site'],
        labels: c.metadata.labels ?? {},
        health: { status: 'healthy', reasons: [] },
        staleness: { stale: false },
        connection,
        tenantIds: [],
        tenantHealth: {
          healthy: 0,
          progressing: 0,
          degraded: 0,
          unhealthy: 0,
          unknown: 0,
        },
        dataStores,
        conditions: [],
      });
    }
    snapshot = {
      version: 1,
      generatedAt: new Date().toISOString(),
      managementClusters: [
        {
          id: 'central',
          role: 'management',
          name: 'central',
          managementCluster: 'central',
          labels: {},
          health: { status: 'healthy', reasons: [] },
          staleness: { stale: false },
          connection: { status: 'connected', since: new Date().toISOString() },
          islandIds: islands.map(i => i.id),
          tenantIds: [],
          tenantHealth: {
            healthy: 0,
            progressing: 0,
            degraded: 0,
            unhealthy: 0,
            unknown: 0,
          },
        },
      ],
      islands,
      tenants: [],
      addonSets: await readAddonSets(central),
    };
  };
  await refresh();

  return {
    refresh,
    getSnapshot: () => snapshot,
    getCluster: () => undefined,
    subscribe: () => () => {},
    ready: async () => {},
    getClusterAccess: async () => undefined,
    getManagementClusterAccess: name =>
      name === 'central'
        ? {
            clusterId: 'central',
            server: plane.server('central'),
            kubeConfig: plane.kubeConfig('central'),
          }
        : undefined,
  };
}

/**
 * What the actions get against the local control plane: its fleet, user alice of team-retail
 * with every permission, the demo catalog, and a trail that records (or the one given).
 */
export async function planeActionDeps(
  plane: LocalControlPlane,
  audit: KamajiAuditService = new RecordingAudit(),
): Promise<KamajiActionDeps> {
  return {
    fleet: await fleetFromPlane(plane),
    permissions: mockServices.permissions({ result: AuthorizeResult.ALLOW }),
    userInfo: mockServices.userInfo({
      userEntityRef: 'user:default/alice',
      ownershipEntityRefs: ['user:default/alice', 'group:default/team-retail'],
    }),
    auth: mockServices.auth(),
    catalog: catalogServiceMock({ entities: demoCatalogEntities() }),
    audit,
    auditor: silentAuditor(),
    settings: {
      ...defaultScaffolderSettings(),
      fleetAdminGroups: ['group:default/platform-team'],
    },
  };
}
