import { recorded } from '../../__fixtures__/recorded';
import { isRefused, refusalsOf, splitClusters } from './clusterRefusals';

const ISLAND_A = 'central/fleet-islands/island-a';
const TENANT = 'central/fleet-tenants/lyon-press-line';

function ownerItems() {
  return recorded.kubernetesTabOwner().services.items;
}

describe('splitClusters', () => {
  it('splits the owner answer into the refusing islands and the tenant to draw', () => {
    const { refused, failed, shown } = splitClusters(ownerItems());
    expect(refused.map(i => i.cluster.name)).toEqual([
      ISLAND_A,
      'central/fleet-islands/island-b',
    ]);
    expect(failed).toEqual([]);
    expect(shown.map(i => i.cluster.name)).toEqual([TENANT]);
  });

  it('treats 401 as a refusal too', () => {
    const island = ownerItems().find(i => i.cluster.name === ISLAND_A)!;
    island.errors = island.errors.map(e => ({ ...e, statusCode: 401 }));
    expect(isRefused(island)).toBe(true);
    expect(refusalsOf(island).statusCodes).toEqual([401]);
  });

  it('keeps a cluster with any other error for the standard panel', () => {
    const island = ownerItems().find(i => i.cluster.name === ISLAND_A)!;
    island.errors.push({
      errorType: 'SYSTEM_ERROR',
      statusCode: 500,
      resourcePath: '/api/v1/pods',
    });
    const { refused, failed, shown } = splitClusters([island]);
    expect(refused).toEqual([]);
    expect(failed).toEqual([island]);
    expect(shown).toEqual([island]);
  });

  it('puts an unreachable cluster (FETCH_ERROR) in the standard panel', () => {
    const down = recorded.kubernetesTabTenantDown().services.items;
    const { refused, failed } = splitClusters(down);
    expect(refused).toEqual([]);
    expect(failed.map(i => i.cluster.name)).toEqual([TENANT]);
  });

  it('draws a partly refused cluster with what it could read', () => {
    const tenant = ownerItems().find(i => i.cluster.name === TENANT)!;
    tenant.errors = [
      {
        errorType: 'UNAUTHORIZED_ERROR',
        statusCode: 403,
        resourcePath: '/apis/networking.k8s.io/v1/ingresses',
      },
    ];
    const { refused, shown } = splitClusters([tenant]);
    expect(refused).toEqual([tenant]);
    expect(shown).toEqual([tenant]);
  });
});
