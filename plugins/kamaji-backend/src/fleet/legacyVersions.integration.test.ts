import { FleetObjectApi, LocalControlPlane } from '@internal/test-kube';
import { ConfigReader } from '@backstage/config';
import { readFleetConfig } from './config';
import { KubeFleetService } from './KubeFleetService';
import {
  AnyObject,
  applyAll,
  CapturingLogger,
  FLEET_USER,
  rbacDocuments,
  TEST_FIELD_MANAGER,
  waitFor,
} from './__testUtils__/fleetTestEnv';

jest.setTimeout(300_000);

/** A CRD serving one version, open schema, with a status subresource. */
function crd(
  group: string,
  plural: string,
  kind: string,
  version: string,
): AnyObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: {
        plural,
        singular: kind.toLowerCase(),
        kind,
        listKind: `${kind}List`,
      },
      versions: [
        {
          name: version,
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: {
            openAPIV3Schema: {
              type: 'object',
              'x-kubernetes-preserve-unknown-fields': true,
            },
          },
        },
      ],
    },
  };
}

/**
 * An older management cluster: CAPI served at v1beta1 only, KamajiControlPlane at v1alpha1
 * (Kamaji provider ≤ v0.19), no addon CRDs. The fleet discovers the served versions, reads the
 * old shapes, and reports the absent kinds instead of failing.
 */
describe('a management cluster on older API versions', () => {
  let plane: LocalControlPlane;
  let service: KubeFleetService;
  const logger = new CapturingLogger();

  beforeAll(async () => {
    plane = await LocalControlPlane.start({
      clusters: { legacy: [] },
      users: [FLEET_USER],
    });
    const admin = FleetObjectApi.forConfig(plane.kubeConfig('legacy'));
    await applyAll(admin, rbacDocuments('management'));
    await applyAll(admin, [
      crd('cluster.x-k8s.io', 'clusters', 'Cluster', 'v1beta1'),
      crd(
        'controlplane.cluster.x-k8s.io',
        'kamajicontrolplanes',
        'KamajiControlPlane',
        'v1alpha1',
      ),
      crd(
        'kamaji.clastix.io',
        'tenantcontrolplanes',
        'TenantControlPlane',
        'v1alpha1',
      ),
    ]);
    const served = async (apiVersion: string, kind: string) => {
      try {
        return await admin.isNamespaced(apiVersion, kind);
      } catch {
        return false;
      }
    };
    await waitFor(
      'the CRDs to be served',
      async () =>
        (await served('cluster.x-k8s.io/v1beta1', 'Cluster')) &&
        (await served(
          'controlplane.cluster.x-k8s.io/v1alpha1',
          'KamajiControlPlane',
        )) &&
        (await served('kamaji.clastix.io/v1alpha1', 'TenantControlPlane')),
    );
    const write = async (obj: AnyObject) => {
      const { status, ...rest } = obj;
      await admin.apply(rest as AnyObject, {
        fieldManager: TEST_FIELD_MANAGER,
        strict: false,
      });
      await admin.apply(
        {
          apiVersion: obj.apiVersion,
          kind: obj.kind,
          metadata: obj.metadata,
          status,
        },
        {
          fieldManager: TEST_FIELD_MANAGER,
          subresource: 'status',
          strict: false,
        },
      );
    };
    await write({
      apiVersion: 'cluster.x-k8s.io/v1beta1',
      kind: 'Cluster',
      metadata: {
        name: 'old-shop',
        namespace: 'default',
        labels: { 'kamaji-backstage.io/owner': 'team-retail' },
      },
      spec: {
        controlPlaneRef: {
          apiVersion: 'controlplane.cluster.x-k8s.io/v1alpha1',
          kind: 'KamajiControlPlane',
          name: 'old-shop',
          namespace: 'default',
        },
      },
      status: {
        phase: 'Provisioned',
        controlPlaneReady: true,
        infrastructureReady: true,
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            lastTransitionTime: '2026-01-01T00:00:00Z',
          },
        ],
        v1beta2: {
          conditions: [
            {
              type: 'Available',
              status: 'True',
              reason: 'Available',
              message: '',
              lastTransitionTime: '2026-01-01T00:00:00Z',
            },
          ],
        },
      },
    });
    await write({
      apiVersion: 'controlplane.cluster.x-k8s.io/v1alpha1',
      kind: 'KamajiControlPlane',
      metadata: { name: 'old-shop', namespace: 'default' },
      spec: { version: '1.33.7', replicas: 2 },
      status: {
        ready: true,
        initialized: true,
        version: 'v1.33.7',
        updatedReplicas: 2,
        unavailableReplicas: 0,
      },
    });
    await write({
      apiVersion: 'kamaji.clastix.io/v1alpha1',
      kind: 'TenantControlPlane',
      metadata: { name: 'old-shop', namespace: 'default' },
      spec: { kubernetes: { version: 'v1.33.7' } },
      status: {
        kubernetesResources: {
          version: { version: 'v1.33.7', status: 'Ready' },
        },
      },
    });

    service = new KubeFleetService(
      readFleetConfig(
        new ConfigReader({
          kamaji: {
            managementClusters: [
              {
                name: 'legacy',
                kubeconfig: {
                  path: plane.state.users[FLEET_USER.name].kubeconfigs.legacy,
                },
              },
            ],
          },
        }),
      ),
      logger,
    );
    service.start();
    await service.ready();
  });

  afterAll(async () => {
    await service?.stop();
    await plane?.stop();
  });

  it('reads CAPI v1beta1 and KamajiControlPlane v1alpha1 through discovery', () => {
    const t = service.getCluster('legacy/default/old-shop');
    expect(t).toMatchObject({
      role: 'tenant',
      owner: 'group:default/team-retail',
      available: 'True',
      health: { status: 'healthy' },
      versions: { declared: 'v1.33.7', running: 'v1.33.7', skew: false },
      controlPlane: {
        kamajiControlPlane: {
          name: 'old-shop',
          ready: true,
          initialized: true,
        },
        tenantControlPlane: {
          name: 'old-shop',
          hostedIn: 'legacy',
          status: 'Ready',
        },
      },
    });
    expect(
      logger.lines.some(l =>
        /reading Cluster at cluster\.x-k8s\.io\/v1beta1 \(read-only fallback\)/.test(
          l,
        ),
      ),
    ).toBe(true);
    expect(
      logger.lines.some(l =>
        /reading KamajiControlPlane at controlplane\.cluster\.x-k8s\.io\/v1alpha1 \(read-only fallback\)/.test(
          l,
        ),
      ),
    ).toBe(true);
  });

  it('reports the kinds whose CRDs are absent, and stays up', () => {
    const m = service.getSnapshot().managementClusters[0];
    expect(m.connection.status).toBe('degraded');
    const kinds = (m.connection.unreadableKinds ?? []).map(k => k.kind).sort();
    expect(kinds).toEqual([
      'ClusterProfile',
      'ClusterResourceSet',
      'ClusterResourceSetBinding',
      'ClusterSummary',
      'DataStore',
      'HelmChartProxy',
      'HelmReleaseProxy',
      'Machine',
      'MachineDeployment',
    ]);
    expect(
      m.connection.unreadableKinds!.find(k => k.kind === 'MachineDeployment')
        ?.reason,
    ).toMatch(/not served.*CRD absent/);
    expect(service.getSnapshot().addonSets).toEqual([]);
  });
});
