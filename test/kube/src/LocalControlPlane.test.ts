import {
  ApiException,
  CoreV1Api,
  CustomObjectsApi,
  RbacAuthorizationV1Api,
} from '@kubernetes/client-node';
import { FLEET_KINDS, KubeKind } from '@kamaji-backstage/plugin-kamaji-common';
import { LocalControlPlane } from './LocalControlPlane';

jest.setTimeout(300_000);

const { Cluster, TenantControlPlane } = FLEET_KINDS;

function statusOf(err: unknown): number | undefined {
  return err instanceof ApiException ? err.code : undefined;
}

/** Where objects of a kind live in the `default` namespace, as CustomObjectsApi parameters. */
function inDefault(kind: KubeKind) {
  return {
    group: kind.group,
    version: kind.version,
    namespace: 'default',
    plural: kind.plural,
  };
}

function tenantCluster(name: string, extraSpec: Record<string, unknown> = {}) {
  return {
    apiVersion: `${Cluster.group}/${Cluster.version}`,
    kind: 'Cluster',
    metadata: { name, namespace: 'default' },
    spec: {
      controlPlaneRef: {
        apiGroup: 'controlplane.cluster.x-k8s.io',
        kind: 'KamajiControlPlane',
        name,
      },
      ...extraSpec,
    },
  };
}

describe('LocalControlPlane', () => {
  let plane: LocalControlPlane;

  beforeAll(async () => {
    plane = await LocalControlPlane.start({
      users: [{ name: 'viewer', groups: ['fleet-viewers'] }],
    });
  });

  afterAll(async () => {
    await plane?.stop();
  });

  it('serves each cluster on its own API server with the project CRDs installed', async () => {
    const central = plane.kubeConfig('central').makeApiClient(CustomObjectsApi);
    const islandA = plane
      .kubeConfig('island-a')
      .makeApiClient(CustomObjectsApi);
    const clusters = await central.listNamespacedCustomObject(
      inDefault(Cluster),
    );
    expect(clusters.items).toEqual([]);
    const tcps = await islandA.listNamespacedCustomObject(
      inDefault(TenantControlPlane),
    );
    expect(tcps.items).toEqual([]);
    // Islands carry only Kamaji's CRDs: CAPI is not served there.
    await expect(
      islandA.listNamespacedCustomObject(inDefault(Cluster)),
    ).rejects.toMatchObject({ code: 404 });
    expect(
      new Set(Object.values(plane.state.clusters).map(c => c.server)).size,
    ).toBe(3);
  });

  it('rejects a Cluster with an invalid enum value, naming the allowed values', async () => {
    const api = plane.kubeConfig('central').makeApiClient(CustomObjectsApi);
    const bad = tenantCluster('bad-polarity', {
      availabilityGates: [{ conditionType: 'Ready', polarity: 'Sideways' }],
    });
    const err = await api
      .createNamespacedCustomObject({ ...inDefault(Cluster), body: bad })
      .catch(e => e);
    expect(statusOf(err)).toBe(422);
    const message: string = JSON.parse(err.body).message;
    expect(message).toContain(
      'spec.availabilityGates[0].polarity: Unsupported value: "Sideways"',
    );
    expect(message).toContain('supported values: "Positive", "Negative"');
    await expect(
      api.getNamespacedCustomObject({
        ...inDefault(Cluster),
        name: 'bad-polarity',
      }),
    ).rejects.toMatchObject({ code: 404 });
  });

  it('enforces RBAC: a user may only do what a role grants, with certificates and with tokens', async () => {
    const rbac = plane
      .kubeConfig('central')
      .makeApiClient(RbacAuthorizationV1Api);
    await rbac.createNamespacedRole({
      namespace: 'default',
      body: {
        metadata: { name: 'cluster-reader' },
        rules: [
          {
            apiGroups: [Cluster.group],
            resources: [Cluster.plural],
            verbs: ['get', 'list', 'watch'],
          },
        ],
      },
    });
    await rbac.createNamespacedRoleBinding({
      namespace: 'default',
      body: {
        metadata: { name: 'fleet-viewers-read-clusters' },
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'Role',
          name: 'cluster-reader',
        },
        subjects: [
          {
            apiGroup: 'rbac.authorization.k8s.io',
            kind: 'Group',
            name: 'fleet-viewers',
          },
        ],
      },
    });

    for (const auth of ['cert', 'token'] as const) {
      const viewer = plane
        .kubeConfig('central', 'viewer', auth)
        .makeApiClient(CustomObjectsApi);
      const list = await viewer.listNamespacedCustomObject(inDefault(Cluster));
      expect(Array.isArray(list.items)).toBe(true);
      const denied = await viewer
        .createNamespacedCustomObject({
          ...inDefault(Cluster),
          body: tenantCluster(`viewer-${auth}`),
        })
        .catch(e => e);
      expect(statusOf(denied)).toBe(403);
      // The role is namespaced: other namespaces and other kinds stay forbidden.
      const core = plane
        .kubeConfig('central', 'viewer', auth)
        .makeApiClient(CoreV1Api);
      expect(
        statusOf(
          await core
            .listNamespacedSecret({ namespace: 'default' })
            .catch(e => e),
        ),
      ).toBe(403);
    }
  });

  it('adds users at runtime with no rights until a role is bound', async () => {
    await plane.addUser({ name: 'late-joiner', groups: ['nobody'] });
    const core = plane
      .kubeConfig('island-b', 'late-joiner')
      .makeApiClient(CoreV1Api);
    expect(statusOf(await core.listNamespace().catch(e => e))).toBe(403);
  });

  it('stops one island while the others keep answering, and brings it back with its data', async () => {
    const islandA = () => plane.kubeConfig('island-a').makeApiClient(CoreV1Api);
    await islandA().createNamespace({
      body: { metadata: { name: 'kamaji-tenants' } },
    });

    await plane.stopCluster('island-a');
    expect(plane.state.clusters['island-a'].running).toBe(false);
    const err = await islandA()
      .readNamespace({ name: 'kamaji-tenants' })
      .catch(e => e);
    expect(err).toBeInstanceOf(Error);
    expect(String(err.message ?? err)).toMatch(
      /ECONNREFUSED|connect|fetch failed/i,
    );

    const central = plane.kubeConfig('central').makeApiClient(CoreV1Api);
    await expect(
      central.readNamespace({ name: 'default' }),
    ).resolves.toMatchObject({
      metadata: { name: 'default' },
    });
    const islandB = plane.kubeConfig('island-b').makeApiClient(CoreV1Api);
    await expect(
      islandB.readNamespace({ name: 'default' }),
    ).resolves.toBeDefined();

    await plane.startCluster('island-a');
    expect(plane.state.clusters['island-a'].running).toBe(true);
    await expect(
      islandA().readNamespace({ name: 'kamaji-tenants' }),
    ).resolves.toMatchObject({
      metadata: { name: 'kamaji-tenants' },
    });
  });
});
