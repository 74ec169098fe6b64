/*
 * The actions against real API servers (test/kube: central, island-a, island-b with the project's
 * CRDs, seeded with examples/fleet). No controllers run: the test checks what is declared.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { mockServices } from '@backstage/backend-test-utils';
import {
  FleetObjectApi,
  LocalControlPlane,
  seedFleet,
} from '@internal/test-kube';
import { KubeClient, StoredObject } from '@kamaji-backstage/plugin-kamaji-node';
import { KamajiActionDeps } from './actions/common';
import {
  createAddonSetCreateAction,
  createClusterWaitAction,
  createIslandCreateAction,
  createTenantCreateAction,
} from './actions';
import { RENDER_KINDS, renderKind, renderTenantCluster } from './render';
import {
  actionFailure,
  RecordingAudit,
  runAction,
} from './__testUtils__/fakes';
import { planeActionDeps } from './__testUtils__/planeFleet';

jest.setTimeout(300_000);

const EXAMPLES = resolve(__dirname, '..', '..', '..', 'examples', 'rendered');

let plane: LocalControlPlane;
let central: KubeClient;
let deps: KamajiActionDeps;
const trail = new RecordingAudit();
const recordsOf = (target: string) =>
  trail.records.filter(r => r.target === target);

const tenant = (name: string, island = 'island-b') => ({
  name,
  island,
  kubernetesVersion: 'v1.34.2',
  controlPlaneReplicas: 2,
  dataStore: 'default',
  workerPools: [{ name: 'edge', replicas: 2 }],
  addonSets: ['observability', 'cilium'],
  owner: 'group:default/team-retail',
});

/** What the cluster holds for each object a tenant input renders (undefined when absent). */
async function stored(values: unknown) {
  const objects = renderTenantCluster(values);
  return Promise.all(objects.map(o => central.get(o)));
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
  central = new KubeClient(plane.kubeConfig('central'));
  deps = await planeActionDeps(plane, trail);
});

afterAll(async () => {
  await plane?.stop();
});

