import {
  KamajiInputError,
  defaultScaffolderSettings,
  renderAddonSet,
  renderIsland,
  renderTenantCluster,
  toYaml,
  KubeObject,
} from '.';
import { parseAllDocuments } from 'yaml';
import {
  impersonatorObjects,
  ownerBindingObject,
} from '@kamaji-backstage/plugin-kamaji-common';

const tenant = {
  name: 'shop-42',
  island: 'island-b',
  kubernetesVersion: 'v1.34.2',
  workerPools: [
    { name: 'tills', replicas: 2 },
    { name: 'backoffice', replicas: 1 },
  ],
  addonSets: ['observability', 'cilium'],
  owner: 'group:default/team-retail',
  site: 'shop-berlin',
};

/** v1beta2 schema style: no empty strings, lists or objects where unset would mean the same. */
function emptyValues(value: unknown, path = ''): string[] {
  // Presence of an addon enables it in KamajiControlPlane: `coreDNS: {}` is meaningful.
  if (/\.spec\.addons\.\w+$/.test(path)) return [];
  if (value === '' || (Array.isArray(value) && value.length === 0))
    return [path];
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value);
    if (!entries.length) return [path];
    return entries.flatMap(([k, v]) => emptyValues(v, `${path}.${k}`));
  }
  if (Array.isArray(value))
    return value.flatMap((v, i) => emptyValues(v, `${path}[${i}]`));
  return [];
}

const byKind = (objects: KubeObject[], kind: string) =>
  objects.filter(o => o.kind === kind);

