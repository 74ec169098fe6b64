import { clusterId, parseClusterId, unmanagedTenantId } from './ids';

describe('cluster ids', () => {
  it('round-trips a declared cluster', () => {
    const id = clusterId({
      managementCluster: 'central',
      namespace: 'fleet-tenants',
      name: 'shop-0042',
    });
    expect(id).toBe('central/fleet-tenants/shop-0042');
    expect(parseClusterId(id)).toEqual({
      kind: 'declared',
      managementCluster: 'central',
      namespace: 'fleet-tenants',
      name: 'shop-0042',
    });
  });

  it('round-trips an unmanaged tenant found on an island', () => {
    const id = unmanagedTenantId('central/fleet-islands/island-north', {
      namespace: 'kamaji-tenants',
      name: 'legacy.cp',
    });
    expect(parseClusterId(id)).toEqual({
      kind: 'unmanaged',
      managementCluster: 'central',
      islandNamespace: 'fleet-islands',
      islandName: 'island-north',
      namespace: 'kamaji-tenants',
      name: 'legacy.cp',
    });
  });

  it('parses a management cluster name', () => {
    expect(parseClusterId('central')).toEqual({
      kind: 'management',
      managementCluster: 'central',
    });
  });

  it.each([
    '',
    'Central',
    'a/b',
    'a/b/c/d',
    'a/B/c',
    'a/b/c/tcp/d',
    '../etc/passwd',
    'a/b/-c',
    'a/b/c/x/d/e',
  ])('rejects %p', text => {
    expect(parseClusterId(text)).toBeUndefined();
  });
});
