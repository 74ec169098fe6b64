/*
 * Previews of the day-2 actions against a real kube-apiserver: the API server's dry run of the
 * very writes the action makes. The preview changes nothing; the action then stores exactly what
 * the preview showed; a write the server refuses (a ValidatingAdmissionPolicy here) is shown in
 * the server's words and nothing is applied.
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import {
  denyWithAdmissionPolicy,
  LocalControlPlane,
  waitFor,
} from '@internal/test-kube';
import {
  FLEET_KINDS,
  KubeKind,
  ObjectChange,
} from '@kamaji-backstage/plugin-kamaji-common';
import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
} from '@kubernetes/client-node';
import request from 'supertest';
import {
  at,
  clusterObject,
  kcpObject,
  mdObject,
  NS,
} from '../api/__testUtils__/tenantObjects';
import { fixtureFleet, SHOP_1 } from '../api/__testUtils__/fleetFixture';
import { InMemoryFleetService } from '../api/__testUtils__/InMemoryFleetService';
import { startKamajiTestBackend } from '../api/__testUtils__/startKamajiTestBackend';
import { USERS } from '../api/__testUtils__/testPermissions';
import { grantUser } from '../api/__testUtils__/grantUser';
import { fieldChanges } from './fieldChanges';

jest.setTimeout(300_000);

const { Cluster, KamajiControlPlane, Machine, MachineDeployment } = FLEET_KINDS;
const KUBECONFIG_DATA = 'a2luZDogQ29uZmlnIC0gbm90IGZvciB0aGUgYnJvd3Nlcg==';
const CAPACITY_MESSAGE =
  'worker pools above 5 replicas need a capacity review (policy edge-capacity)';
const PROTECTED_MESSAGE =
  'protected clusters cannot be deleted: remove the label kamaji-backstage.io/protected first';

function machineObject(cluster: string, name: string) {
  return {
    apiVersion: `${Machine.group}/${Machine.version}`,
    kind: 'Machine',
    metadata: {
      name,
      namespace: NS,
      labels: { 'cluster.x-k8s.io/cluster-name': cluster },
    },
    spec: {
      clusterName: cluster,
      bootstrap: { dataSecretName: `${name}-bootstrap` },
      infrastructureRef: {
        apiGroup: 'infrastructure.cluster.x-k8s.io',
        kind: 'EdgeMachine',
        name,
      },
    },
  };
}

describe('previews of day-2 actions on a real API server', () => {
  let plane: LocalControlPlane;
  let api: CustomObjectsApi;
  let backend: Awaited<ReturnType<typeof startKamajiTestBackend>>;
  let fleet: InMemoryFleetService;
  let adminKubeConfig: KubeConfig;
  const base = (name: string) =>
    `/api/kamaji/v1/clusters/central/${NS}/${name}`;
  const post = (path: string, body?: object, user: string = USERS.pat) => {
    const req = request(backend.server)
      .post(path)
      .set({ Authorization: mockCredentials.user.header(user) });
    return body ? req.send(body) : req;
  };
  const read = (kind: KubeKind, name: string): Promise<any> =>
    api.getNamespacedCustomObject({ ...at(kind), name });

  /** The stored objects an ObjectChange list names, read now. */
  const readAll = (changes: ObjectChange[]) =>
    Promise.all(
      changes.map(c =>
        read(
          c.kind === 'KamajiControlPlane'
            ? KamajiControlPlane
            : MachineDeployment,
          c.name,
        ),
      ),
    );

  beforeAll(async () => {
    plane = await LocalControlPlane.start({
      clusters: { central: ['capi', 'kamaji', 'addons'] },
      users: [{ name: 'no-secrets' }],
    });
    const kc = plane.kubeConfig('central');
    adminKubeConfig = kc;
    api = kc.makeApiClient(CustomObjectsApi);
    const core = kc.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: NS } } });
    const create = (kind: KubeKind, body: any) =>
      api.createNamespacedCustomObject({ ...at(kind), body });
    await create(Cluster, clusterObject('shop-0001'));
    await create(KamajiControlPlane, kcpObject('shop-0001', 'v1.34.2'));
    await create(
      MachineDeployment,
      mdObject('shop-0001', 'shop-0001-edge', 1, 'v1.34.2'),
    );
    await create(Machine, machineObject('shop-0001', 'shop-0001-edge-abcde'));
    await core.createNamespacedSecret({
      namespace: NS,
      body: {
        metadata: {
          name: 'shop-0001-kubeconfig',
          labels: { 'cluster.x-k8s.io/cluster-name': 'shop-0001' },
        },
        data: { value: KUBECONFIG_DATA },
      },
    });
    const shop2 = clusterObject('shop-0002');
    await create(Cluster, {
      ...shop2,
      metadata: {
        ...shop2.metadata,
        labels: {
          ...shop2.metadata.labels,
          'kamaji-backstage.io/protected': 'true',
        },
      },
    });
    await create(KamajiControlPlane, kcpObject('shop-0002', 'v1.33.5'));
    await create(
      MachineDeployment,
      mdObject('shop-0002', 'shop-0002-edge', 2, 'v1.33.5'),
    );
    await denyWithAdmissionPolicy(kc, {
      name: 'edge-capacity',
      group: 'cluster.x-k8s.io',
      resource: 'machinedeployments',
      operation: 'UPDATE',
      expression: 'object.spec.replicas <= 5',
      message: CAPACITY_MESSAGE,
    });
    await denyWithAdmissionPolicy(kc, {
      name: 'protected-clusters',
      group: 'cluster.x-k8s.io',
      resource: 'clusters',
      operation: 'DELETE',
      expression:
        "!has(oldObject.metadata.labels) || !('kamaji-backstage.io/protected' in oldObject.metadata.labels)",
      message: PROTECTED_MESSAGE,
    });
    // Policies take effect asynchronously: wait until the server refuses with them.
    await waitFor(
      'the admission policies to take effect',
      () =>
        api
          .patchNamespacedCustomObject({
            ...at(MachineDeployment),
            name: 'shop-0002-edge',
            body: [{ op: 'replace', path: '/spec/replicas', value: 9 }],
            dryRun: 'All',
          })
          .then(
            () => false,
            e => String(e?.body ?? '').includes('edge-capacity'),
          ),
      30_000,
    );

    fleet = new InMemoryFleetService(fixtureFleet());
    fleet.setManagementClusterAccess('central', kc);
    backend = await startKamajiTestBackend({ fleet });
  });

  afterAll(async () => {
    await backend?.backend.stop();
    await plane?.stop();
  });

  it('previews an upgrade field by field, changes nothing, and the upgrade then stores exactly that', async () => {
    const body = { version: 'v1.35.0', workers: true };
    const preview = await post(`${base('shop-0001')}/upgrade/preview`, body);
    expect(preview.status).toBe(200);
    expect(preview.body).toEqual({
      dryRun: true,
      result: {
        cluster: SHOP_1,
        version: 'v1.35.0',
        changed: true,
        controlPlane: { name: 'shop-0001', from: 'v1.34.2', to: 'v1.35.0' },
        workerPools: [
          { name: 'shop-0001-edge', from: 'v1.34.2', to: 'v1.35.0' },
        ],
      },
      changes: [
        {
          kind: 'KamajiControlPlane',
          namespace: NS,
          name: 'shop-0001',
          changes: [{ path: '/spec/version', from: 'v1.34.2', to: 'v1.35.0' }],
        },
        {
          kind: 'MachineDeployment',
          namespace: NS,
          name: 'shop-0001-edge',
          changes: [
            {
              path: '/spec/template/spec/version',
              from: 'v1.34.2',
              to: 'v1.35.0',
            },
          ],
        },
      ],
    });
    const before = await readAll(preview.body.changes);
    expect(before.map(o => o.metadata.resourceVersion)).toEqual(
      (await readAll(preview.body.changes)).map(
        o => o.metadata.resourceVersion,
      ),
    );
    expect(before[0].spec.version).toBe('v1.34.2');

    const applied = await post(`${base('shop-0001')}/upgrade`, body);
    expect(applied.status).toBe(200);
    expect(applied.body).toEqual(preview.body.result);
    const after = await readAll(preview.body.changes);
    expect(
      after.map((obj, i) => ({
        kind: obj.kind,
        namespace: NS,
        name: obj.metadata.name,
        changes: fieldChanges(before[i], obj),
      })),
    ).toEqual(preview.body.changes);
  });

  it('previews a scale, and the scale then stores exactly that', async () => {
    const body = { pool: 'shop-0001-edge', replicas: 4 };
    const preview = await post(`${base('shop-0001')}/scale/preview`, body);
    expect(preview.status).toBe(200);
    expect(preview.body.changes).toEqual([
      {
        kind: 'MachineDeployment',
        namespace: NS,
        name: 'shop-0001-edge',
        changes: [{ path: '/spec/replicas', from: 1, to: 4 }],
      },
    ]);
    const before = await read(MachineDeployment, 'shop-0001-edge');
    expect(before.spec.replicas).toBe(1);
    const applied = await post(`${base('shop-0001')}/scale`, body);
    expect(applied.body).toEqual(preview.body.result);
    const after = await read(MachineDeployment, 'shop-0001-edge');
    expect(fieldChanges(before, after)).toEqual(
      preview.body.changes[0].changes,
    );
  });

  it("shows a write the API server refuses in the server's words, and applies nothing", async () => {
    const preview = await post(`${base('shop-0001')}/scale/preview`, {
      pool: 'shop-0001-edge',
      replicas: 9,
    });
    expect(preview.status).toBe(400);
    expect(preview.body.error.message).toContain(CAPACITY_MESSAGE);
    expect(preview.body.error.message).toMatch(
      /^patch MachineDeployment fleet-tenants\/shop-0001-edge: rejected by management cluster central/,
    );
    expect(
      (await read(MachineDeployment, 'shop-0001-edge')).spec.replicas,
    ).toBe(4);

    const refusedDelete = await post(`${base('shop-0002')}/delete/preview`);
    expect(refusedDelete.status).toBe(400);
    expect(refusedDelete.body.error.message).toContain(PROTECTED_MESSAGE);
    expect(await read(Cluster, 'shop-0002')).toBeDefined();
  });

  it('previews a delete with the objects that go with the cluster, without deleting it or showing Secret data', async () => {
    const preview = await post(`${base('shop-0001')}/delete/preview`);
    expect(preview.status).toBe(200);
    expect(preview.body.result).toEqual({ cluster: SHOP_1, deleting: true });
    expect(preview.body.notes).toBeUndefined();
    expect(
      preview.body.dependents.map(
        (d: any) => `${d.kind} ${d.name} @${d.location} (${d.role})`,
      ),
    ).toEqual([
      'KamajiControlPlane shop-0001 @central (control plane)',
      'TenantControlPlane kcp-shop-0001 @central/fleet-islands/island-a (control plane pods and data store entry)',
      'MachineDeployment shop-0001-edge @central (worker pool)',
      'Machine shop-0001-edge-abcde @central (machine)',
      'Secret shop-0001-kubeconfig @central (kubeconfig)',
    ]);
    expect(preview.text).not.toContain(KUBECONFIG_DATA);
    const cluster = await read(Cluster, 'shop-0001');
    expect(cluster.metadata.deletionTimestamp).toBeUndefined();
  });

  it('says which objects it could not list instead of failing the delete preview', async () => {
    // Credentials that may read and delete Clusters and list pools and machines, not Secrets.
    await grantUser(adminKubeConfig, 'no-secrets', [
      {
        apiGroups: ['cluster.x-k8s.io'],
        resources: ['clusters', 'machinedeployments', 'machines'],
        verbs: ['get', 'list', 'delete'],
      },
    ]);
    fleet.setManagementClusterAccess(
      'central',
      plane.kubeConfig('central', 'no-secrets'),
    );
    const preview = await post(`${base('shop-0001')}/delete/preview`);
    fleet.setManagementClusterAccess('central', adminKubeConfig);
    expect(preview.status).toBe(200);
    expect(preview.body.notes).toHaveLength(1);
    expect(preview.body.notes[0]).toMatch(
      /^list Secrets of fleet-tenants\/shop-0001: management cluster central refused the backend's credentials \(HTTP 403\)/,
    );
    expect(preview.body.dependents.map((d: any) => d.kind)).toEqual([
      'KamajiControlPlane',
      'TenantControlPlane',
      'MachineDeployment',
      'Machine',
    ]);
    expect(await read(Cluster, 'shop-0001')).toBeDefined();
  });

  it("asks for the action's own permission", async () => {
    // alice (team-retail) may upgrade her shops but not delete them.
    const upgrade = await post(
      `${base('shop-0001')}/upgrade/preview`,
      { version: 'v1.35.0' },
      USERS.alice,
    );
    expect(upgrade.status).toBe(200);
    const del = await post(
      `${base('shop-0001')}/delete/preview`,
      undefined,
      USERS.alice,
    );
    expect(del.status).toBe(403);
    expect(del.body.error.message).toMatch(
      /permission kamaji\.cluster\.delete/,
    );
    // bob (team-factory) does not see the shop at all.
    const bob = await post(
      `${base('shop-0001')}/scale/preview`,
      { pool: 'shop-0001-edge', replicas: 2 },
      USERS.bob,
    );
    expect(bob.status).toBe(404);
  });
});
