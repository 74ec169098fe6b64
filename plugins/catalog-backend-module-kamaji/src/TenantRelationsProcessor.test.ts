import { Entity } from '@backstage/catalog-model';
import { TenantRelationsProcessor } from './TenantRelationsProcessor';

const entity = (role: string, annotations: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'central--fleet-tenants--shop-0001',
    namespace: 'default',
    labels: { 'kamaji-backstage.io/role': role },
    annotations: {
      'kamaji-backstage.io/cluster-id': 'central/fleet-tenants/shop-0001',
      ...annotations,
    },
  },
  spec: { type: 'kubernetes-cluster', owner: 'group:default/team-retail' },
});

async function emitted(e: Entity) {
  const results: any[] = [];
  await new TenantRelationsProcessor().postProcessEntity(e, {}, r =>
    results.push(r),
  );
  return results;
}

describe('TenantRelationsProcessor', () => {
  it("relates a tenant to its host and system, one way: nothing lands on the host's or the system's entity", async () => {
    const results = await emitted(
      entity('tenant', {
        'kamaji-backstage.io/depends-on':
          'resource:default/central--fleet-islands--island-a',
        'kamaji-backstage.io/part-of': 'system:default/kamaji-fleet',
      }),
    );
    const tenant = {
      kind: 'Resource',
      namespace: 'default',
      name: 'central--fleet-tenants--shop-0001',
    };
    expect(results).toEqual([
      {
        type: 'relation',
        relation: {
          source: tenant,
          type: 'dependsOn',
          target: {
            kind: 'resource',
            namespace: 'default',
            name: 'central--fleet-islands--island-a',
          },
        },
      },
      {
        type: 'relation',
        relation: {
          source: tenant,
          type: 'partOf',
          target: {
            kind: 'system',
            namespace: 'default',
            name: 'kamaji-fleet',
          },
        },
      },
    ]);
  });

  it('leaves entities that are no fleet tenant alone', async () => {
    const annotations = {
      'kamaji-backstage.io/depends-on': 'resource:default/x',
    };
    expect(await emitted(entity('island', annotations))).toEqual([]);
    const foreign = entity('tenant', annotations);
    delete foreign.metadata.annotations!['kamaji-backstage.io/cluster-id'];
    expect(await emitted(foreign)).toEqual([]);
  });
});
