import {
  compactFleetResponse,
  compactTenant,
  expandFleetSnapshot,
  expandTenant,
} from './compactTenants';
import { externalTenantControlPlaneName } from './ids';
import type { TenantNode } from './model';

const throughJson = <T>(value: T): T => JSON.parse(JSON.stringify(value));

function tenant(overrides: Partial<TenantNode> = {}): TenantNode {
  return {
    id: 'central/fleet-tenants/lyon-press-line',
    role: 'tenant',
    name: 'lyon-press-line',
    namespace: 'fleet-tenants',
    managementCluster: 'central',
    owner: 'group:default/team-logistics',
    labels: { 'kamaji-backstage.io/island': 'island-a' },
    health: { status: 'healthy', reasons: [] },
    staleness: { stale: false },
    managed: true,
    islandId: 'central/fleet-islands/island-a',
    versions: {
      declared: 'v1.34.2',
      running: 'v1.34.2',
      workers: [],
      skew: false,
    },
    controlPlane: {
      kamajiControlPlane: {
        name: 'lyon-press-line',
        namespace: 'fleet-tenants',
        uid: 'b7d1',
        ready: true,
        initialized: true,
        version: 'v1.34.2',
        replicas: 2,
      },
      tenantControlPlane: {
        name: 'kcp-b7d1',
        namespace: 'kamaji-tenants',
        hostedIn: 'central/fleet-islands/island-a',
        status: 'Ready',
        version: 'v1.34.2',
        endpoint: '10.0.0.7:6443',
      },
    },
    workerPools: [],
    workers: { desired: 0, current: 0, ready: 0, available: 0, upToDate: 0 },
    addons: [],
    conditions: [],
    endpoint: '10.0.0.7:6443',
    ...overrides,
  };
}

/** The tenant as the snapshot gives it back: without the uid and the name Kamaji derives from it. */
function withoutRandomIdentifiers(whole: TenantNode): TenantNode {
  const copy = throughJson(whole);
  const { kamajiControlPlane, tenantControlPlane } = copy.controlPlane;
  const uid = kamajiControlPlane?.uid;
  delete kamajiControlPlane?.uid;
  if (uid && tenantControlPlane?.name === externalTenantControlPlaneName(uid))
    delete tenantControlPlane.name;
  return copy;
}

const base = tenant();
const kcp = base.controlPlane.kamajiControlPlane!;
const tcp = base.controlPlane.tenantControlPlane!;

/** Tenants where each rule of the compact form has something to leave out, or must not. */
const variants: Record<string, TenantNode> = {
  'the common case': base,
  'no control plane objects': tenant({ controlPlane: {} }),
  'a KamajiControlPlane named otherwise, in no version': tenant({
    controlPlane: {
      kamajiControlPlane: { ...kcp, name: 'lyon-kcp', version: undefined },
    },
  }),
  'a TenantControlPlane without endpoint or version of its own': tenant({
    controlPlane: {
      tenantControlPlane: { ...tcp, endpoint: undefined, version: undefined },
    },
  }),
  'a TenantControlPlane hosted centrally, a tenant on no island': tenant({
    islandId: undefined,
    controlPlane: {
      kamajiControlPlane: kcp,
      tenantControlPlane: {
        ...tcp,
        name: 'lyon-press-line',
        hostedIn: 'central',
      },
    },
  }),
  'a TenantControlPlane without its KamajiControlPlane': tenant({
    controlPlane: { tenantControlPlane: tcp },
  }),
  'an unmanaged tenant found on an island': tenant({
    id: 'central/fleet-islands/island-a/tcp/kamaji-tenants/legacy-line',
    name: 'legacy-line',
    namespace: 'kamaji-tenants',
    managed: false,
    controlPlane: { tenantControlPlane: { ...tcp, name: 'legacy-line' } },
  }),
  'an unhealthy tenant with version skew among its workers': tenant({
    health: { status: 'degraded', reasons: ['1 of 3 workers not ready'] },
    versions: {
      declared: 'v1.34.2',
      running: 'v1.34.2',
      workers: ['v1.33.5', 'v1.34.2'],
      skew: true,
    },
  }),
  'versions and endpoint only the control planes know': tenant({
    versions: { workers: [], skew: false },
    endpoint: undefined,
  }),
  'a stale tenant with workers, pools, addons and conditions': tenant({
    staleness: { stale: true, lastSeenAt: '2026-12-05T08:00:00Z' },
    workers: { desired: 3, current: 3, ready: 2, available: 2, upToDate: 3 },
    workerPools: [
      {
        name: 'lyon-md-0',
        namespace: 'fleet-tenants',
        replicas: {
          desired: 3,
          current: 3,
          ready: 2,
          available: 2,
          upToDate: 3,
        },
        machinePhases: { Running: 3 },
        conditions: [],
      },
    ],
    addons: [
      {
        addonSetId: 'central/ClusterProfile/_/edge-baseline',
        name: 'edge-baseline',
        kind: 'ClusterProfile',
        status: 'applied',
      },
    ],
    conditions: [{ type: 'Available', status: 'True' }],
  }),
  'not stale, but with a last-seen time': tenant({
    staleness: { stale: false, lastSeenAt: '2026-12-05T08:00:00Z' },
  }),
};

