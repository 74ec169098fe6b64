/*
 * Day-2 actions through the router against a real kube-apiserver (the local control plane):
 * the objects change on the API server, with the field manager kamaji-backstage; rejected
 * requests change nothing; every outcome is in the audit trail.
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import { readFileSync } from 'node:fs';
import { LocalControlPlane } from '@internal/test-kube';
import {
  FLEET_KINDS,
  KAMAJI_FIELD_MANAGER,
  KubeKind,
  TenantNode,
} from '@kamaji-backstage/plugin-kamaji-common';
import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
} from '@kubernetes/client-node';
import {
  kindPath,
  KubeClient,
  KubePatchType,
} from '@kamaji-backstage/plugin-kamaji-node';
import request from 'supertest';
import { mapKubeError } from './kubeErrors';
import {
  at,
  clusterObject,
  kcpObject,
  mdObject,
  NS,
} from '../api/__testUtils__/tenantObjects';
import {
  fixtureFleet,
  SHOP_1,
  SHOP_2,
  tenant,
} from '../api/__testUtils__/fleetFixture';
import { InMemoryFleetService } from '../api/__testUtils__/InMemoryFleetService';
import {
  CREDENTIAL_PATTERN,
  startKamajiTestBackend,
} from '../api/__testUtils__/startKamajiTestBackend';
import { USERS } from '../api/__testUtils__/testPermissions';
import { grantUser } from '../api/__testUtils__/grantUser';

jest.setTimeout(300_000);

const { Cluster, KamajiControlPlane, MachineDeployment } = FLEET_KINDS;

const as = (user: string) => ({
  Authorization: mockCredentials.user.header(user),
});

describe('day-2 actions on a real API server', () => {
  let plane: LocalControlPlane;
  let api: CustomObjectsApi;
  let backend: Awaited<ReturnType<typeof startKamajiTestBackend>>;
  let fleet: InMemoryFleetService;
  let adminKubeConfig: KubeConfig;
  const bodies: string[] = [];
  const base = (name: string) =>
    `/api/kamaji/v1/clusters/central/${NS}/${name}`;

  const call = async (
    method: 'post' | 'delete',
    path: string,
    body?: unknown,
    user: string = USERS.pat,
  ) => {
    const req =
      method === 'post'
        ? request(backend.server)
            .post(path)
            .set(as(user))
            .send(body as object)
        : request(backend.server).delete(path).set(as(user));
    const res = await req;
    bodies.push(res.text);
    return res;
  };

  const read = (kind: KubeKind, name: string): Promise<any> =>
    api.getNamespacedCustomObject({ ...at(kind), name });

  /** A tenant's Cluster, KamajiControlPlane and one worker pool `<name>-edge`. */
  const createTenant = async (
    name: string,
    version: string,
    replicas: number,
  ) => {
    const create = (kind: KubeKind, body: any) =>
      api.createNamespacedCustomObject({ ...at(kind), body });
    await create(Cluster, clusterObject(name));
    await create(KamajiControlPlane, kcpObject(name, version));
    await create(
      MachineDeployment,
      mdObject(name, `${name}-edge`, replicas, version),
    );
  };

  /** The versions stored in a tenant's KamajiControlPlane and its pool `<name>-edge`. */
  const storedVersions = async (name: string) => ({
    controlPlane: (await read(KamajiControlPlane, name)).spec.version,
    pool: (await read(MachineDeployment, `${name}-edge`)).spec.template.spec
      .version,
  });

  const managers = (obj: any): string[] =>
    (obj.metadata.managedFields ?? []).map((f: any) => f.manager);

  beforeAll(async () => {
    plane = await LocalControlPlane.start({
      clusters: { central: ['capi', 'kamaji', 'addons'] },
      users: [{ name: 'no-rights' }, { name: 'writes-control-planes-only' }],
    });
    adminKubeConfig = plane.kubeConfig('central');
    api = adminKubeConfig.makeApiClient(CustomObjectsApi);
    await adminKubeConfig
      .makeApiClient(CoreV1Api)
      .createNamespace({ body: { metadata: { name: NS } } });
    await createTenant('shop-0001', 'v1.34.2', 1);
    await createTenant('shop-0002', 'v1.33.5', 2);

    fleet = new InMemoryFleetService(fixtureFleet());
    fleet.setManagementClusterAccess('central', adminKubeConfig);
    backend = await startKamajiTestBackend({ fleet });
  });

  afterAll(async () => {
    await backend?.backend.stop();
    await plane?.stop();
  });

  it('upgrades the control plane and the worker pools, as kamaji-backstage', async () => {
    const res = await call('post', `${base('shop-0001')}/upgrade`, {
      version: 'v1.35.0',
      workers: true,
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      cluster: SHOP_1,
      version: 'v1.35.0',
      changed: true,
      controlPlane: { name: 'shop-0001', from: 'v1.34.2', to: 'v1.35.0' },
      workerPools: [{ name: 'shop-0001-edge', from: 'v1.34.2', to: 'v1.35.0' }],
    });
    const kcp = await read(KamajiControlPlane, 'shop-0001');
    expect(kcp.spec.version).toBe('v1.35.0');
    expect(managers(kcp)).toContain(KAMAJI_FIELD_MANAGER);
    const md = await read(MachineDeployment, 'shop-0001-edge');
    expect(md.spec.template.spec.version).toBe('v1.35.0');
    expect(managers(md)).toContain(KAMAJI_FIELD_MANAGER);

    // Asking again changes nothing; a version without its leading v is read with it, noted.
    const again = await call('post', `${base('shop-0001')}/upgrade`, {
      version: '1.35.0',
      workers: true,
    });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({
      version: 'v1.35.0',
      changed: false,
      workerPools: [],
      notes: ["'1.35.0' has no leading 'v': read as 'v1.35.0'"],
    });
  });

  it('rejects a downgrade and a skipped minor release, changing nothing', async () => {
    const down = await call('post', `${base('shop-0001')}/upgrade`, {
      version: 'v1.34.9',
    });
    expect(down.status).toBe(400);
    expect(down.body.error.message).toMatch(
      /^version v1\.34\.9 is lower than the current v1\.35\.0: downgrades are not supported/,
    );
    expect((await read(KamajiControlPlane, 'shop-0001')).spec.version).toBe(
      'v1.35.0',
    );

    const skip = await call('post', `${base('shop-0002')}/upgrade`, {
      version: 'v1.35.0',
      workers: true,
    });
    expect(skip.status).toBe(400);
    expect(skip.body.error.message).toMatch(
      /^version v1\.35\.0 skips a minor release \(current v1\.33\.5\): .*v1\.34\.x/,
    );
    expect(await storedVersions('shop-0002')).toEqual({
      controlPlane: 'v1.33.5',
      pool: 'v1.33.5',
    });
  });

  it('turns a lost race (the JSON patch test operation failing) into a 409', async () => {
    const client = new KubeClient(adminKubeConfig);
    const patch = (kind: KubeKind, name: string, body: unknown) =>
      client
        .request('PATCH', kindPath(kind, { namespace: NS, name }), {
          query: { fieldManager: KAMAJI_FIELD_MANAGER },
          body,
          contentType: KubePatchType.json,
        })
        .catch(e => e);
    const error = await patch(KamajiControlPlane, 'shop-0002', [
      { op: 'test', path: '/spec/version', value: 'v1.0.0' },
      { op: 'replace', path: '/spec/version', value: 'v1.34.0' },
    ]);
    const mapped = mapKubeError(error, 'patch KamajiControlPlane', 'central', {
      precondition: true,
    });
    expect(mapped.name).toBe('ConflictError');
    expect(mapped.message).toMatch(/changed since it was read/);
    // A field the API server refuses is the caller's input: 400, naming the field.
    const invalid = await patch(MachineDeployment, 'shop-0002-edge', [
      { op: 'replace', path: '/spec/replicas', value: -5 },
    ]);
    const field = mapKubeError(invalid, 'patch MachineDeployment', 'central');
    expect(field.name).toBe('InputError');
    expect(field.message).toMatch(/spec\.replicas/);
  });

  it('scales a pool of the cluster, and refuses pools of other clusters', async () => {
    const res = await call('post', `${base('shop-0001')}/scale`, {
      pool: 'shop-0001-edge',
      replicas: 3,
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      cluster: SHOP_1,
      pool: 'shop-0001-edge',
      from: 1,
      to: 3,
      changed: true,
    });
    const md = await read(MachineDeployment, 'shop-0001-edge');
    expect(md.spec.replicas).toBe(3);
    expect(
      md.metadata.managedFields.some(
        (f: any) =>
          f.manager === KAMAJI_FIELD_MANAGER &&
          JSON.stringify(f.fieldsV1).includes('f:replicas'),
      ),
    ).toBe(true);

    const other = await call('post', `${base('shop-0001')}/scale`, {
      pool: 'shop-0002-edge',
      replicas: 0,
    });
    expect(other.status).toBe(400);
    expect(other.body.error.message).toMatch(
      /^pool "shop-0002-edge" is not a worker pool of cluster central\/fleet-tenants\/shop-0001; its pools are: shop-0001-edge/,
    );
    expect(
      (await read(MachineDeployment, 'shop-0002-edge')).spec.replicas,
    ).toBe(2);
    const unknown = await call('post', `${base('shop-0001')}/scale`, {
      pool: 'nope',
      replicas: 1,
    });
    expect(unknown.status).toBe(400);
  });

  it('refuses replicas outside the range the cluster autoscaler keeps the pool in, changing nothing', async () => {
    const client = new KubeClient(adminKubeConfig);
    const annotate = (annotations: Record<string, string | null>) =>
      client.request(
        'PATCH',
        kindPath(MachineDeployment, { namespace: NS, name: 'shop-0001-edge' }),
        {
          body: { metadata: { annotations } },
          contentType: KubePatchType.merge,
        },
      );
    const min = 'cluster.x-k8s.io/cluster-api-autoscaler-node-group-min-size';
    const max = 'cluster.x-k8s.io/cluster-api-autoscaler-node-group-max-size';
    await annotate({ [min]: '1', [max]: '4' });
    const before = (await read(MachineDeployment, 'shop-0001-edge')).spec
      .replicas;
    const res = await call('post', `${base('shop-0001')}/scale`, {
      pool: 'shop-0001-edge',
      replicas: 6,
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(
      'replicas 6 is outside 1..4, the range the cluster autoscaler keeps pool shop-0001-edge in: choose a value in that range or change the autoscaler annotations',
    );
    expect(
      (await read(MachineDeployment, 'shop-0001-edge')).spec.replicas,
    ).toBe(before);
    await annotate({ [min]: null, [max]: null });
  });

  it('says what an upgrade had changed when a worker pool cannot be written after the control plane was', async () => {
    const shop4 = 'central/fleet-tenants/shop-0004';
    fleet.push({
      upserted: [tenant({ id: shop4, owner: 'group:default/team-retail' })],
    });
    await createTenant('shop-0004', 'v1.34.2', 1);
    // A backend whose credentials may change control planes but not machine deployments.
    await grantUser(adminKubeConfig, 'writes-control-planes-only', [
      {
        apiGroups: ['cluster.x-k8s.io'],
        resources: ['clusters', 'machinedeployments'],
        verbs: ['get', 'list'],
      },
      {
        apiGroups: ['controlplane.cluster.x-k8s.io'],
        resources: ['kamajicontrolplanes'],
        verbs: ['get', 'list', 'patch'],
      },
    ]);
    fleet.setManagementClusterAccess(
      'central',
      plane.kubeConfig('central', 'writes-control-planes-only'),
    );
    const res = await call('post', `${base('shop-0004')}/upgrade`, {
      version: 'v1.34.3',
      workers: true,
    });
    fleet.setManagementClusterAccess('central', adminKubeConfig);
    expect(res.status).toBe(502);
    expect(res.body.error.message).toMatch(
      /refused the backend's credentials \(HTTP 403\).* \(already changed: control plane to v1\.34\.3\)$/,
    );
    expect(await storedVersions('shop-0004')).toEqual({
      controlPlane: 'v1.34.3',
      pool: 'v1.34.2',
    });
  });

  it('refuses changes to a cluster being deleted (409)', async () => {
    await api.patchNamespacedCustomObject({
      ...at(Cluster),
      name: 'shop-0002',
      body: [
        {
          op: 'add',
          path: '/metadata/finalizers',
          value: ['test.kamaji/hold'],
        },
      ],
    });
    await api.deleteNamespacedCustomObject({
      ...at(Cluster),
      name: 'shop-0002',
    });
    const res = await call('post', `${base('shop-0002')}/upgrade`, {
      version: 'v1.34.0',
    });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/is being deleted/);
    const scale = await call('post', `${base('shop-0002')}/scale`, {
      pool: 'shop-0002-edge',
      replicas: 1,
    });
    expect(scale.status).toBe(409);
    await api.patchNamespacedCustomObject({
      ...at(Cluster),
      name: 'shop-0002',
      body: [{ op: 'remove', path: '/metadata/finalizers' }],
    });
  });

  it('deletes only with the right confirmation', async () => {
    const wrong = await call(
      'delete',
      `${base('shop-0001')}?confirm=shop-0002`,
    );
    expect(wrong.status).toBe(400);
    expect(await read(Cluster, 'shop-0001')).toBeDefined();

    const right = await call(
      'delete',
      `${base('shop-0001')}?confirm=shop-0001`,
    );
    expect(right.status).toBe(202);
    expect(right.body).toEqual({ cluster: SHOP_1, deleting: true });
    await expect(read(Cluster, 'shop-0001')).rejects.toMatchObject({
      code: 404,
    });

    // The model still lists it (the watchers have not caught up): the API server says 404.
    const gone = await call('post', `${base('shop-0001')}/upgrade`, {
      version: 'v1.35.1',
    });
    expect(gone.status).toBe(404);
    expect(gone.body.error.message).toMatch(
      /not found in management cluster central/,
    );
  });

  it('maps refused credentials to 502 and an unreachable server to 503, without credentials in the answer', async () => {
    const extra = tenant({
      id: 'central/fleet-tenants/shop-0003',
      owner: 'group:default/team-retail',
    });
    fleet.push({ upserted: [extra] });
    await api.createNamespacedCustomObject({
      ...at(Cluster),
      body: clusterObject('shop-0003'),
    });

    fleet.setManagementClusterAccess(
      'central',
      plane.kubeConfig('central', 'no-rights'),
    );
    const refused = await call('post', `${base('shop-0003')}/upgrade`, {
      version: 'v1.35.0',
    });
    expect(refused.status).toBe(502);
    expect(refused.body.error.name).toBe('BadGatewayError');
    expect(refused.body.error.message).toMatch(
      /management cluster central refused the backend's credentials \(HTTP 403\)/,
    );

    const offline = new KubeConfig();
    offline.loadFromOptions({
      clusters: [
        { name: 'c', server: 'https://127.0.0.1:1', skipTLSVerify: true },
      ],
      users: [{ name: 'u', token: 'not-a-real-bearer-value' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    fleet.setManagementClusterAccess('central', offline);
    const unreachable = await call('post', `${base('shop-0003')}/scale`, {
      pool: 'x',
      replicas: 1,
    });
    expect(unreachable.status).toBe(503);
    expect(unreachable.body.error.message).toMatch(
      /management cluster central is unreachable/,
    );
    expect(unreachable.text).not.toContain('not-a-real-bearer-value');
    fleet.setManagementClusterAccess('central', adminKubeConfig);
  });

  it('writes every outcome to the audit trail, readable through /v1/audit', async () => {
    const res = await request(backend.server)
      .get('/api/kamaji/v1/audit?limit=100')
      .set(as(USERS.pat));
    bodies.push(res.text);
    expect(res.status).toBe(200);
    const rows = res.body.items as any[];
    const find = (
      action: string,
      result: string,
      target: string,
      status: number,
    ) =>
      rows.find(
        r =>
          r.action === action &&
          r.result === result &&
          r.target === target &&
          r.status === status,
      );
    const upgrades = rows.filter(
      r =>
        r.action === 'upgrade' && r.result === 'success' && r.target === SHOP_1,
    );
    expect(upgrades.map(r => r.details.changed)).toEqual([false, true]);
    expect(upgrades[1]).toMatchObject({
      actor: USERS.pat,
      actorType: 'user',
      request: { version: 'v1.35.0', workers: true },
      details: {
        controlPlane: { from: 'v1.34.2', to: 'v1.35.0' },
        workerPools: [
          { name: 'shop-0001-edge', from: 'v1.34.2', to: 'v1.35.0' },
        ],
      },
      durationMs: expect.any(Number),
      occurredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(find('upgrade', 'failure', SHOP_2, 400)?.message).toMatch(
      /skips a minor release/,
    );
    expect(find('scale', 'success', SHOP_1, 200)?.details).toMatchObject({
      from: 1,
      to: 3,
    });
    expect(find('scale', 'failure', SHOP_1, 400)).toBeDefined();
    expect(find('delete', 'failure', SHOP_1, 400)?.message).toMatch(
      /^confirm must be/,
    );
    expect(find('delete', 'success', SHOP_1, 202)).toBeDefined();
    expect(find('upgrade', 'failure', SHOP_2, 409)).toBeDefined();
    expect(
      find('upgrade', 'failure', 'central/fleet-tenants/shop-0003', 502),
    ).toBeDefined();
    expect(
      find('scale', 'failure', 'central/fleet-tenants/shop-0003', 503),
    ).toBeDefined();
    // The fixture's model has no shop-0003 upgrade allowed for alice: a denial is audited too.
    const denied = await call(
      'delete',
      `${base('shop-0002')}?confirm=shop-0002`,
      undefined,
      USERS.alice,
    );
    expect(denied.status).toBe(403);
    const after = await request(backend.server)
      .get(
        `/api/kamaji/v1/audit?outcome=denied&actor=${encodeURIComponent(
          USERS.alice,
        )}`,
      )
      .set(as(USERS.pat));
    expect(after.body.items[0]).toMatchObject({
      action: 'delete',
      target: SHOP_2,
      status: 403,
    });
  });

  it('never shows credential material in responses or logs', () => {
    // The admin's client key, as base64 (kubeconfig) and as PEM body.
    const user = adminKubeConfig.getCurrentUser()!;
    const pem = user.keyData
      ? Buffer.from(user.keyData, 'base64').toString('utf8')
      : readFileSync(user.keyFile!, 'utf8');
    const base64 = Buffer.from(pem).toString('base64');
    const pemBody = pem.split('\n')[1];
    expect(pemBody.length).toBeGreaterThan(40);
    for (const text of [...bodies, ...backend.logger.lines]) {
      expect(text).not.toMatch(CREDENTIAL_PATTERN);
      expect(text).not.toContain(base64.slice(0, 40));
      expect(text).not.toContain(pemBody);
    }
    expect(bodies.length).toBeGreaterThanOrEqual(15);
  });

  it('keeps the fixture model untouched by the actions (the watchers report changes)', () => {
    expect((fleet.getCluster(SHOP_1) as TenantNode).versions.declared).toBe(
      'v1.34.2',
    );
  });
});