describe('against the local control plane', () => {
  it("accepts every rendered example with the project's CRDs (server-side dry run, strict fields)", async () => {
    const results: string[] = [];
    for (const kind of RENDER_KINDS) {
      for (const file of readdirSync(join(EXAMPLES, kind)).filter(f =>
        f.endsWith('.values.yaml'),
      )) {
        const values = parse(readFileSync(join(EXAMPLES, kind, file), 'utf8'));
        for (const obj of renderKind(kind, values, {
          provenance: { requestedBy: 'user:default/alice', taskId: 't' },
        })) {
          await central.apply(obj, {
            fieldManager: 'kamaji-backstage',
            dryRun: true,
          });
          results.push(`${kind}/${file}: ${obj.kind}`);
        }
      }
    }
    expect(results.length).toBeGreaterThanOrEqual(20);
  });

  it('creates a tenant whose control plane is placed on the island, with the right references', async () => {
    const { ctx } = await runAction(
      createTenantCreateAction(deps),
      tenant('berlin-scales'),
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'clusterId',
      'central/fleet-tenants/berlin-scales',
    );
    expect(recordsOf('central/fleet-tenants/berlin-scales')).toEqual([
      expect.objectContaining({
        actor: 'user:default/alice',
        action: 'create',
        result: 'success',
        status: 201,
        details: {
          objects: expect.arrayContaining([
            'created: KamajiControlPlane fleet-tenants/berlin-scales',
            'created: KubeadmConfigTemplate fleet-tenants/berlin-scales-edge',
            'created: MachineDeployment fleet-tenants/berlin-scales-edge',
            'created: Cluster fleet-tenants/berlin-scales',
          ]),
        },
      }),
    ]);

    const [cluster, kcp, kct, md] = (await stored(
      tenant('berlin-scales'),
    )) as any[];
    expect(cluster.metadata.labels).toEqual({
      'kamaji-backstage.io/owner': 'team-retail',
      'cluster.x-k8s.io/cluster-name': 'berlin-scales',
      'kamaji-backstage.io/island': 'island-b',
      'kamaji-backstage.io/site': 'shop-berlin',
      'addons.kamaji-backstage.io/observability': 'enabled',
      'addons.kamaji-backstage.io/cilium': 'enabled',
    });
    expect(cluster.metadata.annotations).toEqual({
      'kamaji-backstage.io/requested-by': 'user:default/alice',
      'kamaji-backstage.io/task-id': 'mock-task-id',
    });
    expect(cluster.spec.controlPlaneRef).toEqual({
      apiGroup: 'controlplane.cluster.x-k8s.io',
      kind: 'KamajiControlPlane',
      name: 'berlin-scales',
    });
    const ref = kcp.spec.deployment.externalClusterReference;
    expect(ref).toEqual({
      deploymentNamespace: 'kamaji-tenants',
      kubeconfigSecretName: 'island-b-kubeconfig',
      kubeconfigSecretKey: 'value',
      kubeconfigSecretNamespace: 'fleet-islands',
    });
    // The reference leads to island-b's CAPI kubeconfig Secret, and its namespace exists on the island.
    const secret: any = await central.get({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: ref.kubeconfigSecretName,
        namespace: ref.kubeconfigSecretNamespace,
      },
    });
    expect(secret.metadata.labels['cluster.x-k8s.io/cluster-name']).toBe(
      'island-b',
    );
    expect(secret.data[ref.kubeconfigSecretKey]).toBeTruthy();
    const islandB = new KubeClient(plane.kubeConfig('island-b'));
    expect(
      await islandB.get({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: ref.deploymentNamespace },
      }),
    ).toBeDefined();
    expect(
      await islandB.get({
        apiVersion: 'kamaji.clastix.io/v1alpha1',
        kind: 'DataStore',
        metadata: { name: kcp.spec.dataStoreName },
      }),
    ).toBeDefined();

    expect(md.spec.clusterName).toBe('berlin-scales');
    expect(md.metadata.labels['cluster.x-k8s.io/cluster-name']).toBe(
      'berlin-scales',
    );
    expect(md.spec.template.spec.bootstrap.configRef.name).toBe(
      kct.metadata.name,
    );
    expect(md.spec.template.spec.version).toBe('v1.34.2');
    for (const o of [kcp, kct, md]) {
      expect(o.metadata.annotations['kamaji-backstage.io/requested-by']).toBe(
        'user:default/alice',
      );
      expect(o.metadata.managedFields.map((m: any) => m.manager)).toEqual([
        'kamaji-backstage',
      ]);
    }
  });

  it('changes nothing when the same input runs again (resourceVersions unchanged)', async () => {
    const before = (await stored(tenant('berlin-scales'))).map(
      o => o!.metadata.resourceVersion,
    );
    const { ctx } = await runAction(
      createTenantCreateAction(deps),
      tenant('berlin-scales'),
      {
        task: { id: 'a-second-task' },
      } as any,
    );
    const after = (await stored(tenant('berlin-scales'))).map(
      o => o!.metadata.resourceVersion,
    );
    expect(after).toEqual(before);
    expect(ctx.output).toHaveBeenCalledWith('objects', [
      'unchanged: ConfigMap fleet-tenants/berlin-scales-access',
      'unchanged: KubeadmConfigTemplate fleet-tenants/berlin-scales-edge',
      'unchanged: KamajiControlPlane fleet-tenants/berlin-scales',
      'unchanged: MachineDeployment fleet-tenants/berlin-scales-edge',
      'unchanged: Cluster fleet-tenants/berlin-scales',
      'unchanged: ClusterResourceSet fleet-tenants/berlin-scales-access',
    ]);
  });

  it('leaves no object behind when the API server refuses the third object', async () => {
    // A real API failure the dry run cannot foresee: a ValidatingAdmissionPolicy that denies
    // creating this MachineDeployment, except in dry runs.
    const admin = FleetObjectApi.forConfig(plane.kubeConfig('central'));
    await admin.apply(
      {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingAdmissionPolicy',
        metadata: { name: 'injected-failure' },
        spec: {
          failurePolicy: 'Fail',
          matchConstraints: {
            resourceRules: [
              {
                apiGroups: ['cluster.x-k8s.io'],
                apiVersions: ['*'],
                operations: ['CREATE'],
                resources: ['machinedeployments'],
              },
            ],
          },
          matchConditions: [
            { name: 'not-a-dry-run', expression: '!request.dryRun' },
            {
              name: 'these-names',
              expression:
                "object.metadata.name in ['hamburg-fail-edge', 'policy-probe']",
            },
          ],
          validations: [
            {
              expression: 'false',
              message: 'injected failure for the all-or-nothing test',
            },
          ],
        },
      },
      { fieldManager: 'test' },
    );
    await admin.apply(
      {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingAdmissionPolicyBinding',
        metadata: { name: 'injected-failure' },
        spec: { policyName: 'injected-failure', validationActions: ['Deny'] },
      },
      { fieldManager: 'test' },
    );
    // The policy takes a moment to be loaded: wait until a probe object is refused.
    const probe = {
      apiVersion: 'cluster.x-k8s.io/v1beta2',
      kind: 'MachineDeployment',
      metadata: { name: 'policy-probe', namespace: 'fleet-tenants' },
      spec: {
        clusterName: 'x',
        selector: { matchLabels: { a: 'b' } },
        template: {
          metadata: { labels: { a: 'b' } },
          spec: {
            clusterName: 'x',
            bootstrap: { dataSecretName: 'x' },
            infrastructureRef: {
              apiGroup: 'infrastructure.cluster.x-k8s.io',
              kind: 'X',
              name: 'x',
            },
          },
        },
      },
    };
    for (let i = 0; ; i++) {
      try {
        await central.apply(probe, { fieldManager: 'test' });
        await central.delete(probe);
      } catch (e: any) {
        if (/injected failure/.test(e.message)) break;
        throw e;
      }
      if (i > 100) throw new Error('the admission policy never took effect');
      await new Promise(r => setTimeout(r, 200));
    }

    const values = tenant('hamburg-fail', 'island-a');
    const e = await actionFailure(createTenantCreateAction(deps), values);
    expect(e.message).toContain(
      'Creating the objects failed at MachineDeployment fleet-tenants/hamburg-fail-edge: MachineDeployment fleet-tenants/hamburg-fail-edge: the API server rejected it (422 Invalid)',
    );
    expect(e.message).toContain('injected failure for the all-or-nothing test');
    expect(recordsOf('central/fleet-tenants/hamburg-fail')).toEqual([
      expect.objectContaining({
        actor: 'user:default/alice',
        result: 'failure',
        status: 400,
        message: expect.stringContaining('injected failure'),
      }),
    ]);
    expect(e.message).toContain(
      'Rolled back: deleted what this run had created (KamajiControlPlane fleet-tenants/hamburg-fail, KubeadmConfigTemplate fleet-tenants/hamburg-fail-edge, ConfigMap fleet-tenants/hamburg-fail-access).',
    );
    expect(await stored(values)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);

    await admin.remove({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name: 'injected-failure' },
    });
    await admin.remove({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name: 'injected-failure' },
    });
  });

  it('creates an island and an addon set', async () => {
    const platform = {
      ...deps,
      userInfo: mockServices.userInfo({
        ownershipEntityRefs: ['group:default/platform-team'],
      }),
    };
    const { logger } = await runAction(createIslandCreateAction(platform), {
      name: 'island-hamburg',
      site: 'shop-hamburg',
      owner: 'platform-team',
      kubernetesVersion: 'v1.34.2',
      controlPlaneReplicas: 3,
    });
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(
        'ClusterClass fleet-islands/edge-island was not found',
      ),
    );
    const island = (await central.get({
      apiVersion: 'cluster.x-k8s.io/v1beta2',
      kind: 'Cluster',
      metadata: { name: 'island-hamburg', namespace: 'fleet-islands' },
    })) as StoredObject;
    expect(island.metadata.labels?.['kamaji-backstage.io/role']).toBe('island');
    expect(
      await central.get({
        apiVersion: 'config.projectsveltos.io/v1beta1',
        kind: 'ClusterProfile',
        metadata: { name: 'island-hamburg-kamaji' },
      }),
    ).toBeDefined();

    await runAction(createAddonSetCreateAction(platform), {
      name: 'default-deny',
      kind: 'ClusterResourceSet',
      owner: 'platform-team',
      manifests: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: locked\n',
    });
    const crs: any = await central.get({
      apiVersion: 'addons.cluster.x-k8s.io/v1beta2',
      kind: 'ClusterResourceSet',
      metadata: { name: 'default-deny', namespace: 'fleet-tenants' },
    });
    expect(crs.spec.resources).toEqual([
      { kind: 'ConfigMap', name: 'default-deny-resources' },
    ]);
  });

  it('waits until the created cluster is Available', async () => {
    const admin = FleetObjectApi.forConfig(plane.kubeConfig('central'));
    const condition = (type: string, status: string, reason: string) => ({
      type,
      status,
      reason,
      message: '',
      lastTransitionTime: '2026-11-25T10:00:00Z',
    });
    await admin.apply(
      {
        apiVersion: 'cluster.x-k8s.io/v1beta2',
        kind: 'Cluster',
        metadata: { name: 'berlin-scales', namespace: 'fleet-tenants' },
        status: {
          phase: 'Provisioned',
          conditions: [condition('Available', 'True', 'Available')],
        },
      },
      { fieldManager: 'test-controller', subresource: 'status' },
    );
    const { ctx } = await runAction(createClusterWaitAction(deps), {
      name: 'berlin-scales',
      pollIntervalSeconds: 1,
    });
    expect(ctx.output).toHaveBeenCalledWith('available', true);
  });
});