describe('renderTenantCluster', () => {
  it('renders the Cluster, KamajiControlPlane and one MachineDeployment and KubeadmConfigTemplate per pool', () => {
    const objects = renderTenantCluster(tenant, {
      provenance: { requestedBy: 'user:default/alice', taskId: 'task-1' },
    });
    expect(objects.map(o => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Cluster/shop-42',
      'KamajiControlPlane/shop-42',
      'KubeadmConfigTemplate/shop-42-tills',
      'MachineDeployment/shop-42-tills',
      'KubeadmConfigTemplate/shop-42-backoffice',
      'MachineDeployment/shop-42-backoffice',
      'ClusterResourceSet/shop-42-access',
      'ConfigMap/shop-42-access',
    ]);
    const [cluster] = byKind(objects, 'Cluster');
    expect(cluster.apiVersion).toBe('cluster.x-k8s.io/v1beta2');
    expect(cluster.metadata).toEqual({
      name: 'shop-42',
      namespace: 'fleet-tenants',
      labels: {
        'kamaji-backstage.io/owner': 'team-retail',
        'cluster.x-k8s.io/cluster-name': 'shop-42',
        'kamaji-backstage.io/island': 'island-b',
        'kamaji-backstage.io/site': 'shop-berlin',
        'addons.kamaji-backstage.io/observability': 'enabled',
        'addons.kamaji-backstage.io/cilium': 'enabled',
      },
      annotations: {
        'kamaji-backstage.io/requested-by': 'user:default/alice',
        'kamaji-backstage.io/task-id': 'task-1',
      },
    });
    expect(cluster.spec).toEqual({
      clusterNetwork: {
        pods: { cidrBlocks: ['10.244.0.0/16'] },
        services: { cidrBlocks: ['10.96.0.0/16'] },
        serviceDomain: 'cluster.local',
      },
      controlPlaneRef: {
        apiGroup: 'controlplane.cluster.x-k8s.io',
        kind: 'KamajiControlPlane',
        name: 'shop-42',
      },
      infrastructureRef: {
        apiGroup: 'infrastructure.cluster.x-k8s.io',
        kind: 'Metal3Cluster',
        name: 'shop-42',
      },
    });
    const [kcp] = byKind(objects, 'KamajiControlPlane');
    expect(kcp.apiVersion).toBe('controlplane.cluster.x-k8s.io/v1alpha2');
    expect((kcp.spec as any).deployment.externalClusterReference).toEqual({
      deploymentNamespace: 'kamaji-tenants',
      kubeconfigSecretName: 'island-b-kubeconfig',
      kubeconfigSecretKey: 'value',
      kubeconfigSecretNamespace: 'fleet-islands',
    });
    expect((kcp.spec as any).version).toBe('v1.34.2');
    expect((kcp.spec as any).dataStoreName).toBe('default');
    const md = byKind(objects, 'MachineDeployment')[0] as any;
    expect(md.spec.clusterName).toBe('shop-42');
    expect(md.spec.selector.matchLabels).toEqual(
      md.spec.template.metadata.labels,
    );
    expect(md.spec.selector.matchLabels).toEqual({
      'cluster.x-k8s.io/cluster-name': 'shop-42',
      'cluster.x-k8s.io/deployment-name': 'shop-42-tills',
    });
    expect(md.spec.template.spec.version).toBe('v1.34.2');
    expect(md.spec.template.spec.bootstrap.configRef).toEqual({
      apiGroup: 'bootstrap.cluster.x-k8s.io',
      kind: 'KubeadmConfigTemplate',
      name: 'shop-42-tills',
    });
    expect(md.spec.template.spec.infrastructureRef.name).toBe(
      'island-b-worker',
    );
    for (const o of objects)
      expect(o.metadata.annotations?.['kamaji-backstage.io/task-id']).toBe(
        'task-1',
      );
  });

  it("grants the owner group its workload role and installs the Kubernetes plugin's impersonator through a ClusterResourceSet", () => {
    const objects = renderTenantCluster({
      ...tenant,
      owner: 'group:Default/Team-Retail',
    });
    const [crs] = byKind(objects, 'ClusterResourceSet') as any[];
    expect(crs.spec).toEqual({
      strategy: 'Reconcile',
      clusterSelector: {
        matchLabels: { 'cluster.x-k8s.io/cluster-name': 'shop-42' },
      },
      resources: [{ kind: 'ConfigMap', name: 'shop-42-access' }],
    });
    const [cluster] = byKind(objects, 'Cluster');
    expect(cluster.metadata.labels).toMatchObject(
      crs.spec.clusterSelector.matchLabels,
    );
    const [configMap] = byKind(objects, 'ConfigMap') as any[];
    const manifests = parseAllDocuments(configMap.data['access.yaml']).map(d =>
      d.toJS(),
    );
    expect(manifests).toEqual([
      ownerBindingObject('group:default/team-retail', 'edit'),
      ...impersonatorObjects(),
    ]);
  });

  it('renders a control plane only tenant (no worker pools; edge nodes join later)', () => {
    const kinds = renderTenantCluster({ ...tenant, workerPools: [] }).map(
      o => o.kind,
    );
    expect(kinds).toEqual(
      expect.arrayContaining(['Cluster', 'KamajiControlPlane']),
    );
    expect(kinds).not.toContain('MachineDeployment');
    expect(kinds).not.toContain('KubeadmConfigTemplate');
    expect(() =>
      renderTenantCluster({
        ...tenant,
        workerPools: Array.from({ length: 11 }, (_, i) => ({
          name: `p${i}`,
          replicas: 1,
        })),
      }),
    ).toThrow('- workerPools: must list at most 10 worker pools; got 11');
  });

  it('obeys the v1beta2 schema style: no empty strings, lists or objects', () => {
    for (const input of [
      tenant,
      { ...tenant, addonSets: undefined, site: undefined },
      { ...tenant, island: undefined, name: 'tools' },
    ]) {
      expect(emptyValues(renderTenantCluster(input))).toEqual([]);
    }
  });

  it('hosts the control plane in the management cluster without an island', () => {
    const objects = renderTenantCluster({
      ...tenant,
      island: undefined,
      name: 'tools',
    });
    const [kcp] = byKind(objects, 'KamajiControlPlane') as any[];
    expect(kcp.spec.deployment).toBeUndefined();
    const [cluster] = byKind(objects, 'Cluster');
    expect(cluster.metadata.labels).not.toHaveProperty(
      'kamaji-backstage.io/island',
    );
  });

  it('omits kubeconfigSecretNamespace when the island secret is in the tenant namespace', () => {
    const [, kcp] = renderTenantCluster({
      ...tenant,
      islandNamespace: 'fleet-tenants',
    }) as any[];
    expect(kcp.spec.deployment.externalClusterReference).not.toHaveProperty(
      'kubeconfigSecretNamespace',
    );
  });

  it('uses the island profile from the settings', () => {
    const settings = defaultScaffolderSettings();
    settings.islandProfiles['island-b'] = {
      infrastructureCluster: {
        apiGroup: 'infrastructure.cluster.x-k8s.io',
        kind: 'EdgeCluster',
        version: 'v1alpha1',
        spec: { site: 'berlin' },
      },
      workers: {
        bootstrap: {
          apiGroup: 'bootstrap.cluster.x-k8s.io',
          kind: 'KubeadmConfigTemplate',
          name: 'berlin-join',
        },
        infrastructure: {
          apiGroup: 'infrastructure.cluster.x-k8s.io',
          kind: 'EdgeMachineTemplate',
          name: '{cluster}-{pool}',
        },
      },
      controlPlane: { serviceType: 'NodePort', deploymentNamespace: 'tcp' },
    };
    const objects = renderTenantCluster(tenant, { settings });
    expect(objects.map(o => o.kind)).toEqual([
      'Cluster',
      'KamajiControlPlane',
      'EdgeCluster',
      'MachineDeployment',
      'MachineDeployment',
      'ClusterResourceSet',
      'ConfigMap',
    ]);
    const md = byKind(objects, 'MachineDeployment')[0] as any;
    expect(md.spec.template.spec.bootstrap.configRef.name).toBe('berlin-join');
    expect(md.spec.template.spec.infrastructureRef).toEqual({
      apiGroup: 'infrastructure.cluster.x-k8s.io',
      kind: 'EdgeMachineTemplate',
      name: 'shop-42-tills',
    });
    const [, kcp] = objects as any[];
    expect(kcp.spec.network.serviceType).toBe('NodePort');
    expect(
      kcp.spec.deployment.externalClusterReference.deploymentNamespace,
    ).toBe('tcp');
    expect(byKind(objects, 'EdgeCluster')[0].apiVersion).toBe(
      'infrastructure.cluster.x-k8s.io/v1alpha1',
    );
  });

  it('is pure: the same input renders the same YAML', () => {
    expect(toYaml(renderTenantCluster(tenant))).toBe(
      toYaml(renderTenantCluster(structuredClone(tenant))),
    );
  });

  it('reports every problem at once, naming the field', () => {
    let error: KamajiInputError | undefined;
    try {
      renderTenantCluster({
        ...tenant,
        name: 'Shop_42',
        kubernetesVersion: '1.34',
        podCidr: '10.96.0.0/12',
        workerPools: [
          { name: 'a', replicas: 1 },
          { name: 'a', replicas: 500 },
        ],
      });
    } catch (e) {
      error = e as KamajiInputError;
    }
    expect(error).toBeInstanceOf(KamajiInputError);
    expect(error!.errors.map(e => e.path)).toEqual([
      'name',
      'kubernetesVersion',
      'workerPools[1].replicas',
      'workerPools[1]',
      'serviceCidr',
    ]);
    expect(error!.message).toContain("(try 'shop-42')");
    expect(error!.message).toContain(
      "like 'v1.35.2' ('v', then 1.MINOR.PATCH; no pre-releases); got '1.34'",
    );
  });
});

