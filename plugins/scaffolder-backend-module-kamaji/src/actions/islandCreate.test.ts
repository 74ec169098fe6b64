import { NotAllowedError } from '@backstage/errors';
import {
  FakeObjectClient,
  actionFailure,
  makeDeps,
  runAction,
} from '../__testUtils__/fakes';
import { createIslandCreateAction } from './islandCreate';

const input = {
  name: 'island-c',
  site: 'shop-hamburg',
  owner: 'group:default/platform-team',
  kubernetesVersion: 'v1.34.2',
  controlPlaneReplicas: 3,
};

const platform = () => makeDeps({ groups: ['group:default/platform-team'] });

describe('kamaji:island:create', () => {
  it('creates the island Cluster, its Kamaji addon set and the namespace ConfigMap', async () => {
    const deps = platform();
    const client = deps.client as FakeObjectClient;
    const { ctx, logger } = await runAction(
      createIslandCreateAction(deps),
      input,
    );
    const [cluster] = client.all('Cluster');
    expect(cluster.metadata.labels).toEqual({
      'kamaji-backstage.io/role': 'island',
      'kamaji-backstage.io/site': 'shop-hamburg',
      'kamaji-backstage.io/owner': 'platform-team',
      'addons.kamaji-backstage.io/island-c-kamaji': 'enabled',
    });
    expect(cluster.metadata.annotations).toEqual({
      'kamaji-backstage.io/requested-by': 'user:default/alice',
      'kamaji-backstage.io/task-id': 'mock-task-id',
    });
    expect(client.all('ClusterProfile').map(o => o.metadata.name)).toEqual([
      'island-c-kamaji',
    ]);
    expect(client.all('ConfigMap').map(o => o.metadata.name)).toEqual([
      'island-c-kamaji-resources',
    ]);
    expect(ctx.output).toHaveBeenCalledWith('addonSet', 'island-c-kamaji');
    expect(ctx.output).toHaveBeenCalledWith(
      'clusterId',
      'central/fleet-islands/island-c',
    );
    // No ClusterClass in the fake management cluster: a warning, not an error.
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(
        'ClusterClass fleet-islands/edge-island was not found in central',
      ),
    );
  });

  it('is idempotent', async () => {
    const deps = platform();
    const client = deps.client as FakeObjectClient;
    await runAction(createIslandCreateAction(deps), input);
    const writes = client.writes.length;
    const { ctx } = await runAction(createIslandCreateAction(deps), input);
    expect(ctx.output).toHaveBeenCalledWith('objects', [
      'unchanged: ConfigMap fleet-islands/island-c-kamaji-resources',
      'unchanged: Cluster fleet-islands/island-c',
      'unchanged: ClusterProfile island-c-kamaji',
    ]);
    expect(client.all('Cluster')[0].metadata.resourceVersion).toBeDefined();
    expect(client.writes.length).toBe(writes + 3);
  });

  it('refuses without the create permission', async () => {
    const deps = makeDeps({ allow: false });
    const e = await actionFailure(createIslandCreateAction(deps), input);
    expect(e).toBeInstanceOf(NotAllowedError);
    expect((deps.client as FakeObjectClient).calls).toEqual([]);
  });

  it('refuses islands for a group the user is not in', async () => {
    const deps = makeDeps({ groups: ['group:default/team-retail'] });
    const e = await actionFailure(createIslandCreateAction(deps), input);
    expect(e).toBeInstanceOf(NotAllowedError);
    expect(e.message).toMatch(/^owner: /);
  });

  it('refuses a name already used by an island in another namespace', async () => {
    const deps = platform();
    const e = await actionFailure(createIslandCreateAction(deps), {
      ...input,
      name: 'island-a',
      namespace: 'fleet-tenants',
    });
    expect(e.message).toContain(
      "name: an island named 'island-a' already exists in namespace fleet-islands",
    );
    expect((deps.client as FakeObjectClient).writes).toEqual([]);
  });

  it.each([
    [
      { name: 'i'.repeat(57) },
      'name: must be a DNS-1123 label',
      'at most 56 characters',
    ],
    [
      { controlPlaneReplicas: 2 },
      'controlPlaneReplicas: must be 1, 3 or 5',
      "etcd's quorum",
    ],
    [{ site: '' }, 'site: must not be empty', 'omit the field'],
    [
      { site: 'shop/hamburg' },
      'site: must be a valid Kubernetes label value',
      'got',
    ],
    [
      { kamajiChartVersion: 'latest' },
      "kamajiChartVersion: must be a chart version like '3.12.2'",
      'got',
    ],
    [
      { clusterClass: 'Edge_Island' },
      'clusterClass: must be a DNS-1123 subdomain',
      'got',
    ],
    [
      { tenantControlPlaneNamespace: 'kamaji tenants' },
      'tenantControlPlaneNamespace: must be a DNS-1123 label',
      'got',
    ],
    [
      { kubernetesVersion: 'v1.29.0' },
      'kubernetesVersion: v1.29.0 is not supported',
      'v1.31 to v1.36',
    ],
    [
      { podCidr: '10.128.0.0/16' },
      'serviceCidr: 10.128.0.0/12 overlaps podCidr 10.128.0.0/16',
      'pick ranges',
    ],
    [
      { namespace: 'islands-west' },
      "namespace: namespace 'islands-west' does not exist in central",
      'pick an existing one',
    ],
  ])('%j', async (change, message, hint) => {
    const deps = platform();
    const e = await actionFailure(createIslandCreateAction(deps), {
      ...input,
      ...change,
    });
    expect(e.message).toContain(message);
    expect(e.message).toContain(hint);
    expect((deps.client as FakeObjectClient).writes).toEqual([]);
  });
});
