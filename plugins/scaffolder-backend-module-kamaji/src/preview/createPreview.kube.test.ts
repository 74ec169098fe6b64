/*
 * The create preview against real API servers (test/kube, seeded with examples/fleet): the
 * objects kamaji:tenant:create would apply, each dry-run by the management cluster, are what
 * the action then applies; a refusal of the API server is shown in its words, nothing applied.
 */
import express from 'express';
import request from 'supertest';
import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  denyWithAdmissionPolicy,
  LocalControlPlane,
  seedFleet,
  waitFor,
} from '@internal/test-kube';
import { KubeClient } from '@kamaji-backstage/plugin-kamaji-node';
import { KamajiActionDeps } from '../actions/common';
import { createTenantCreateAction } from '../actions';
import { runAction } from '../__testUtils__/fakes';
import { planeActionDeps } from '../__testUtils__/planeFleet';
import { createPreviewRouter, previewCreate } from './createPreview';

jest.setTimeout(300_000);

const REFUSAL =
  'cluster names starting with blocked- are reserved (policy reserved-names)';

let plane: LocalControlPlane;
let central: KubeClient;
let deps: KamajiActionDeps;

const tenant = (name: string) => ({
  name,
  island: 'island-b',
  kubernetesVersion: 'v1.34.2',
  controlPlaneReplicas: 2,
  dataStore: 'default',
  workerPools: [{ name: 'edge', replicas: 2 }],
  addonSets: ['observability'],
  owner: 'group:default/team-retail',
});
const ALICE = mockCredentials.user('user:default/alice');

function withPermission(result: AuthorizeResult.ALLOW | AuthorizeResult.DENY) {
  return { ...deps, permissions: mockServices.permissions({ result }) };
}

/** What an object carries that the apply decides: everything but bookkeeping and the task id. */
function applied(o: any) {
  const { annotations = {}, labels, name, namespace } = o.metadata;
  const { ['kamaji-backstage.io/task-id']: _task, ...rest } = annotations;
  return {
    kind: o.kind,
    name,
    namespace,
    labels,
    annotations: rest,
    spec: o.spec,
  };
}

beforeAll(async () => {
  plane = await LocalControlPlane.start();
  await seedFleet({
    clusters: {
      central: plane.kubeConfig('central'),
      'island-a': plane.kubeConfig('island-a'),
      'island-b': plane.kubeConfig('island-b'),
    },
    islandKubeconfigs: {
      'island-a': plane.kubeConfigYaml('island-a'),
      'island-b': plane.kubeConfigYaml('island-b'),
    },
  });
  await denyWithAdmissionPolicy(plane.kubeConfig('central'), {
    name: 'reserved-names',
    group: 'cluster.x-k8s.io',
    resource: 'clusters',
    operation: 'CREATE',
    expression: "!object.metadata.name.startsWith('blocked-')",
    message: REFUSAL,
  });
  central = new KubeClient(plane.kubeConfig('central'));
  deps = await planeActionDeps(plane);
});

afterAll(async () => {
  await plane?.stop();
});

describe('create preview', () => {
  it('dry-runs every object the action applies, and the action then applies exactly those', async () => {
    const logger = mockServices.logger.mock();
    const preview = await previewCreate(
      'tenant',
      tenant('preview-shop'),
      ALICE,
      deps,
      logger,
    );
    expect(preview.ok).toBe(true);
    expect(preview.problems).toEqual([]);
    expect(
      preview.objects.map(o => `${o.outcome}: ${o.kind} ${o.name}`),
    ).toEqual(
      expect.arrayContaining([
        'created: Cluster preview-shop',
        'created: KamajiControlPlane preview-shop',
        'created: MachineDeployment preview-shop-edge',
      ]),
    );
    for (const o of preview.objects) {
      expect(await central.get(o.object as any)).toBeUndefined();
    }

    await runAction(createTenantCreateAction(deps), tenant('preview-shop'));
    for (const o of preview.objects) {
      const stored = await central.get(o.object as any);
      expect(applied(stored)).toEqual(applied(o.object));
    }
  });

  it("shows the API server's refusal of an object in its words and applies nothing", async () => {
    // The policy takes effect asynchronously.
    const preview = await waitFor(
      'the admission policy to refuse',
      async () => {
        const p = await previewCreate(
          'tenant',
          tenant('blocked-shop'),
          ALICE,
          deps,
          mockServices.logger.mock(),
        );
        return p.ok ? undefined : p;
      },
      30_000,
      500,
    );
    expect(preview.ok).toBe(false);
    const cluster = preview.objects.find(o => o.kind === 'Cluster')!;
    expect(cluster.outcome).toBeUndefined();
    expect(cluster.refusal).toContain(REFUSAL);
    expect(preview.objects.filter(o => o.refusal).map(o => o.kind)).toEqual([
      'Cluster',
    ]);
    for (const o of preview.objects) {
      expect(await central.get(o.object as any)).toBeUndefined();
    }
  });

  it('answers over HTTP only users allowed to create, with the checks of the action', async () => {
    const app = (d: KamajiActionDeps) =>
      express()
        .use(
          createPreviewRouter({
            httpAuth: mockServices.httpAuth(),
            logger: mockServices.logger.mock(),
            deps: d,
          }),
        )
        .use(mockErrorHandler());
    const post = (d: KamajiActionDeps, body: object) =>
      request(app(d))
        .post('/kamaji/v1/create-preview')
        .set('Authorization', mockCredentials.user.header('user:default/alice'))
        .send(body);

    const ok = await post(deps, { kind: 'tenant', input: tenant('http-shop') });
    expect(ok.status).toBe(200);
    expect(ok.body.ok).toBe(true);

    const denied = await post(withPermission(AuthorizeResult.DENY), {
      kind: 'tenant',
      input: tenant('http-shop'),
    });
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toMatch(/kamaji\.cluster\.create/);

    const foreign = await post(deps, {
      kind: 'tenant',
      input: { ...tenant('http-shop'), owner: 'group:default/platform-team' },
    });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.message).toMatch(
      /^owner: you may only create clusters owned by one of your own groups/,
    );

    const badKind = await post(deps, { kind: 'secret', input: {} });
    expect(badKind.status).toBe(400);
    expect(badKind.body.error.message).toMatch(
      /^kind must be one of tenant, island, addonSet/,
    );
  });
});