describe('renderIsland', () => {
  it('renders the island Cluster, its Kamaji ClusterProfile and the namespace ConfigMap', () => {
    const objects = renderIsland({
      name: 'island-c',
      site: 'shop-hamburg',
      owner: 'platform-team',
      kubernetesVersion: 'v1.34.2',
      controlPlaneReplicas: 3,
    });
    expect(objects.map(o => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Cluster/island-c',
      'ConfigMap/island-c-kamaji-resources',
      'ClusterProfile/island-c-kamaji',
    ]);
    const [cluster, configMap, profile] = objects as any[];
    expect(cluster.metadata.labels).toEqual({
      'kamaji-backstage.io/role': 'island',
      'kamaji-backstage.io/site': 'shop-hamburg',
      'kamaji-backstage.io/owner': 'platform-team',
      'addons.kamaji-backstage.io/island-c-kamaji': 'enabled',
    });
    expect(cluster.spec.topology).toEqual({
      classRef: { name: 'edge-island' },
      version: 'v1.34.2',
      controlPlane: { replicas: 3 },
    });
    expect(profile.metadata.namespace).toBeUndefined();
    expect(profile.spec.clusterSelector).toEqual({
      matchLabels: { 'addons.kamaji-backstage.io/island-c-kamaji': 'enabled' },
    });
    expect(profile.spec.helmCharts[0]).toMatchObject({
      chartName: 'clastix/kamaji',
      releaseName: 'kamaji',
      releaseNamespace: 'kamaji-system',
    });
    expect(profile.spec.policyRefs).toEqual([
      {
        kind: 'ConfigMap',
        name: 'island-c-kamaji-resources',
        namespace: 'fleet-islands',
      },
    ]);
    expect(configMap.data['tenant-control-plane-namespace.yaml']).toContain(
      'name: kamaji-tenants',
    );
    expect(emptyValues(objects)).toEqual([]);
  });

  it('rejects an even number of control plane nodes', () => {
    expect(() =>
      renderIsland({
        name: 'island-c',
        site: 'x',
        owner: 'platform-team',
        kubernetesVersion: 'v1.34.2',
        controlPlaneReplicas: 2,
      }),
    ).toThrow(/controlPlaneReplicas: must be 1, 3 or 5/);
  });
});

