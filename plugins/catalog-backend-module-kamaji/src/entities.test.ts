import { ConfigReader } from '@backstage/config';
import {
  FieldFormatEntityPolicy,
  DefaultNamespaceEntityPolicy,
  SchemaValidEntityPolicy,
  NoForeignRootFieldsEntityPolicy,
} from '@backstage/catalog-model';
import { TenantNode } from '@kamaji-backstage/plugin-kamaji-common';
import { base, island } from './__testUtils__/nodes';
import { readCatalogSettings } from './config';
import { ClusterEntityMapper, versionTag, toTag } from './entities';

const unmanaged: TenantNode = {
  ...base,
  id: 'central/fleet-islands/island-a/tcp/kamaji-tenants/cams',
  role: 'tenant',
  name: 'cams',
  namespace: 'kamaji-tenants',
  managementCluster: 'central',
  managed: false,
  islandId: island.id,
  health: { status: 'degraded', reasons: [] },
  versions: { running: 'v1.33.7', workers: [], skew: false },
  controlPlane: {},
  workerPools: [],
  workers: { desired: 0, current: 0, ready: 0, available: 0, upToDate: 0 },
  addons: [],
  conditions: [],
};

describe('ClusterEntityMapper', () => {
  it('builds a valid Resource entity with role, owner, host and system, tags and links', async () => {
    const mapper = new ClusterEntityMapper(
      readCatalogSettings(
        new ConfigReader({
          kamaji: { catalog: { system: 'edge-fleet', namespace: 'fleet' } },
        }),
      ),
    );
    let e: any = mapper.toEntity(island)!;
    expect(e).toMatchObject({
      kind: 'Resource',
      metadata: {
        name: 'central--fleet-islands--island-a',
        namespace: 'fleet',
        title: 'island-a',
        labels: { 'kamaji-backstage.io/role': 'island' },
        annotations: {
          'kamaji-backstage.io/cluster-id': island.id,
          'backstage.io/managed-by-location': 'kamaji-fleet:central',
          'backstage.io/managed-by-origin-location': 'kamaji-fleet:central',
          'backstage.io/kubernetes-label-selector':
            'backstage.io/kubernetes-id',
        },
        tags: ['factory-lyon', 'k8s-v1-34', 'healthy'],
        links: [{ url: 'https://10.10.0.10:6443', title: 'API server' }],
      },
      spec: {
        type: 'kubernetes-cluster',
        owner: 'group:default/platform-team',
        dependsOn: ['resource:fleet/central'],
        system: 'edge-fleet',
      },
    });
    for (const p of [
      new DefaultNamespaceEntityPolicy(),
      new NoForeignRootFieldsEntityPolicy(),
      new FieldFormatEntityPolicy(),
      new SchemaValidEntityPolicy(),
    ])
      e = await p.enforce(e);

    const u = mapper.toEntity(unmanaged)!;
    expect(u.metadata.labels).toMatchObject({
      'kamaji-backstage.io/role': 'tenant',
      'kamaji-backstage.io/unmanaged': 'true',
    });
    expect(u.metadata.tags).toEqual(['k8s-v1-33', 'degraded', 'unmanaged']);
    // The Kubernetes module does not offer unmanaged tenants: no Kubernetes tab for them.
    expect(
      u.metadata.annotations?.['backstage.io/kubernetes-label-selector'],
    ).toBeUndefined();
    // A tenant names its island and system in annotations, which TenantRelationsProcessor turns
    // into one-way relations: no spec.dependsOn or spec.system, whose reverse relations would
    // name the tenant on the island's and the system's entities.
    expect(u.spec).toEqual({
      type: 'kubernetes-cluster',
      owner: 'group:default/unknown',
    });
    expect(u.metadata.annotations).toMatchObject({
      'kamaji-backstage.io/depends-on':
        'resource:fleet/central--fleet-islands--island-a',
      'kamaji-backstage.io/part-of': 'system:fleet/edge-fleet',
    });
  });

  it('writes every form of an owner as the one normalised group ref', () => {
    const mapper = (catalog: object) =>
      new ClusterEntityMapper(
        readCatalogSettings(new ConfigReader({ kamaji: { catalog } })),
      );
    const defaultSettings = mapper({});
    for (const owner of ['group:Default/Team-Retail', 'team-retail']) {
      expect(defaultSettings.toEntity({ ...island, owner })!.spec?.owner).toBe(
        'group:default/team-retail',
      );
    }
    expect(
      mapper({ defaultOwner: 'Platform-Team' }).toEntity(unmanaged)!.spec
        ?.owner,
    ).toBe('group:default/platform-team');
    expect(() => mapper({ defaultOwner: 'user:default/alice' })).toThrow(
      /kamaji\.catalog\.defaultOwner: must be a group/,
    );
  });

  it('filters by management cluster, selector and unmanaged', () => {
    const mapper = (catalog: object) =>
      new ClusterEntityMapper(
        readCatalogSettings(new ConfigReader({ kamaji: { catalog } })),
      );
    expect(mapper({ managementClusters: ['other'] }).includes(island)).toBe(
      false,
    );
    expect(mapper({ selector: 'site=x' }).includes(island)).toBe(false);
    expect(
      mapper({ selector: { matchLabels: { a: 'b' } } }).includes({
        ...island,
        labels: { a: 'b' },
      }),
    ).toBe(true);
    expect(mapper({ includeUnmanaged: false }).includes(unmanaged)).toBe(false);
  });

  it('writes the Kubernetes label selector as configured, or none', () => {
    const selectorOf = (catalog: object) =>
      new ClusterEntityMapper(
        readCatalogSettings(new ConfigReader({ kamaji: { catalog } })),
      ).toEntity(island)!.metadata.annotations?.[
        'backstage.io/kubernetes-label-selector'
      ];
    expect(
      selectorOf({ kubernetesLabelSelector: 'app.kubernetes.io/part-of=shop' }),
    ).toBe('app.kubernetes.io/part-of=shop');
    expect(selectorOf({ kubernetesLabelSelector: false })).toBeUndefined();
  });

  it('makes tags', () => {
    expect(versionTag('v1.34.2')).toBe('k8s-v1-34');
    expect(versionTag(undefined)).toBeUndefined();
    expect(toTag('Shop Berlin / Mitte')).toBe('shop-berlin-mitte');
  });
});
