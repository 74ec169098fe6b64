import { mockServices } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { NotAllowedError } from '@backstage/errors';
import { KubeApiError } from '../kube/ObjectClient';
import {
  FakeObjectClient,
  demoSnapshot,
  makeDeps,
} from '../__testUtils__/fakes';
import { createTenantCreateAction } from './tenantCreate';

const input = {
  name: 'shop-42',
  island: 'island-a',
  kubernetesVersion: 'v1.34.2',
  controlPlaneReplicas: 2,
  dataStore: 'default',
  workerPools: [{ name: 'edge', replicas: 2 }],
  addonSets: ['observability'],
  owner: 'group:default/team-retail',
};

async function run(
  deps: ReturnType<typeof makeDeps>,
  values: Record<string, unknown> = input,
  extra: Partial<Parameters<typeof createMockActionContext>[0]> = {},
) {
  const logger = mockServices.logger.mock();
  const { isDryRun, ...known } = extra;
  const ctx = createMockActionContext({
    input: values as any,
    logger,
    user: { ref: 'user:default/alice' },
    ...known,
  });
  // createMockActionContext does not pass isDryRun through.
  if (isDryRun) ctx.isDryRun = true;
  await createTenantCreateAction(deps).handler(ctx);
  return { ctx, logger };
}

