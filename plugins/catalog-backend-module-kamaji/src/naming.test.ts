import {
  DefaultNamespaceEntityPolicy,
  FieldFormatEntityPolicy,
  makeValidator,
} from '@backstage/catalog-model';
import {
  clusterId,
  unmanagedTenantId,
} from '@kamaji-backstage/plugin-kamaji-common';
import { clusterEntityName, isValidEntityName } from './naming';

const validator = makeValidator();

describe('clusterEntityName', () => {
  it('joins the parts of short ids with --', () => {
    expect(clusterEntityName('central')).toBe('central');
    expect(clusterEntityName('central/fleet-tenants/shop-1')).toBe(
      'central--fleet-tenants--shop-1',
    );
    expect(
      clusterEntityName(
        unmanagedTenantId('central/fleet-islands/island-b', {
          namespace: 'kamaji-tenants',
          name: 'cams',
        }),
      ),
    ).toBe('central--fleet-islands--island-b--tcp--kamaji-tenants--cams');
  });

  const tricky = [
    // long
    clusterId({
      managementCluster: 'central',
      namespace: 'fleet-tenants',
      name: `factory-${'x'.repeat(80)}`,
    }),
    clusterId({
      managementCluster: 'central',
      namespace: 'fleet-tenants',
      name: `factory-${'x'.repeat(80)}-2`,
    }),
    // same name in two namespaces and two management clusters
    'central/team-a/shop',
    'central/team-b/shop',
    'eu-west/team-a/shop',
    // dotted
    'central/team-a/shop.berlin.example',
    'central/team-a/shop-berlin-example',
    // parts that contain -- (would collide with the plain join)
    'central/a--b/c',
    'central/a/b--c',
    'central--a/b/c',
    // a 253-character dotted name
    `central/ns/${Array.from({ length: 4 }, () => 'a'.repeat(62)).join('.')}`,
    // unmanaged tenants with the same names as declared ones
    'central/team-a/island/tcp/team-a/shop',
    'central/team-a/island/tcp/team-b/shop',
  ];

  it('gives valid, unique and stable names for tricky ids', () => {
    const names = tricky.map(clusterEntityName);
    expect(new Set(names).size).toBe(tricky.length);
    expect(tricky.map(clusterEntityName)).toEqual(names);
    for (const name of names) {
      expect(isValidEntityName(name)).toBe(true);
      // The catalog's own validation of the metadata.name field.
      expect(validator.isValidEntityName(name)).toBe(true);
    }
  });

  it('keeps a readable prefix and a hash suffix when shortening', () => {
    const name = clusterEntityName(tricky[0]);
    expect(name).toHaveLength(63);
    expect(name).toMatch(/^central--fleet-tenants--factory-x+-h[0-9a-f]{10}$/);
    expect(clusterEntityName('central/a--b/c')).toMatch(
      /^central--a--b--c-h[0-9a-f]{10}$/,
    );
  });

  it('passes the catalog entity policies', async () => {
    const policies = [
      new DefaultNamespaceEntityPolicy(),
      new FieldFormatEntityPolicy(),
    ];
    for (const id of tricky) {
      let entity: any = {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Resource',
        metadata: { name: clusterEntityName(id) },
        spec: { type: 'kubernetes-cluster', owner: 'group:default/x' },
      };
      for (const p of policies) entity = await p.enforce(entity);
      expect(entity.metadata.name).toBe(clusterEntityName(id));
    }
  });
});
