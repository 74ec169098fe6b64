import { Entity } from '@backstage/catalog-model';
import { ClusterDetails } from '@backstage/plugin-kubernetes-node';
import { KamajiServiceLocator } from './KamajiServiceLocator';

const cluster = (name: string): ClusterDetails => ({
  name,
  url: `https://${name.replace(/\//g, '-')}.example.com`,
  authMetadata: {},
});
const supplied = [
  cluster('central/fleet-islands/island-a'),
  cluster('central/fleet-tenants/lyon-press-line'),
];
const entity = (annotations: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name: 'x', annotations },
  spec: {},
});
const context = { objectTypesToFetch: new Set(), customResources: [] } as any;

describe('KamajiServiceLocator', () => {
  const configured = {
    getClustersByEntity: jest.fn(async () => ({ clusters: supplied })),
  };
  const locator = new KamajiServiceLocator(configured, {
    getClusters: async () => supplied,
  });

  it("looks up a fleet cluster's entity in that cluster only", async () => {
    const got = await locator.getClustersByEntity(
      entity({
        'kamaji-backstage.io/cluster-id':
          'central/fleet-tenants/lyon-press-line',
      }),
      context,
    );
    expect(got.clusters.map(c => c.name)).toEqual([
      'central/fleet-tenants/lyon-press-line',
    ]);
    expect(configured.getClustersByEntity).not.toHaveBeenCalled();
  });

  it('gives nothing for a fleet cluster the Kubernetes plugin is not offered (e.g. disconnected)', async () => {
    const got = await locator.getClustersByEntity(
      entity({
        'kamaji-backstage.io/cluster-id': 'central/fleet-tenants/gone',
      }),
      context,
    );
    expect(got.clusters).toEqual([]);
  });

  it('leaves every other entity to the configured locator', async () => {
    const other = entity({ 'backstage.io/kubernetes-id': 'shop' });
    const got = await locator.getClustersByEntity(other, context);
    expect(got.clusters).toBe(supplied);
    expect(configured.getClustersByEntity).toHaveBeenCalledWith(other, context);
  });
});
