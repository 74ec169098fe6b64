import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
} from '@kubernetes/client-node';
import {
  FLEET_KINDS,
  KAMAJI_LABELS,
  KubeKind,
} from '@kamaji-backstage/plugin-kamaji-common';
import { DEFAULT_CLUSTERS, LocalControlPlane } from './LocalControlPlane';
import {
  DEFAULT_FLEET_DIR,
  FleetObjectApi,
  SEED_CONTROLLED_BY_ANNOTATION,
  SEED_FOR_KCP_ANNOTATION,
  TCP_NAME_PLACEHOLDER,
  readManifests,
  seedFleet,
} from './seed';
import type { AnyObject, ManifestObject, SeedResult } from './seed';

jest.setTimeout(300_000);

const {
  Cluster,
  KamajiControlPlane,
  TenantControlPlane,
  DataStore,
  MachineDeployment,
  Machine,
} = FLEET_KINDS;
const ISLANDS = ['island-a', 'island-b'];
/** Tenants with their own API server and workloads under examples/fleet/tenants. */
const TENANTS = ['lyon-press-line'];
const CLUSTERS = ['central', ...ISLANDS, ...TENANTS];

/** Every manifest of the example fleet, with the cluster it belongs to. */
function fleetManifests(): Array<ManifestObject & { cluster: string }> {
  const out: Array<ManifestObject & { cluster: string }> = [];
  const seeded = (o: AnyObject) =>
    !!o.metadata?.annotations?.[SEED_FOR_KCP_ANNOTATION];
  for (const m of readManifests(
    join(DEFAULT_FLEET_DIR, 'central'),
    DEFAULT_FLEET_DIR,
    seeded,
  )) {
    out.push({ ...m, cluster: 'central' });
  }
  for (const island of ISLANDS) {
    for (const m of readManifests(
      join(DEFAULT_FLEET_DIR, 'islands', island),
      DEFAULT_FLEET_DIR,
      seeded,
    )) {
      out.push({ ...m, cluster: island });
    }
  }
  for (const tenant of TENANTS) {
    for (const m of readManifests(
      join(DEFAULT_FLEET_DIR, 'tenants', tenant),
      DEFAULT_FLEET_DIR,
    )) {
      out.push({ ...m, cluster: tenant });
    }
  }
  return out;
}

/** All YAML files under a directory, relative to it. */
function yamlFiles(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap(entry => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return yamlFiles(path, base);
    return /\.ya?ml$/.test(entry) ? [relative(base, path)] : [];
  });
}

/** Asserts that everything in `expected` is in `actual` (extra fields in `actual`, e.g. defaults, are fine). */
function expectContained(actual: any, expected: any, path: string) {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) {
      throw new Error(
        `${path}: expected a list of ${expected.length}, got ${JSON.stringify(
          actual,
        )}`,
      );
    }
    expected.forEach((e, i) => expectContained(actual[i], e, `${path}[${i}]`));
  } else if (expected && typeof expected === 'object') {
    if (!actual || typeof actual !== 'object')
      throw new Error(
        `${path}: expected an object, got ${JSON.stringify(actual)}`,
      );
    for (const [k, v] of Object.entries(expected))
      expectContained(actual[k], v, `${path}.${k}`);
  } else if (actual !== expected) {
    throw new Error(
      `${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(
        actual,
      )}`,
    );
  }
}

