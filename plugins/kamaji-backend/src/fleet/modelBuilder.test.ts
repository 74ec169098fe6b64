import type { TenantNode } from '@kamaji-backstage/plugin-kamaji-common';
import { findIslands } from './islands';
import { islandKinds, managementKinds } from './kinds';
import {
  BuildCache,
  buildFleet,
  IslandView,
  ManagementView,
} from './modelBuilder';
import type { SlimCluster, SlimKcp, SlimSecret } from './objects';
import { FakeSource } from './__testUtils__/fakeSource';

const V1B2 = 'cluster.x-k8s.io/v1beta2';
const ready = [{ type: 'Available', status: 'True', reason: 'Available' }];

const cluster = (name: string, ns: string, extra: any = {}) => ({
  apiVersion: V1B2,
  kind: 'Cluster',
  metadata: {
    name,
    namespace: ns,
    labels: extra.labels ?? {},
    uid: `uid-${name}`,
  },
  spec: {
    controlPlaneRef: {
      apiGroup: 'controlplane.cluster.x-k8s.io',
      kind: 'KamajiControlPlane',
      name,
    },
    ...extra.spec,
  },
  status: {
    phase: 'Provisioned',
    initialization: { controlPlaneInitialized: true },
    conditions: ready,
    ...extra.status,
  },
});
const islandCluster = (
  name: string,
  labels: Record<string, string> = { 'kamaji-backstage.io/role': 'island' },
) => ({
  apiVersion: V1B2,
  kind: 'Cluster',
  metadata: { name, namespace: 'fleet-islands', labels },
  spec: {
    controlPlaneRef: {
      apiGroup: 'controlplane.cluster.x-k8s.io',
      kind: 'KubeadmControlPlane',
      name,
    },
  },
  status: { phase: 'Provisioned', conditions: ready },
});
const kcp = (
  name: string,
  ns: string,
  uid: string,
  island?: string,
  version = 'v1.34.2',
) => ({
  metadata: { name, namespace: ns, uid },
  spec: {
    version,
    ...(island
      ? {
          deployment: {
            externalClusterReference: {
              deploymentNamespace: 'kamaji-tenants',
              kubeconfigSecretName: `${island}-kubeconfig`,
              kubeconfigSecretKey: 'value',
              kubeconfigSecretNamespace: 'fleet-islands',
            },
          },
        }
      : {}),
  },
  status: { ready: true, initialized: true, version },
});
const tcp = (
  name: string,
  ns: string,
  status = 'Ready',
  version = 'v1.34.2',
  labels: Record<string, string> = {},
) => ({
  metadata: { name, namespace: ns, labels },
  spec: { kubernetes: { version } },
  status: {
    controlPlaneEndpoint: '10.0.0.9:6443',
    kubernetesResources: { version: { status, version } },
  },
});
const secret = (island: string) => ({
  metadata: {
    name: `${island}-kubeconfig`,
    namespace: 'fleet-islands',
    labels: { 'cluster.x-k8s.io/cluster-name': island },
  },
  data: { value: 'eA==' },
});

function managementView(
  mgmt: FakeSource,
  islandSources: Record<string, FakeSource | undefined>,
): ManagementView {
  const { islands: refs, bySecret } = findIslands(
    mgmt.items<SlimCluster>('Cluster') as Map<string, SlimCluster>,
    mgmt.items<SlimKcp>('KamajiControlPlane').values(),
    mgmt.items<SlimSecret>('Secret') as Map<string, SlimSecret>,
  );
  const islands = new Map<string, IslandView>();
  for (const [key, ref] of refs) {
    const source = islandSources[ref.name];
    islands.set(key, {
      ref,
      source,
      connection: source?.connection ?? {
        status: 'disconnected',
        since: '2026-11-25T10:00:00.000Z',
        lastError: 'no Secret',
      },
      staleness: source?.staleness ?? { stale: true },
    });
  }
  return { name: 'central', source: mgmt, islands, islandsBySecret: bySecret };
}

const MGMT = () => managementKinds(() => false);