describe('renderAddonSet', () => {
  const chart = {
    repositoryURL: 'https://kubernetes-sigs.github.io/metrics-server/',
    chartName: 'metrics-server',
    chartVersion: '3.12.2',
  };

  it('renders a ClusterProfile selecting the addon-set label in every namespace', () => {
    const [profile] = renderAddonSet({
      name: 'metrics',
      owner: 'platform-team',
      chart,
    }) as any[];
    expect(profile.kind).toBe('ClusterProfile');
    expect(profile.metadata.namespace).toBeUndefined();
    expect(profile.spec.clusterSelector.matchLabels).toEqual({
      'addons.kamaji-backstage.io/metrics': 'enabled',
    });
    expect(profile.spec.helmCharts[0]).toEqual({
      repositoryURL: chart.repositoryURL,
      repositoryName: 'metrics-server',
      chartName: 'metrics-server/metrics-server',
      chartVersion: '3.12.2',
      releaseName: 'metrics-server',
      releaseNamespace: 'kube-system',
      helmChartAction: 'Install',
    });
    expect(profile.spec.policyRefs).toBeUndefined();
  });

  it('renders a HelmChartProxy with the values as valuesTemplate', () => {
    const [hcp] = renderAddonSet({
      name: 'cilium-next',
      kind: 'HelmChartProxy',
      owner: 'platform-team',
      chart: {
        repositoryURL: 'https://helm.cilium.io/',
        chartName: 'cilium',
        chartVersion: '1.18.1',
        values: 'cluster:\n  name: {{ .Cluster.metadata.name }}\n',
      },
    }) as any[];
    expect(hcp).toMatchObject({
      apiVersion: 'addons.cluster.x-k8s.io/v1alpha1',
      kind: 'HelmChartProxy',
      metadata: { name: 'cilium-next', namespace: 'fleet-tenants' },
      spec: {
        repoURL: 'https://helm.cilium.io/',
        chartName: 'cilium',
        version: '1.18.1',
        namespace: 'kube-system',
        valuesTemplate: 'cluster:\n  name: {{ .Cluster.metadata.name }}\n',
      },
    });
  });

  it('renders a ClusterResourceSet and its ConfigMap', () => {
    const objects = renderAddonSet({
      name: 'baseline',
      kind: 'ClusterResourceSet',
      owner: 'platform-team',
      manifests: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: edge\n',
    }) as any[];
    expect(objects.map(o => o.kind)).toEqual([
      'ClusterResourceSet',
      'ConfigMap',
    ]);
    expect(objects[0].spec).toEqual({
      strategy: 'Reconcile',
      clusterSelector: {
        matchLabels: { 'addons.kamaji-backstage.io/baseline': 'enabled' },
      },
      resources: [{ kind: 'ConfigMap', name: 'baseline-resources' }],
    });
    expect(objects[1].metadata.namespace).toBe('fleet-tenants');
  });

  it.each([
    [{ kind: 'HelmChartProxy' }, 'chart: is required for a HelmChartProxy'],
    [{ kind: 'ClusterResourceSet', chart }, 'manifests: is required'],
    [{}, 'chart: a ClusterProfile needs a chart, manifests, or both'],
    [
      { manifests: 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n' },
      'document 1 is a Secret',
    ],
  ])('rejects %j', (extra, message) => {
    expect(() =>
      renderAddonSet({ name: 'x', owner: 'platform-team', ...extra }),
    ).toThrow(message);
  });
});