describe('the compact form of the whole-fleet snapshot', () => {
  it.each(Object.entries(variants))(
    'gives back the same tenant after JSON both ways: %s',
    (_, whole) => {
      const sent = throughJson(compactTenant(whole));
      expect(throughJson(expandTenant(sent))).toEqual(
        withoutRandomIdentifiers(whole),
      );
    },
  );

  it('leaves out defaults, a derivable id and what the control planes repeat', () => {
    expect(throughJson(compactTenant(base))).toEqual({
      name: 'lyon-press-line',
      namespace: 'fleet-tenants',
      managementCluster: 'central',
      owner: 'group:default/team-logistics',
      labels: { 'kamaji-backstage.io/island': 'island-a' },
      health: { status: 'healthy' },
      islandId: 'central/fleet-islands/island-a',
      versions: { declared: 'v1.34.2', running: 'v1.34.2' },
      controlPlane: {
        kamajiControlPlane: {
          ready: true,
          initialized: true,
          replicas: 2,
        },
        tenantControlPlane: { namespace: 'kamaji-tenants', status: 'Ready' },
      },
      endpoint: '10.0.0.7:6443',
    });
  });

  it('keeps the id of an unmanaged tenant and a TenantControlPlane name Kamaji did not derive', () => {
    const sent = throughJson(
      compactTenant(variants['an unmanaged tenant found on an island']),
    );
    expect(sent).toMatchObject({
      id: 'central/fleet-islands/island-a/tcp/kamaji-tenants/legacy-line',
      managed: false,
      controlPlane: { tenantControlPlane: { name: 'legacy-line' } },
    });
  });

  it('leaves out the uid and the TenantControlPlane name Kamaji derives from it', () => {
    const sent = throughJson(compactTenant(base));
    expect(sent.controlPlane.kamajiControlPlane).not.toHaveProperty('uid');
    expect(sent.controlPlane.tenantControlPlane).not.toHaveProperty('name');
    const expanded = expandTenant(sent);
    expect(expanded.controlPlane.kamajiControlPlane?.uid).toBeUndefined();
    expect(expanded.controlPlane.tenantControlPlane?.name).toBeUndefined();
  });

  it('sends null for a control-plane field that only the tenant has', () => {
    const sent = throughJson(
      compactTenant(
        variants['a TenantControlPlane without endpoint or version of its own'],
      ),
    );
    expect(sent.controlPlane.tenantControlPlane).toMatchObject({
      endpoint: null,
      version: null,
    });
    expect(sent.controlPlane.tenantControlPlane).not.toHaveProperty('hostedIn');
  });

  it('keeps a whole fleet response the same through both ways, islands and all', () => {
    const response = {
      version: 7,
      generatedAt: '2026-12-05T12:00:00Z',
      epoch: 'e1',
      managementClusters: [],
      islands: [],
      tenants: Object.values(variants),
      addonSets: [],
      page: { total: 8, offset: 0, limit: 8 },
    };
    const sent = throughJson(compactFleetResponse(response));
    expect(JSON.stringify(sent).length).toBeLessThan(
      JSON.stringify(response).length * 0.7,
    );
    expect(throughJson(expandFleetSnapshot(sent))).toEqual({
      ...throughJson(response),
      tenants: response.tenants.map(withoutRandomIdentifiers),
    });
  });
});