describe('buildFleet', () => {
  const byName = (tenants: TenantNode[], name: string) =>
    tenants.find(t => t.name === name)!;

  function fleet() {
    const mgmt = new FakeSource(MGMT(), {
      Cluster: [
        islandCluster('island-a'),
        islandCluster('island-b', {}), // an island only because a KCP names its Secret
        cluster('t1', 'tenants', {
          // Any case: the model's owner is the normalised group ref.
          labels: { 'kamaji-backstage.io/owner': 'Team-A' },
        }),
        cluster('t2', 'tenants', {
          labels: { 'kamaji-backstage.io/owner': 'other-ns.team-b' },
        }),
        cluster('local', 'tenants'),
        {
          // v1beta1-shaped reference: apiVersion instead of apiGroup
          ...cluster('old', 'tenants'),
          spec: {
            controlPlaneRef: {
              apiVersion: 'controlplane.cluster.x-k8s.io/v1alpha1',
              kind: 'KamajiControlPlane',
              name: 'old',
            },
          },
        },
      ],
      KamajiControlPlane: [
        kcp('t1', 'tenants', 'u1', 'island-a'),
        kcp('t2', 'tenants', 'u2', 'island-b', '1.34.2'),
        kcp('local', 'tenants', 'u3'),
        kcp('old', 'tenants', 'u4', 'island-a'),
      ],
      TenantControlPlane: [tcp('local', 'tenants')],
      Secret: [secret('island-a'), secret('island-b')],
    });
    const a = new FakeSource(islandKinds(), {
      TenantControlPlane: [
        tcp('kcp-u1', 'kamaji-tenants'),
        tcp('kcp-u4', 'kamaji-tenants', 'Upgrading', 'v1.33.7'),
        tcp('kcp-gone', 'kamaji-tenants'), // its KCP was deleted: unmanaged
      ],
      DataStore: [
        {
          metadata: { name: 'default' },
          spec: { driver: 'etcd' },
          status: {
            ready: true,
            // a TenantControlPlane of a tenant, an unmanaged one, one not (or no longer) listed
            usedBy: [
              'kamaji-tenants/kcp-u1',
              'kamaji-tenants/kcp-gone',
              'kamaji-tenants/kcp-deleted',
            ],
          },
        },
      ],
    });
    const b = new FakeSource(islandKinds(), {
      TenantControlPlane: [
        tcp('kcp-u2', 'kamaji-tenants', 'Ready', 'v1.34.2'),
        tcp('legacy', 'kamaji-tenants', 'Ready', 'v1.33.7', {
          'kamaji-backstage.io/owner': 'team-b',
        }),
      ],
    });
    return { mgmt, a, b };
  }

  it('joins Cluster → KamajiControlPlane → TenantControlPlane kcp-<uid> on the island', () => {
    const { mgmt, a, b } = fleet();
    const out = buildFleet([
      managementView(mgmt, { 'island-a': a, 'island-b': b }),
    ]);
    expect(out.islands.map(i => i.id)).toEqual([
      'central/fleet-islands/island-a',
      'central/fleet-islands/island-b',
    ]);
    const t1 = byName(out.tenants, 't1');
    expect(t1).toMatchObject({
      id: 'central/tenants/t1',
      islandId: 'central/fleet-islands/island-a',
      owner: 'group:default/team-a',
      managed: true,
      health: { status: 'healthy' },
      controlPlane: {
        kamajiControlPlane: { name: 't1', uid: 'u1', ready: true },
        tenantControlPlane: {
          name: 'kcp-u1',
          namespace: 'kamaji-tenants',
          hostedIn: 'central/fleet-islands/island-a',
          status: 'Ready',
        },
      },
      endpoint: '10.0.0.9:6443',
    });
    expect(byName(out.tenants, 't2')).toMatchObject({
      islandId: 'central/fleet-islands/island-b',
      owner: 'group:other-ns/team-b',
      versions: { declared: 'v1.34.2', running: 'v1.34.2', skew: false },
    });
    // v1beta1 apiVersion refs match on group and kind
    expect(byName(out.tenants, 'old')).toMatchObject({
      versions: { declared: 'v1.34.2', running: 'v1.33.7', skew: true },
      health: { status: 'progressing' },
    });
    // hosted in the management cluster: TCP with the KCP's name and namespace
    expect(byName(out.tenants, 'local')).toMatchObject({
      islandId: undefined,
      controlPlane: {
        tenantControlPlane: {
          name: 'local',
          namespace: 'tenants',
          hostedIn: 'central',
        },
      },
    });
    expect(out.managementClusters[0].tenantIds).toEqual([
      'central/tenants/local',
    ]);
    // TCPs no KCP claims are unmanaged tenants of their island
    const unmanaged = out.tenants
      .filter(t => !t.managed)
      .map(t => [t.id, t.owner, t.health.status]);
    expect(unmanaged).toEqual([
      [
        'central/fleet-islands/island-a/tcp/kamaji-tenants/kcp-gone',
        undefined,
        'healthy',
      ],
      [
        'central/fleet-islands/island-b/tcp/kamaji-tenants/legacy',
        'group:default/team-b',
        'healthy',
      ],
    ]);
    expect(out.islands[0].tenantIds).toEqual([
      'central/fleet-islands/island-a/tcp/kamaji-tenants/kcp-gone',
      'central/tenants/old',
      'central/tenants/t1',
    ]);
    expect(out.islands[0].dataStores).toEqual([
      {
        name: 'default',
        driver: 'etcd',
        ready: true,
        usedBy: [
          'central/tenants/t1',
          'central/fleet-islands/island-a/tcp/kamaji-tenants/kcp-gone',
        ],
      },
    ]);
    expect(out.problems).toEqual([]);
  });

  it('builds a tenant whose island is indexed by Secret but not connected yet (mid-reconcile)', () => {
    const { mgmt, b } = fleet();
    const view = managementView(mgmt, { 'island-b': b });
    const islands = new Map(view.islands);
    islands.delete('fleet-islands/island-a');
    const out = buildFleet([{ ...view, islands }]);
    const t1 = byName(out.tenants, 't1');
    expect(t1.controlPlane.tenantControlPlane).toBeUndefined();
    expect(t1.health.reasons.join(' ')).toContain(
      'island fleet-islands/island-a is being connected',
    );
    expect(
      byName(out.tenants, 't2').controlPlane.tenantControlPlane?.hostedIn,
    ).toBe('central/fleet-islands/island-b');
  });

  it('marks an unreachable island and its tenants stale and unknown, leaving the rest alone', () => {
    const { mgmt, a, b } = fleet();
    a.disconnect('2026-11-25T11:00:00.000Z', '2026-11-25T10:59:58.000Z');
    const out = buildFleet([
      managementView(mgmt, { 'island-a': a, 'island-b': b }),
    ]);
    const island = out.islands.find(i => i.name === 'island-a')!;
    expect(island.staleness).toEqual({
      stale: true,
      lastSeenAt: '2026-11-25T10:59:58.000Z',
    });
    expect(island.health.status).toBe('unknown');
    expect(island.health.reasons[0]).toBe(
      'island island-a unreachable since 2026-11-25T11:00:00.000Z (ECONNREFUSED); last known: healthy',
    );
    for (const id of island.tenantIds) {
      const t = out.tenants.find(x => x.id === id)!;
      expect(t.staleness).toEqual({
        stale: true,
        lastSeenAt: '2026-11-25T10:59:58.000Z',
      });
      expect(t.health.status).toBe('unknown');
      expect(t.health.reasons[0]).toMatch(
        /^island island-a unreachable since 2026-11-25T11:00:00.000Z; last known: (healthy|progressing)$/,
      );
    }
    expect(
      byName(out.tenants, 't1').controlPlane.tenantControlPlane?.status,
    ).toBe('Ready'); // last known
    expect(byName(out.tenants, 't2')).toMatchObject({
      staleness: { stale: false },
      health: { status: 'healthy' },
    });
    expect(byName(out.tenants, 'local')).toMatchObject({
      staleness: { stale: false },
      health: { status: 'healthy' },
    });
  });

  it('marks everything of an unreachable management cluster stale', () => {
    const { mgmt, a, b } = fleet();
    mgmt.disconnect('2026-11-25T11:00:00.000Z', '2026-11-25T10:59:00.000Z');
    const out = buildFleet([
      managementView(mgmt, { 'island-a': a, 'island-b': b }),
    ]);
    expect(out.managementClusters[0].health.status).toBe('unknown');
    for (const n of [...out.islands, ...out.tenants]) {
      expect(n.staleness.stale).toBe(true);
      expect(n.health.status).toBe('unknown');
      expect(n.health.reasons[0]).toMatch(
        /^management cluster central unreachable since/,
      );
    }
  });

  it('reports broken objects instead of failing', () => {
    const { a, b } = fleet();
    const mgmt = new FakeSource(MGMT(), {
      Cluster: [
        islandCluster('island-a'),
        {
          apiVersion: V1B2,
          metadata: { name: 'no-ref', namespace: 'tenants' },
          spec: { paused: false },
          status: { conditions: 'garbage' },
        },
        cluster('lost', 'tenants'),
        cluster('orphan', 'tenants'), // its KCP does not exist
      ],
      KamajiControlPlane: [kcp('lost', 'tenants', 'u9', 'island-z')],
      Secret: [secret('island-a')],
    });
    const out = buildFleet([
      managementView(mgmt, { 'island-a': a, 'island-b': b }),
    ]);
    expect(out.problems).toEqual(
      expect.arrayContaining([
        {
          cluster: 'central',
          object: 'Cluster tenants/no-ref',
          message: 'status.conditions is not a list',
        },
        {
          cluster: 'central',
          object: 'Cluster tenants/no-ref',
          message: 'Cluster has no spec.controlPlaneRef',
        },
        {
          cluster: 'central',
          object: 'KamajiControlPlane tenants/lost',
          message:
            'externalClusterReference points at Secret fleet-islands/island-z-kubeconfig, which does not exist',
        },
      ]),
    );
    expect(byName(out.tenants, 'no-ref').health.status).toBe('unknown');
    expect(byName(out.tenants, 'lost').health).toMatchObject({
      status: 'unknown',
    });
    expect(byName(out.tenants, 'lost').health.reasons.join(' ')).toMatch(
      /control plane location unknown/,
    );
    expect(byName(out.tenants, 'orphan').health).toMatchObject({
      status: 'unhealthy',
      reasons: ['KamajiControlPlane not found'],
    });
  });

  it("gives the management cluster's owner to it and to its clusters without an owner label", () => {
    const { mgmt, a, b } = fleet();
    const owned = buildFleet([
      {
        ...managementView(mgmt, { 'island-a': a, 'island-b': b }),
        owner: 'group:default/platform-team',
      },
    ]);
    expect(owned.managementClusters[0].owner).toBe(
      'group:default/platform-team',
    );
    // labelled clusters keep their own owner
    expect(byName(owned.tenants, 't1').owner).toBe('group:default/team-a');
    expect(byName(owned.tenants, 'legacy').owner).toBe('group:default/team-b');
    // unlabelled ones (a declared tenant, an unmanaged TCP, an island) get the default
    expect(byName(owned.tenants, 'local').owner).toBe(
      'group:default/platform-team',
    );
    expect(byName(owned.tenants, 'kcp-gone').owner).toBe(
      'group:default/platform-team',
    );
    expect(owned.islands.find(i => i.name === 'island-a')!.owner).toBe(
      'group:default/platform-team',
    );
    const unowned = buildFleet([
      managementView(mgmt, { 'island-a': a, 'island-b': b }),
    ]);
    expect(byName(unowned.tenants, 'local').owner).toBeUndefined();
    expect(unowned.managementClusters[0].owner).toBeUndefined();
  });

  it('hands back the same tenant objects when their inputs did not change', () => {
    const { mgmt, a, b } = fleet();
    const cache = new BuildCache();
    const first = buildFleet(
      [managementView(mgmt, { 'island-a': a, 'island-b': b })],
      cache,
    );
    const again = buildFleet(
      [managementView(mgmt, { 'island-a': a, 'island-b': b })],
      cache,
    );
    again.tenants.forEach((t, i) => expect(t).toBe(first.tenants[i]));
    // one TCP changes on island-b: only its tenant is rebuilt
    b.set('TenantControlPlane', [
      tcp('kcp-u2', 'kamaji-tenants', 'NotReady', 'v1.34.2'),
      tcp('legacy', 'kamaji-tenants', 'Ready', 'v1.33.7', {
        'kamaji-backstage.io/owner': 'team-b',
      }),
    ]);
    const changed = buildFleet(
      [managementView(mgmt, { 'island-a': a, 'island-b': b })],
      cache,
    );
    const rebuilt = changed.tenants
      .filter((t, i) => t !== again.tenants[i])
      .map(t => t.name);
    expect(rebuilt.sort()).toEqual(['legacy', 't2']); // legacy: a new slim object for the same TCP
    expect(byName(changed.tenants, 't2').health.status).toBe('unhealthy');
    // an island going stale rebuilds its tenants only
    a.disconnect('2026-11-25T11:00:00.000Z', '2026-11-25T10:59:58.000Z');
    const stale = buildFleet(
      [managementView(mgmt, { 'island-a': a, 'island-b': b })],
      cache,
    );
    expect(
      stale.tenants
        .filter((t, i) => t !== changed.tenants[i])
        .map(t => t.name)
        .sort(),
    ).toEqual(['kcp-gone', 'old', 't1']);
  });

  it('rebuilds a tenant when any input it reads changes, and only that tenant', () => {
    const { mgmt, a, b } = fleet();
    const cache = new BuildCache();
    let owner: string | undefined = 'group:default/platform';
    const build = () =>
      buildFleet(
        [{ ...managementView(mgmt, { 'island-a': a, 'island-b': b }), owner }],
        cache,
      );
    let previous = build();
    const rebuiltBy = (change: () => void) => {
      change();
      const next = build();
      const names = next.tenants
        .filter(t => t !== previous.tenants.find(p => p.id === t.id))
        .map(t => t.name)
        .sort();
      previous = next;
      return names;
    };
    const labels = { 'cluster.x-k8s.io/cluster-name': 't1' };
    expect(
      rebuiltBy(() =>
        mgmt.set('MachineDeployment', [
          {
            metadata: { name: 't1-pool', namespace: 'tenants', labels },
            spec: {
              clusterName: 't1',
              replicas: 2,
              template: { spec: { version: 'v1.34.2' } },
            },
            status: { replicas: 2, readyReplicas: 2 },
          },
        ]),
      ),
    ).toEqual(['t1']);
    expect(
      rebuiltBy(() =>
        mgmt.set('Machine', [
          {
            metadata: {
              name: 't1-pool-x',
              namespace: 'tenants',
              labels: {
                ...labels,
                'cluster.x-k8s.io/deployment-name': 't1-pool',
              },
            },
            spec: { clusterName: 't1' },
            status: { phase: 'Running' },
          },
        ]),
      ),
    ).toEqual(['t1']);
    expect(
      rebuiltBy(() =>
        mgmt.set('ClusterProfile', [
          {
            metadata: { name: 'obs' },
            spec: {
              clusterSelector: {
                matchLabels: { 'kamaji-backstage.io/owner': 'Team-A' },
              },
            },
          },
        ]),
      ),
    ).toEqual(['t1']);
    // The management cluster's owner is read by the tenants without an owner label.
    // The management cluster's owner is read by the clusters without an owner label,
    // declared (local, old) or unmanaged (kcp-gone).
    expect(rebuiltBy(() => (owner = 'group:default/someone-else'))).toEqual([
      'kcp-gone',
      'local',
      'old',
    ]);
    expect(byName(previous.tenants, 'local').owner).toBe(
      'group:default/someone-else',
    );
    // Nothing changed: nothing is rebuilt.
    expect(rebuiltBy(() => {})).toEqual([]);
  });
});