async function failure(
  deps: ReturnType<typeof makeDeps>,
  values: Record<string, unknown>,
  extra: Partial<Parameters<typeof createMockActionContext>[0]> = {},
): Promise<Error> {
  try {
    await run(deps, values, extra);
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the action to fail');
}

describe('kamaji:tenant:create', () => {
  it('creates the tenant after a dry run of every object, all in one go', async () => {
    const deps = makeDeps();
    const client = deps.client as FakeObjectClient;
    const { ctx } = await run(deps);

    const cluster = client.all('Cluster')[0];
    expect(cluster.metadata).toMatchObject({
      name: 'shop-42',
      namespace: 'fleet-tenants',
      labels: {
        'kamaji-backstage.io/owner': 'team-retail',
        'kamaji-backstage.io/island': 'island-a',
        'kamaji-backstage.io/site': 'factory-lyon',
        'addons.kamaji-backstage.io/observability': 'enabled',
      },
      annotations: {
        'kamaji-backstage.io/requested-by': 'user:default/alice',
        'kamaji-backstage.io/task-id': 'mock-task-id',
      },
    });
    expect(client.all('KamajiControlPlane')).toHaveLength(1);
    expect(client.all('MachineDeployment')).toHaveLength(1);
    expect(client.all('KubeadmConfigTemplate')).toHaveLength(1);

    // Every object is dry-run before the first real write; the Cluster is written last but for
    // its access ClusterResourceSet (addon objects come after the Cluster).
    const applies = client.calls.filter(c => c.op === 'apply');
    const firstWrite = applies.findIndex(c => !c.dryRun);
    expect(applies.slice(0, firstWrite).every(c => c.dryRun)).toBe(true);
    expect(firstWrite).toBe(6);
    expect(applies.slice(-2)).toMatchObject([
      { kind: 'Cluster', dryRun: false },
      { kind: 'ClusterResourceSet', dryRun: false },
    ]);

    expect(ctx.output).toHaveBeenCalledWith(
      'clusterId',
      'central/fleet-tenants/shop-42',
    );
    expect(ctx.output).toHaveBeenCalledWith('objects', [
      'created: ConfigMap fleet-tenants/shop-42-access',
      'created: KubeadmConfigTemplate fleet-tenants/shop-42-edge',
      'created: KamajiControlPlane fleet-tenants/shop-42',
      'created: MachineDeployment fleet-tenants/shop-42-edge',
      'created: Cluster fleet-tenants/shop-42',
      'created: ClusterResourceSet fleet-tenants/shop-42-access',
    ]);
  });

  it('changes nothing when re-run with the same input, even by another task', async () => {
    const deps = makeDeps();
    const client = deps.client as FakeObjectClient;
    await run(deps);
    const before = new Map(
      [...client.objects].map(([k, o]) => [k, o.metadata.resourceVersion]),
    );
    const { ctx } = await run(deps, input, {
      task: { id: 'second-task' },
    } as any);
    const after = new Map(
      [...client.objects].map(([k, o]) => [k, o.metadata.resourceVersion]),
    );
    expect(after).toEqual(before);
    expect(ctx.output).toHaveBeenCalledWith(
      'objects',
      expect.arrayContaining(['unchanged: Cluster fleet-tenants/shop-42']),
    );
    expect(
      client.all('Cluster')[0].metadata.annotations?.[
        'kamaji-backstage.io/task-id'
      ],
    ).toBe('mock-task-id');
  });

  it('writes nothing in a template dry run', async () => {
    const deps = makeDeps();
    const client = deps.client as FakeObjectClient;
    const { ctx } = await run(deps, input, { isDryRun: true });
    expect(client.writes).toEqual([]);
    expect(client.calls.some(c => c.op === 'apply' && c.dryRun)).toBe(true);
    expect(ctx.output).toHaveBeenCalledWith(
      'objects',
      expect.arrayContaining(['created: Cluster fleet-tenants/shop-42']),
    );
  });

  it('refuses without the create permission, before reading anything', async () => {
    const deps = makeDeps({ allow: false });
    const client = deps.client as FakeObjectClient;
    const e = await failure(deps, input);
    expect(e).toBeInstanceOf(NotAllowedError);
    expect(e.message).toMatch(/kamaji\.cluster\.create/);
    expect(client.calls).toEqual([]);
  });

  it('only lets users create clusters for their own groups', async () => {
    const deps = makeDeps({ groups: ['group:default/team-factory'] });
    const e = await failure(deps, input);
    expect(e).toBeInstanceOf(NotAllowedError);
    expect(e.message).toMatch(
      /^owner: you may only create clusters owned by one of your own groups \(group:default\/team-factory\)/,
    );
    expect((deps.client as FakeObjectClient).writes).toEqual([]);
  });

  it('lets fleet admins create clusters for any group', async () => {
    const deps = makeDeps({ groups: ['group:default/platform-team'] });
    await run(deps);
    expect((deps.client as FakeObjectClient).all('Cluster')).toHaveLength(1);
  });

  it('warns, and still declares the cluster, when the island is disconnected', async () => {
    const deps = makeDeps();
    const { logger } = await run(deps, { ...input, island: 'island-b' });
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(
        /^Island island-b is disconnected \(since 2026-11-25T07:12:00Z: dial tcp/,
      ),
    );
    expect((deps.client as FakeObjectClient).all('Cluster')).toHaveLength(1);
  });

  it('checks the data store in the management cluster for centrally hosted control planes', async () => {
    const deps = makeDeps();
    const { island, ...central } = input;
    await run(deps, { ...central, name: 'tools' });
    const kcp = (deps.client as FakeObjectClient).all(
      'KamajiControlPlane',
    )[0] as any;
    expect(kcp.spec.deployment).toBeUndefined();

    const e = await failure(makeDeps(), {
      ...central,
      name: 'tools',
      dataStore: 'pg',
    });
    expect(e.message).toContain(
      "dataStore: the management cluster central has no DataStore 'pg': pick one of default",
    );

    const noKamaji = FakeObjectClient.withFleetBasics();
    noKamaji.notServed.add('DataStore');
    const e2 = await failure(makeDeps({ client: noKamaji }), {
      ...central,
      name: 'tools',
    });
    expect(e2.message).toContain(
      'island: is required: Kamaji is not installed in the management cluster central',
    );
  });

  describe('two management clusters with an island of the same name', () => {
    /** central and west each declare an island-a; west's has its own data store. */
    function twoIslandsA() {
      const snapshot = demoSnapshot();
      const [central] = snapshot.managementClusters;
      const [islandA] = snapshot.islands;
      snapshot.managementClusters.push({
        ...central,
        id: 'west',
        name: 'west',
        managementCluster: 'west',
        islandIds: ['west/fleet-islands/island-a'],
      });
      snapshot.islands.push({
        ...islandA,
        id: 'west/fleet-islands/island-a',
        managementCluster: 'west',
        site: 'factory-porto',
        dataStores: [
          { name: 'west-store', driver: 'etcd', ready: true, usedBy: [] },
        ],
      });
      return makeDeps({ snapshot });
    }

    it('creates the tenant on the island its id names', async () => {
      const deps = twoIslandsA();
      const { ctx } = await run(deps, {
        ...input,
        island: 'west/fleet-islands/island-a',
        dataStore: 'west-store',
        addonSets: [], // the addon sets of the input are central's
      });
      const cluster = (deps.client as FakeObjectClient).all('Cluster')[0];
      expect(cluster.metadata.labels).toMatchObject({
        'kamaji-backstage.io/island': 'island-a',
        'kamaji-backstage.io/site': 'factory-porto',
      });
      expect(ctx.output).toHaveBeenCalledWith('managementCluster', 'west');
    });

    it.each([
      [
        { island: 'central/fleet-islands/island-a', dataStore: 'west-store' },
        "dataStore: island island-a has no DataStore 'west-store': pick one of default",
      ],
      [
        { island: 'island-a' },
        'managementCluster: is required when several management clusters are configured: pick one of central, west',
      ],
      [
        { island: 'west/fleet-islands/island-a', managementCluster: 'central' },
        "managementCluster: is 'central' but the island west/fleet-islands/island-a is in 'west'",
      ],
    ])('keeps them apart: %j', async (change, message) => {
      const deps = twoIslandsA();
      const e = await failure(deps, { ...input, ...change });
      expect(e.message).toContain(message);
      expect((deps.client as FakeObjectClient).writes).toEqual([]);
    });
  });

  describe('checks against the fleet, the catalog and the cluster (nothing is written)', () => {
    it.each([
      [
        { island: 'island-z' },
        "island: no island 'island-z' in management cluster central: pick one of island-a (fleet-islands), island-b (fleet-islands)",
      ],
      [
        { islandNamespace: 'elsewhere' },
        "islandNamespace: no island 'island-a' in namespace 'elsewhere'",
      ],
      [
        { dataStore: 'mysql-1' },
        "dataStore: island island-a has no DataStore 'mysql-1': pick one of default",
      ],
      [
        { namespace: 'team-sandbox' },
        "namespace: namespace 'team-sandbox' does not exist in central",
      ],
      [
        { managementCluster: 'west' },
        "managementCluster: no management cluster named 'west': pick one of central",
      ],
      [
        { owner: 'group:default/team-ghost' },
        "owner: there is no group 'group:default/team-ghost' in the catalog",
      ],
      [{ owner: 'user:default/alice' }, 'owner: must be a group, not a user'],
    ])('%j', async (change, message) => {
      const deps = makeDeps({ groups: ['group:default/platform-team'] });
      const e = await failure(deps, { ...input, ...change });
      expect(e.message).toContain(message);
      expect((deps.client as FakeObjectClient).writes).toEqual([]);
    });

    it('refuses to take over a cluster of another group', async () => {
      const client = FakeObjectClient.withFleetBasics();
      client.seed(
        {
          apiVersion: 'cluster.x-k8s.io/v1beta2',
          kind: 'Cluster',
          metadata: {
            name: 'shop-42',
            namespace: 'fleet-tenants',
            labels: { 'kamaji-backstage.io/owner': 'team-factory' },
          },
        },
        'kamaji-backstage',
      );
      const e = await failure(makeDeps({ client }), input);
      expect(e.message).toContain(
        "Cluster fleet-tenants/shop-42 already exists and belongs to another group than 'team-retail': pick another name",
      );
      expect(e.message).not.toContain('team-factory');
      expect(client.writes).toEqual([]);
    });

    it('refuses to touch objects made outside Backstage', async () => {
      const client = FakeObjectClient.withFleetBasics();
      client.seed({
        apiVersion: 'cluster.x-k8s.io/v1beta2',
        kind: 'MachineDeployment',
        metadata: { name: 'shop-42-edge', namespace: 'fleet-tenants' },
      });
      const e = await failure(makeDeps({ client }), input);
      expect(e.message).toContain(
        'MachineDeployment fleet-tenants/shop-42-edge already exists and was not created through Backstage',
      );
      expect(client.writes).toEqual([]);
    });

    it.each([
      [
        'v1.33.9',
        'kubernetesVersion: v1.33.9 is older than v1.34.2, the version the existing cluster declares: Kubernetes cannot be downgraded',
      ],
      [
        'v1.36.0',
        'kubernetesVersion: the existing cluster declares v1.34.2; upgrade one minor version at a time (v1.35 next)',
      ],
    ])(
      'rejects %s for an existing v1.34.2 cluster',
      async (version, message) => {
        const deps = makeDeps();
        const client = deps.client as FakeObjectClient;
        await run(deps);
        const writes = client.writes.length;
        const e = await failure(deps, { ...input, kubernetesVersion: version });
        expect(e.message).toContain(message);
        expect(client.writes.length).toBe(writes);
      },
    );

    it('upgrades an existing cluster by one minor version', async () => {
      const deps = makeDeps();
      const client = deps.client as FakeObjectClient;
      await run(deps);
      await run(deps, { ...input, kubernetesVersion: 'v1.35.1' });
      expect((client.all('KamajiControlPlane')[0] as any).spec.version).toBe(
        'v1.35.1',
      );
    });
  });

  it('reports every object the dry run rejects, and writes nothing', async () => {
    const deps = makeDeps();
    const client = deps.client as FakeObjectClient;
    client.failWith = call =>
      call.op === 'apply' && call.dryRun && call.kind === 'KamajiControlPlane'
        ? KubeApiError.fromStatus('PATCH', 422, {
            reason: 'Invalid',
            message:
              'KamajiControlPlane.controlplane.cluster.x-k8s.io "shop-42" is invalid: spec.network.serviceType: Unsupported value',
          })
        : undefined;
    const e = await failure(deps, input);
    expect(e.message).toContain(
      'The management cluster rejected the request in a dry run; nothing was written:\n- KamajiControlPlane fleet-tenants/shop-42: the API server rejected it (422 Invalid)',
    );
    expect(client.writes).toEqual([]);
  });

  it('rolls back what it created when a write fails (all or nothing)', async () => {
    const deps = makeDeps();
    const client = deps.client as FakeObjectClient;
    client.failWith = call =>
      call.op === 'apply' && !call.dryRun && call.kind === 'MachineDeployment'
        ? KubeApiError.fromStatus('PATCH', 500, {
            reason: 'InternalError',
            message: 'etcdserver: request timed out',
          })
        : undefined;
    const e = await failure(deps, input);
    expect(e.message).toContain(
      'Creating the objects failed at MachineDeployment fleet-tenants/shop-42-edge: MachineDeployment fleet-tenants/shop-42-edge: the API server rejected it (500 InternalError): etcdserver: request timed out',
    );
    expect(e.message).toContain(
      'Rolled back: deleted what this run had created (KamajiControlPlane fleet-tenants/shop-42, KubeadmConfigTemplate fleet-tenants/shop-42-edge, ConfigMap fleet-tenants/shop-42-access).',
    );
    for (const kind of [
      'Cluster',
      'KamajiControlPlane',
      'MachineDeployment',
      'KubeadmConfigTemplate',
    ])
      expect(client.all(kind)).toEqual([]);
  });

  it('explains server-side apply conflicts with other field managers', async () => {
    const deps = makeDeps();
    const client = deps.client as FakeObjectClient;
    client.failWith = call =>
      call.op === 'apply' && call.kind === 'MachineDeployment'
        ? KubeApiError.fromStatus('PATCH', 409, {
            reason: 'Conflict',
            message: 'Apply failed with 1 conflict',
            details: {
              causes: [
                {
                  reason: 'FieldManagerConflict',
                  field: '.spec.replicas',
                  message:
                    'conflict with "kubectl-edit" using cluster.x-k8s.io/v1beta2',
                },
              ],
            },
          })
        : undefined;
    const e = await failure(deps, input);
    expect(e.message).toContain(
      'MachineDeployment fleet-tenants/shop-42-edge: conflicts with changes made outside Backstage: .spec.replicas (set by "kubectl-edit" using cluster.x-k8s.io/v1beta2)',
    );
  });

  it('says so when the management cluster cannot be reached', async () => {
    const deps = makeDeps();
    (deps.client as FakeObjectClient).failWith = () =>
      new KubeApiError(
        'network',
        'GET /apis/cluster.x-k8s.io/v1beta2: ECONNREFUSED',
      );
    const e = await failure(deps, input);
    expect(e.message).toContain(
      'Could not read the management cluster central',
    );
    expect(e.message).toContain('ECONNREFUSED');
  });

  describe('validates every input rule before touching the cluster', () => {
    const cases: Array<[string, Record<string, unknown>, string]> = [
      [
        'name: DNS-1123 label',
        { name: 'Shop_42' },
        "name: must be a DNS-1123 label (lowercase letters, digits, '-'; starting and ending with a letter or digit), at most 63 characters (it names the Cluster, whose name must also be a valid label value); got 'Shop_42' (try 'shop-42')",
      ],
      [
        'name: at most 63 characters',
        { name: 'a'.repeat(64) },
        '(64 characters)',
      ],
      [
        'name: starts with a letter without island',
        { name: '42-shop', island: undefined },
        'starting with a letter',
      ],
      [
        'namespace',
        { namespace: 'Fleet Tenants' },
        'namespace: must be a DNS-1123 label',
      ],
      ['island', { island: 'Island A' }, 'island: must be a DNS-1123 label'],
      [
        'island empty',
        { island: '' },
        'island: must not be empty: give an island name, or omit the field to host the control plane in the management cluster',
      ],
      [
        'islandNamespace without island',
        { island: undefined, islandNamespace: 'fleet-islands' },
        'islandNamespace: is only used together with island',
      ],
      [
        'site',
        { site: 'shop berlin' },
        'site: must be a valid Kubernetes label value',
      ],
      [
        'version format',
        { kubernetesVersion: 'latest' },
        "kubernetesVersion: must be a Kubernetes version like 'v1.35.2'",
      ],
      [
        'version too old',
        { kubernetesVersion: 'v1.30.14' },
        'kubernetesVersion: v1.30.14 is not supported: pick a version from v1.31 to v1.36',
      ],
      [
        'version too new',
        { kubernetesVersion: 'v1.37.0' },
        'kubernetesVersion: v1.37.0 is not supported',
      ],
      [
        'control plane replicas low',
        { controlPlaneReplicas: 0 },
        'controlPlaneReplicas: must be between 1 and 5 (control plane pods); got 0',
      ],
      [
        'control plane replicas high',
        { controlPlaneReplicas: 9 },
        'controlPlaneReplicas: must be between 1 and 5',
      ],
      [
        'control plane replicas fraction',
        { controlPlaneReplicas: 1.5 },
        'controlPlaneReplicas: must be a whole number; got 1.5',
      ],
      [
        'dataStore',
        { dataStore: 'My Store' },
        'dataStore: must be a DNS-1123 subdomain',
      ],
      [
        'too many worker pools',
        {
          workerPools: Array.from({ length: 11 }, (_, i) => ({
            name: `p${i}`,
            replicas: 1,
          })),
        },
        'workerPools: must list at most 10 worker pools; got 11',
      ],
      [
        'pool name',
        { workerPools: [{ name: 'GPU', replicas: 1 }] },
        'workerPools[0].name: must be a DNS-1123 label',
      ],
      [
        'pool replicas negative',
        { workerPools: [{ name: 'edge', replicas: -1 }] },
        'workerPools[0].replicas: must be between 0 and 100 (worker machines per pool); got -1',
      ],
      [
        'pool replicas too many',
        { workerPools: [{ name: 'edge', replicas: 101 }] },
        'workerPools[0].replicas: must be between 0 and 100',
      ],
      [
        'pool duplicate',
        {
          workerPools: [
            { name: 'edge', replicas: 1 },
            { name: 'edge', replicas: 1 },
          ],
        },
        "workerPools[1]: pool name 'edge' appears more than once",
      ],
      [
        'MachineDeployment name length',
        {
          name: 'a'.repeat(40),
          workerPools: [{ name: 'b'.repeat(30), replicas: 1 }],
        },
        'workerPools[0].name: the MachineDeployment name ' +
          "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-bbbbbbb…' (71 characters) is longer than the 63 characters CAPI allows",
      ],
      [
        'addon set name',
        { addonSets: ['Observability'] },
        'addonSets[0]: must be a DNS-1123 label',
      ],
      [
        'addon set duplicate',
        { addonSets: ['cilium', 'cilium'] },
        "addonSets[1]: addon set 'cilium' appears more than once",
      ],
      [
        'owner format',
        { owner: 'group:default/team retail' },
        "owner: give a catalog group as 'group:default/team-retail' or just 'team-retail'",
      ],
      [
        'pod CIDR parse',
        { podCidr: '10.244.0.0' },
        "podCidr: must be a CIDR block like '10.244.0.0/16'",
      ],
      [
        'pod CIDR host bits',
        { podCidr: '10.244.1.0/16' },
        "podCidr: '10.244.1.0/16' has bits set after the /16 prefix: did you mean '10.244.0.0/16'?",
      ],
      [
        'pod CIDR size',
        { podCidr: '10.244.0.0/28' },
        'podCidr: a pod CIDR for IPv4 must have a prefix from /8 to /24; got /28',
      ],
      [
        'service CIDR too large',
        { serviceCidr: '10.0.0.0/8' },
        'serviceCidr: a service CIDR for IPv4 must have a prefix from /12 to /28; got /8',
      ],
      [
        'CIDR overlap',
        { podCidr: '10.96.0.0/12', serviceCidr: '10.96.0.0/16' },
        'serviceCidr: 10.96.0.0/16 overlaps podCidr 10.96.0.0/12',
      ],
      [
        'CIDR family mix',
        { podCidr: 'fd00:10:244::/56', serviceCidr: '10.96.0.0/16' },
        'serviceCidr: is IPv4 but podCidr is IPv6: use one IP family for both',
      ],
      [
        'service domain without dot',
        { serviceDomain: 'local' },
        "serviceDomain: must contain a dot (Kamaji requires it), e.g. 'cluster.local'",
      ],
      ['unknown field', { replicas: 3 }, 'replicas: is not a known field'],
      [
        'wrong type',
        { workerPools: 'edge' },
        'workerPools: must be a list; got the text',
      ],
      [
        'missing field',
        { owner: undefined },
        'owner: is required: give a text value',
      ],
    ];
    it.each(cases)('%s', async (_rule, change, message) => {
      const deps = makeDeps();
      const e = await failure(deps, { ...input, ...change });
      expect(e.message).toContain(message);
      expect((deps.client as FakeObjectClient).calls).toEqual([]);
    });
  });

  it('refuses an addon set that does not exist, naming addonSets, and writes nothing', async () => {
    const deps = makeDeps();
    const e = await failure(deps, {
      ...input,
      addonSets: ['observability', 'ghost'],
    });
    expect(e.message).toContain(
      "addonSets[1]: there is no addon set 'ghost' in management cluster central: pick one of cilium, observability, or create it first (kamaji:addonset:create)",
    );
    expect((deps.client as FakeObjectClient).writes).toEqual([]);
  });

  it('creates a control plane only tenant, without worker pools', async () => {
    const deps = makeDeps();
    const client = deps.client as FakeObjectClient;
    await run(deps, { ...input, workerPools: [] });
    expect(client.all('Cluster')).toHaveLength(1);
    expect(client.all('KamajiControlPlane')).toHaveLength(1);
    expect(client.all('MachineDeployment')).toEqual([]);
  });
});
