/* TEST HELPER. Fleet nodes the catalog module's tests map to entities. */
import type { IslandNode } from '@kamaji-backstage/plugin-kamaji-common';

/** What every node has, healthy and fresh. */
export const base = {
  labels: {},
  health: { status: 'healthy' as const, reasons: [] },
  staleness: { stale: false },
};
/** island-a of the example fleet, connected. */
export const island: IslandNode = {
  ...base,
  id: 'central/fleet-islands/island-a',
  role: 'island',
  name: 'island-a',
  namespace: 'fleet-islands',
  managementCluster: 'central',
  site: 'Factory Lyon',
  owner: 'group:default/platform-team',
  connection: { status: 'connected', since: '' },
  kubernetesVersion: 'v1.34.2',
  tenantIds: [],
  tenantHealth: {
    healthy: 0,
    progressing: 0,
    degraded: 0,
    unhealthy: 0,
    unknown: 0,
  },
  dataStores: [],
  conditions: [],
  endpoint: '10.10.0.10:6443',
};