describe('seedFleet (examples/fleet into real API servers)', () => {
  let plane: LocalControlPlane;
  let kcs: Record<string, KubeConfig>;
  let objectApis: Record<string, FleetObjectApi>;
  let first: SeedResult;
  let central: CustomObjectsApi;
  const seed = () =>
    seedFleet({
      clusters: kcs,
      islandKubeconfigs: Object.fromEntries(
        ISLANDS.map(i => [i, plane.kubeConfigYaml(i)]),
      ),
      tenantKubeconfigs: Object.fromEntries(
        TENANTS.map(t => [t, plane.kubeConfigYaml(t)]),
      ),
    });

  beforeAll(async () => {
    plane = await LocalControlPlane.start({
      clusters: {
        ...DEFAULT_CLUSTERS,
        ...Object.fromEntries(TENANTS.map(t => [t, []])),
      },
    });
    kcs = Object.fromEntries(CLUSTERS.map(c => [c, plane.kubeConfig(c)]));
    objectApis = Object.fromEntries(
      CLUSTERS.map(c => [c, FleetObjectApi.forConfig(kcs[c])]),
    );
    central = kcs.central.makeApiClient(CustomObjectsApi);
    first = await seed();
  }, 300_000);

  afterAll(async () => {
    await plane?.stop();
  });

  const listClusters = async () =>
    (
      await central.listClusterCustomObject({
        group: Cluster.group,
        version: Cluster.version,
        plural: Cluster.plural,
      })
    ).items as AnyObject[];
  const listKcps = async () =>
    (
      await central.listClusterCustomObject({
        group: KamajiControlPlane.group,
        version: KamajiControlPlane.version,
        plural: KamajiControlPlane.plural,
      })
    ).items as AnyObject[];
  const listTcps = async (cluster: string, namespace: string) =>
    (
      await kcs[cluster]
        .makeApiClient(CustomObjectsApi)
        .listNamespacedCustomObject({
          group: TenantControlPlane.group,
          version: TenantControlPlane.version,
          namespace,
          plural: TenantControlPlane.plural,
        })
    ).items as AnyObject[];

  it('creates every object on the first run and reports counts per cluster', () => {
    expect(Object.keys(first.clusters).sort()).toEqual(CLUSTERS);
    const manifests = fleetManifests();
    for (const cluster of CLUSTERS) {
      const c = first.clusters[cluster];
      // the kubeconfig Secrets of the islands and of the tenants with an API server
      const extra = cluster === 'central' ? ISLANDS.length + TENANTS.length : 0;
      expect(c.objects).toBe(
        manifests.filter(m => m.cluster === cluster).length + extra,
      );
      expect(c.created).toBe(c.objects);
      expect(c.statuses).toBe(
        manifests.filter(
          m =>
            m.cluster === cluster &&
            m.obj.status &&
            m.obj.kind !== 'ClusterResourceSetBinding',
        ).length,
      );
      expect(c.statusesChanged).toBe(c.statuses);
    }
  });

  it('central has 8 Clusters: the 2 islands and 6 tenants, with owner, island and addon-set labels', async () => {
    const clusters = await listClusters();
    expect(clusters).toHaveLength(8);
    const islands = clusters.filter(
      c => c.metadata.labels?.[KAMAJI_LABELS.role] === 'island',
    );
    expect(
      islands.map(c => `${c.metadata.namespace}/${c.metadata.name}`).sort(),
    ).toEqual(['fleet-islands/island-a', 'fleet-islands/island-b']);
    expect(
      islands.map(c => c.metadata.labels[KAMAJI_LABELS.site]).sort(),
    ).toEqual(['factory-lyon', 'shop-berlin']);
    const tenants = clusters.filter(
      c => c.metadata.namespace === 'fleet-tenants',
    );
    expect(tenants).toHaveLength(6);
    const owners = Object.fromEntries(
      tenants.map(t => [
        t.metadata.name,
        t.metadata.labels[KAMAJI_LABELS.owner],
      ]),
    );
    expect(Object.values(owners).sort()).toEqual([
      'platform-team',
      'team-factory',
      'team-factory',
      'team-factory',
      'team-retail',
      'team-retail',
    ]);
    for (const t of tenants) {
      expect(t.spec.controlPlaneRef).toEqual({
        apiGroup: KamajiControlPlane.group,
        kind: 'KamajiControlPlane',
        name: t.metadata.name,
      });
      expect(t.spec.infrastructureRef.apiGroup).toBe(
        'infrastructure.cluster.x-k8s.io',
      );
      expect(t.spec.clusterNetwork.serviceDomain).toBe('cluster.local');
    }
    const selected = tenants.filter(
      t =>
        t.metadata.labels['addons.kamaji-backstage.io/observability'] ===
        'enabled',
    );
    expect(selected).toHaveLength(5);
  });

  it('central has 6 KamajiControlPlanes, 5 of them hosted on an island through its CAPI kubeconfig Secret', async () => {
    const kcps = await listKcps();
    expect(kcps).toHaveLength(6);
    const external = kcps.filter(
      k => k.spec.deployment?.externalClusterReference,
    );
    expect(external).toHaveLength(5);
    const byIsland: Record<string, string[]> = {};
    for (const k of external) {
      const ref = k.spec.deployment.externalClusterReference;
      expect(ref).toMatchObject({
        deploymentNamespace: 'kamaji-tenants',
        kubeconfigSecretKey: 'value',
        kubeconfigSecretNamespace: 'fleet-islands',
      });
      const island = ref.kubeconfigSecretName.replace(/-kubeconfig$/, '');
      (byIsland[island] ??= []).push(k.metadata.name);
    }
    expect(
      Object.fromEntries(
        Object.entries(byIsland).map(([i, n]) => [i, n.sort()]),
      ),
    ).toEqual({
      'island-a': ['lyon-paint-shop', 'lyon-press-line', 'lyon-quality-lab'],
      'island-b': ['berlin-kiosk', 'berlin-pos'],
    });
  });

  it('creates the islands\u2019 CAPI kubeconfig Secrets in fleet-islands with key value', async () => {
    const core = kcs.central.makeApiClient(CoreV1Api);
    for (const island of ISLANDS) {
      const secret = await core.readNamespacedSecret({
        name: `${island}-kubeconfig`,
        namespace: 'fleet-islands',
      });
      expect(secret.type).toBe('cluster.x-k8s.io/secret');
      expect(secret.metadata?.labels?.['cluster.x-k8s.io/cluster-name']).toBe(
        island,
      );
      const yaml = Buffer.from(secret.data!.value, 'base64').toString('utf8');
      const kc = new KubeConfig();
      kc.loadFromString(yaml);
      expect(kc.getCurrentCluster()?.server).toBe(plane.server(island));
    }
  });

  it('names each TenantControlPlane on an island kcp-<uid of its KamajiControlPlane>', async () => {
    const kcps = await listKcps();
    for (const island of ISLANDS) {
      const expected = kcps
        .filter(
          k =>
            k.spec.deployment?.externalClusterReference
              ?.kubeconfigSecretName === `${island}-kubeconfig`,
        )
        .map(k => ({
          name: `kcp-${k.metadata.uid}`,
          cluster: k.metadata.labels['cluster.x-k8s.io/cluster-name'],
          version: k.spec.version,
        }));
      const tcps = await listTcps(island, 'kamaji-tenants');
      const seeded = tcps.filter(t => t.metadata.name.startsWith('kcp-'));
      expect(seeded.map(t => t.metadata.name).sort()).toEqual(
        expected.map(e => e.name).sort(),
      );
      for (const e of expected) {
        const tcp = seeded.find(t => t.metadata.name === e.name)!;
        expect(tcp.metadata.labels['cluster.x-k8s.io/cluster-name']).toBe(
          e.cluster,
        );
        expect(tcp.spec.kubernetes.version).toBe(e.version);
        expect(
          tcp.metadata.annotations?.[SEED_FOR_KCP_ANNOTATION],
        ).toBeUndefined();
        expect(tcp.metadata.ownerReferences).toBeUndefined();
      }
    }
    expect(
      first.tenantControlPlanes['fleet-tenants/lyon-press-line'],
    ).toMatchObject({ cluster: 'island-a', namespace: 'kamaji-tenants' });
  });

  it('keeps the unmanaged TenantControlPlane on island-b: no KamajiControlPlane behind it', async () => {
    const tcps = await listTcps('island-b', 'kamaji-tenants');
    expect(tcps).toHaveLength(3);
    const unmanaged = tcps.filter(t => !t.metadata.name.startsWith('kcp-'));
    expect(unmanaged.map(t => t.metadata.name)).toEqual(['legacy-cameras']);
    const uids = (await listKcps()).map(k => k.metadata.uid);
    expect(uids.map(u => `kcp-${u}`)).not.toContain('legacy-cameras');
    expect(
      unmanaged[0].metadata.labels['cluster.x-k8s.io/cluster-name'],
    ).toBeUndefined();
  });

  it('hosts platform-tools\u2019 TenantControlPlane in central under the KCP\u2019s own name, owned by the KCP', async () => {
    const tcps = await listTcps('central', 'fleet-tenants');
    expect(tcps.map(t => t.metadata.name)).toEqual(['platform-tools']);
    const kcp = (await listKcps()).find(
      k => k.metadata.name === 'platform-tools',
    )!;
    expect(kcp.spec.deployment?.externalClusterReference).toBeUndefined();
    expect(tcps[0].metadata.ownerReferences).toEqual([
      {
        apiVersion: `${KamajiControlPlane.group}/${KamajiControlPlane.version}`,
        kind: 'KamajiControlPlane',
        name: 'platform-tools',
        uid: kcp.metadata.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    for (const island of ISLANDS) {
      expect(
        (await listTcps(island, 'kamaji-tenants')).map(t => t.metadata.name),
      ).not.toContain('platform-tools');
    }
  });

  it('writes the statuses the controllers would: conditions, TCP versions, names derived from the uid', async () => {
    const get = async (
      kind: KubeKind,
      name: string,
      namespace = 'fleet-tenants',
    ) =>
      (await central.getNamespacedCustomObject({
        group: kind.group,
        version: kind.version,
        plural: kind.plural,
        namespace,
        name,
      })) as AnyObject;
    const cond = (o: AnyObject, type: string) =>
      o.status.conditions.find((c: any) => c.type === type);

    const ready = await get(Cluster, 'lyon-press-line');
    expect(ready.status.phase).toBe('Provisioned');
    expect(cond(ready, 'Available')).toMatchObject({
      status: 'True',
      reason: 'Available',
      message: '',
    });
    expect(cond(ready, 'Available').lastTransitionTime).toMatch(/^2026-/);
    expect(ready.status.workers).toMatchObject({
      desiredReplicas: 3,
      readyReplicas: 3,
    });

    const provisioning = await get(Cluster, 'berlin-kiosk');
    expect(provisioning.status.phase).toBe('Provisioning');
    expect(cond(provisioning, 'ControlPlaneInitialized')).toMatchObject({
      status: 'False',
      reason: 'NotInitialized',
    });
    const degraded = await get(Cluster, 'lyon-quality-lab');
    expect(cond(degraded, 'WorkersAvailable')).toMatchObject({
      status: 'False',
      reason: 'NotAvailable',
    });
    expect(cond(degraded, 'WorkersAvailable').message).toContain(
      '2 available replicas, at least 3 required',
    );

    const kcp = await get(KamajiControlPlane, 'lyon-paint-shop');
    expect(kcp.status).toMatchObject({
      ready: true,
      version: 'v1.33.7',
      selector: `kamaji.clastix.io/name=kcp-${kcp.metadata.uid}`,
    });
    const upgrading = (await listTcps('island-a', 'kamaji-tenants')).find(
      t => t.metadata.name === `kcp-${kcp.metadata.uid}`,
    )!;
    expect(upgrading.spec.kubernetes.version).toBe('v1.34.2');
    expect(upgrading.status.kubernetesResources.version).toEqual({
      version: 'v1.33.7',
      status: 'Upgrading',
    });
    expect(upgrading.status.kubeconfig.admin.secretName).toBe(
      `kcp-${kcp.metadata.uid}-admin-kubeconfig`,
    );
    expect(upgrading.status.controlPlaneEndpoint).toBe('10.10.20.12:6443');

    const kiosk = await get(KamajiControlPlane, 'berlin-kiosk');
    expect(kiosk.status).toMatchObject({ ready: false, version: '' });
    const kioskTcp = (await listTcps('island-b', 'kamaji-tenants')).find(
      t => t.metadata.name === `kcp-${kiosk.metadata.uid}`,
    )!;
    expect(kioskTcp.status.kubernetesResources.version.status).toBe(
      'Provisioning',
    );
    expect(kioskTcp.status.controlPlaneEndpoint).toBeUndefined();
    const pending = (
      await central.listNamespacedCustomObject({
        group: Machine.group,
        version: Machine.version,
        plural: Machine.plural,
        namespace: 'fleet-tenants',
        labelSelector: 'cluster.x-k8s.io/cluster-name=berlin-kiosk',
      })
    ).items as AnyObject[];
    expect(pending).toHaveLength(2);
    for (const m of pending) expect(m.status.nodeRef).toBeUndefined();

    const islandB = kcs['island-b'].makeApiClient(CustomObjectsApi);
    const ds = (await islandB.getClusterCustomObject({
      group: DataStore.group,
      version: DataStore.version,
      plural: DataStore.plural,
      name: 'default',
    })) as AnyObject;
    const bTcps = (await listTcps('island-b', 'kamaji-tenants'))
      .map(t => `kamaji-tenants/${t.metadata.name}`)
      .sort();
    expect(ds.status).toEqual({ ready: true, usedBy: bTcps });
  });

  it('accepts every file under examples/fleet: each object reads back with all its fields (nothing pruned)', async () => {
    const manifests = fleetManifests();
    const files = yamlFiles(DEFAULT_FLEET_DIR).sort();
    expect(
      [...new Set(manifests.map(m => m.source.split('#')[0]))].sort(),
    ).toEqual(files);

    const ownerships: Array<{ source: string; got: any; want: any }> = [];
    for (const m of manifests) {
      const api = objectApis[m.cluster];
      const ref: AnyObject = JSON.parse(JSON.stringify(m.obj));
      let tcpName: string | undefined;
      const kcpRef = ref.metadata.annotations?.[SEED_FOR_KCP_ANNOTATION];
      if (kcpRef) {
        const seeded = first.tenantControlPlanes[kcpRef];
        if (seeded?.cluster !== m.cluster) {
          throw new Error(
            `${m.source}: TCP for ${kcpRef} was seeded into ${seeded?.cluster}, expected ${m.cluster}`,
          );
        }
        ref.metadata.name = seeded.name;
        ref.metadata.namespace = seeded.namespace;
        tcpName = seeded.name;
        delete ref.metadata.annotations[SEED_FOR_KCP_ANNOTATION];
      }
      const controlledBy =
        ref.metadata.annotations?.[SEED_CONTROLLED_BY_ANNOTATION];
      if (controlledBy)
        delete ref.metadata.annotations[SEED_CONTROLLED_BY_ANNOTATION];
      const stored = await api.get(ref);
      if (controlledBy) {
        const [ownerKind, ownerName] = controlledBy.split('/');
        const ownerManifest = manifests.find(
          o =>
            o.cluster === m.cluster &&
            o.obj.kind === ownerKind &&
            o.obj.metadata.name === ownerName,
        );
        const owner = ownerManifest && (await api.get(ownerManifest.obj));
        ownerships.push({
          source: m.source,
          got: stored?.metadata.ownerReferences,
          want: [
            {
              apiVersion: owner?.apiVersion,
              kind: ownerKind,
              name: ownerName,
              uid: owner?.metadata.uid,
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        });
      }
      if (!stored)
        throw new Error(
          `${m.source}: ${m.obj.kind} ${ref.metadata.name} was not found in ${m.cluster}`,
        );
      if (m.obj.kind === KamajiControlPlane.kind) {
        tcpName = stored.spec.deployment?.externalClusterReference
          ? `kcp-${stored.metadata.uid}`
          : stored.metadata.name;
      }
      const { apiVersion, kind, metadata, status, ...rest } = ref;
      expectContained(
        stored.metadata.labels ?? {},
        metadata.labels ?? {},
        `${m.source} metadata.labels`,
      );
      if (Object.keys(metadata.annotations ?? {}).length) {
        expectContained(
          stored.metadata.annotations,
          metadata.annotations,
          `${m.source} metadata.annotations`,
        );
      }
      expectContained(stored, rest, m.source);
      if (status) {
        let expected = JSON.parse(
          JSON.stringify(status)
            .split(TCP_NAME_PLACEHOLDER)
            .join(tcpName ?? TCP_NAME_PLACEHOLDER),
        );
        if (kind === DataStore.kind)
          expected = { ...expected, usedBy: stored.status.usedBy };
        expectContained(stored.status, expected, `${m.source} status`);
      }
    }

    // The controller ownerReferences asked for with seed.kamaji-backstage.io/controlled-by.
    expect(ownerships.length).toBe(3);
    for (const o of ownerships) expect(o).toEqual({ ...o, got: o.want });

    // A few typed fields, read back through the typed API, that a pruning schema would lose first.
    const md = (await central.getNamespacedCustomObject({
      group: MachineDeployment.group,
      version: MachineDeployment.version,
      plural: MachineDeployment.plural,
      namespace: 'fleet-tenants',
      name: 'lyon-press-line-vision',
    })) as AnyObject;
    expect(md.spec.template.spec.taints).toEqual([
      {
        key: 'nvidia.com/gpu',
        value: 'present',
        effect: 'NoSchedule',
        propagation: 'Always',
      },
    ]);
    expect(md.spec.rollout.strategy.rollingUpdate).toEqual({
      maxSurge: 1,
      maxUnavailable: 0,
    });
    expect(md.status.versions).toEqual([{ version: 'v1.34.2', replicas: 1 }]);
    const kcp = (await central.getNamespacedCustomObject({
      group: KamajiControlPlane.group,
      version: KamajiControlPlane.version,
      plural: KamajiControlPlane.plural,
      namespace: 'fleet-tenants',
      name: 'berlin-pos',
    })) as AnyObject;
    expect(
      kcp.spec.deployment.externalClusterReference.kubeconfigSecretNamespace,
    ).toBe('fleet-islands');
    expect(kcp.spec.network.certSANs).toEqual([
      'berlin-pos.shop-berlin.edge.example.com',
    ]);
    expect(kcp.status.conditions.map((c: any) => c.type)).toContain(
      'FoundExternalReferenceClient',
    );
    const hcp = (await central.getNamespacedCustomObject({
      group: 'addons.cluster.x-k8s.io',
      version: 'v1alpha1',
      plural: 'helmchartproxies',
      namespace: 'fleet-tenants',
      name: 'cilium',
    })) as AnyObject;
    expect(hcp.spec.valuesTemplate).toContain(
      '{{ .Cluster.spec.controlPlaneEndpoint.host }}',
    );
    expect(hcp.status.matchingClusters).toHaveLength(6);
    const profile = (await central.getClusterCustomObject({
      group: 'config.projectsveltos.io',
      version: 'v1beta1',
      plural: 'clusterprofiles',
      name: 'observability',
    })) as AnyObject;
    expect(
      profile.spec.helmCharts.map(
        (h: any) => `${h.chartName}@${h.chartVersion}`,
      ),
    ).toEqual([
      'prometheus-community/prometheus-node-exporter@4.47.0',
      'prometheus-community/kube-state-metrics@6.1.0',
    ]);
    expect(
      profile.status.matchingClusters.map((c: any) => c.name).sort(),
    ).toEqual([
      'berlin-pos',
      'lyon-paint-shop',
      'lyon-press-line',
      'lyon-quality-lab',
      'platform-tools',
    ]);
  });

  it("seeds a tenant's workloads into its own API server and its CAPI kubeconfig Secret into central", async () => {
    const secret = await objectApis.central.get({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'lyon-press-line-kubeconfig',
        namespace: 'fleet-tenants',
      },
    });
    expect(secret?.type).toBe('cluster.x-k8s.io/secret');
    expect(secret?.metadata.labels).toMatchObject({
      'cluster.x-k8s.io/cluster-name': 'lyon-press-line',
    });
    const kc = new KubeConfig();
    kc.loadFromString(Buffer.from(secret!.data.value, 'base64').toString());
    expect(kc.getCurrentCluster()?.server).toBe(
      plane.server('lyon-press-line'),
    );

    const pods = await kcs['lyon-press-line']
      .makeApiClient(CoreV1Api)
      .listNamespacedPod({
        namespace: 'press-line',
        labelSelector: 'backstage.io/kubernetes-id=press-line-vision',
      });
    expect(pods.items).toHaveLength(2);
    for (const pod of pods.items) {
      expect(pod.status?.phase).toBe('Running');
      expect(pod.status?.containerStatuses?.every(c => c.ready)).toBe(true);
      expect(pod.metadata?.ownerReferences?.[0]).toMatchObject({
        kind: 'ReplicaSet',
        name: 'press-line-vision-6b7f9c8d4f',
      });
    }
    // The tenant's objects went to its own API server, not to central.
    expect(
      await objectApis.central.get({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'press-line' },
      }),
    ).toBeUndefined();
  });

  it("skips a tenant's workloads when it has no API server", async () => {
    const lines: string[] = [];
    const withoutTenant = await seedFleet({
      clusters: Object.fromEntries(
        Object.entries(kcs).filter(([c]) => !TENANTS.includes(c)),
      ),
      islandKubeconfigs: Object.fromEntries(
        ISLANDS.map(i => [i, plane.kubeConfigYaml(i)]),
      ),
      log: line => lines.push(line),
    });
    expect(Object.keys(withoutTenant.clusters).sort()).toEqual([
      'central',
      ...ISLANDS,
    ]);
    expect(lines).toContain(
      'tenant lyon-press-line: no API server given, its workloads (tenants/lyon-press-line) and Secret are not seeded',
    );
  });

  it('is idempotent: a second run succeeds and changes no resourceVersion', async () => {
    const manifests = fleetManifests();
    const snapshot = async () => {
      const rvs: Record<string, string> = {};
      for (const cluster of CLUSTERS) {
        const kinds = new Map<string, [string, string]>();
        for (const m of manifests.filter(x => x.cluster === cluster))
          kinds.set(`${m.obj.apiVersion}/${m.obj.kind}`, [
            m.obj.apiVersion,
            m.obj.kind,
          ]);
        if (cluster === 'central') kinds.set('v1/Secret', ['v1', 'Secret']);
        for (const [apiVersion, kind] of kinds.values()) {
          for (const o of await objectApis[cluster].listAll(apiVersion, kind)) {
            rvs[
              `${cluster}/${kind}/${o.metadata.namespace ?? ''}/${
                o.metadata.name
              }`
            ] = o.metadata.resourceVersion;
          }
        }
      }
      return rvs;
    };
    const before = await snapshot();
    expect(Object.keys(before).length).toBeGreaterThan(80);
    // Let the clock move to the next second, so a write would show up in managedFields timestamps too.
    await new Promise(r => setTimeout(r, 1100));
    const second = await seed();
    for (const cluster of CLUSTERS) {
      expect(second.clusters[cluster]).toMatchObject({
        created: 0,
        updated: 0,
        statusesChanged: 0,
        deleted: 0,
      });
      expect(second.clusters[cluster].unchanged).toBe(
        first.clusters[cluster].objects,
      );
    }
    expect(second.tenantControlPlanes).toEqual(first.tenantControlPlanes);
    expect(await snapshot()).toEqual(before);
  });
});
