import { http, HttpResponse } from 'msw';
import { screen, within } from '@testing-library/react';
import type {
  AddonSet,
  FleetCluster,
} from '@kamaji-backstage/plugin-kamaji-common';
import { EntityKamajiAddonsCard } from '../../plugin';
import { fleet, sampleFleet } from '../../__fixtures__/fleet';
import {
  backstageError,
  BASE,
  gate,
  setupKamajiServer,
} from '../../__testUtils__/http';
import {
  clusterEntity,
  renderEntityCard,
} from '../../__testUtils__/entityCards';

// Rendering the MUI tables takes seconds per test when the machine is busy.
jest.setTimeout(30000);

const server = setupKamajiServer();

function addonSet(
  kind: AddonSet['kind'],
  name: string,
  matching: string[],
  extra: Partial<AddonSet> = {},
): AddonSet {
  const ns = kind === 'ClusterProfile' ? undefined : 'addons';
  return {
    id: `cloud/${kind}/${ns ?? '_'}/${name}`,
    kind,
    name,
    namespace: ns,
    managementCluster: 'cloud',
    selector: {
      matchLabels: { [`addons.kamaji-backstage.io/${name}`]: 'enabled' },
    },
    contents: [],
    matchingClusterIds: matching,
    health: { status: 'healthy', reasons: [] },
    ...extra,
  };
}

const LINE_1 = 'cloud/tenants/line-1';
const FACTORY_A = 'cloud/islands/factory-a';

function serve(cluster: FleetCluster, sets: AddonSet[]) {
  const seen: URLSearchParams[] = [];
  server.use(
    http.get(`${BASE}/v1/clusters/by-id`, () => HttpResponse.json(cluster)),
    http.get(`${BASE}/v1/fleet`, ({ request }) => {
      seen.push(new URL(request.url).searchParams);
      return HttpResponse.json({ ...fleet([], []), addonSets: sets });
    }),
  );
  return seen;
}

const line1 = () => sampleFleet().tenants.find(t => t.id === LINE_1)!;

describe('AddonsCard', () => {
  it('lists the sets reaching a tenant with their delivery status, in kind then name order', async () => {
    const t = line1();
    t.addons = [
      {
        addonSetId: 'cloud/HelmChartProxy/addons/cni',
        name: 'cni',
        kind: 'HelmChartProxy',
        status: 'failed',
        message: 'chart cilium 1.18.0 not found',
      },
      {
        addonSetId: 'cloud/ClusterProfile/_/observability',
        name: 'observability',
        kind: 'ClusterProfile',
        status: 'applied',
      },
      {
        addonSetId: 'cloud/ClusterResourceSet/addons/legacy',
        name: 'legacy',
        kind: 'ClusterResourceSet',
      },
    ];
    const seen = serve(t, [
      addonSet('HelmChartProxy', 'cni', [LINE_1], {
        contents: ['cilium@1.18.0'],
      }),
      addonSet('ClusterProfile', 'monitoring', [LINE_1, 'cloud/tenants/x'], {
        contents: ['kube-prometheus-stack@65.1.0', 'ConfigMap/dashboards'],
        health: { status: 'degraded', reasons: ['1 of 2 clusters failed'] },
      }),
      addonSet('ClusterProfile', 'observability', [LINE_1, 'cloud/tenants/y'], {
        health: { status: 'progressing', reasons: ['not yet applied on y'] },
      }),
      addonSet('ClusterProfile', 'other-team', ['cloud/tenants/x']),
    ]);
    await renderEntityCard(<EntityKamajiAddonsCard />, clusterEntity(LINE_1));
    const table = await screen.findByRole('table', { name: 'Addon sets' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map(r => r.textContent)).toEqual([
      'ClusterProfilemonitoringSet degraded1 of 2 clusters failedkube-prometheus-stack@65.1.0, ConfigMap/dashboards',
      'ClusterProfileobservabilityApplied—',
      'ClusterResourceSetlegacyNot reported—',
      'HelmChartProxyaddons/cniFailedchart cilium 1.18.0 not foundcilium@1.18.0',
    ]);
    expect(within(table).queryByText('other-team')).toBeNull();
    expect(seen[0].get('managementCluster')).toBe('cloud');
    expect(seen[0].get('limit')).toBe('1');
  });

  it('shows the sets selecting an island', async () => {
    serve(sampleFleet().islands.find(i => i.id === FACTORY_A)!, [
      addonSet('ClusterProfile', 'edge-base', [FACTORY_A], {
        contents: ['metallb@0.14.9'],
      }),
    ]);
    await renderEntityCard(
      <EntityKamajiAddonsCard />,
      clusterEntity(FACTORY_A, 'island'),
    );
    const row = await screen.findByRole('row', { name: /edge-base/ });
    expect(row).toHaveTextContent('Set healthy');
    expect(row).toHaveTextContent('metallb@0.14.9');
  });

  it('shows progress while loading, then says when no set selects the cluster', async () => {
    const loading = gate();
    server.use(
      http.get(`${BASE}/v1/clusters/by-id`, async () => {
        await loading.wait();
        return HttpResponse.json(line1());
      }),
      http.get(`${BASE}/v1/fleet`, () => HttpResponse.json(fleet([], []))),
    );
    await renderEntityCard(<EntityKamajiAddonsCard />, clusterEntity(LINE_1));
    expect(screen.getByTestId('progress')).toBeInTheDocument();
    loading.release();
    expect(
      await screen.findByText(
        /No addon set \(ClusterProfile, ClusterResourceSet or HelmChartProxy\) selects this cluster/,
      ),
    ).toBeInTheDocument();
  });

  it('shows a failed fleet read and a stale cluster', async () => {
    server.use(
      http.get(`${BASE}/v1/clusters/by-id`, () =>
        HttpResponse.json(sampleFleet().tenants.find(t => t.name === 'till-1')),
      ),
      http.get(`${BASE}/v1/fleet`, () =>
        backstageError(500, 'Error', 'fleet model unavailable'),
      ),
    );
    await renderEntityCard(
      <EntityKamajiAddonsCard />,
      clusterEntity('cloud/tenants/till-1'),
    );
    expect(
      (await screen.findAllByText(/fleet model unavailable/)).length,
    ).toBeGreaterThan(0);
    expect(screen.getByRole('link', { name: 'Retry' })).toBeInTheDocument();

    serve(sampleFleet().tenants.find(t => t.name === 'till-1')!, []);
    await renderEntityCard(
      <EntityKamajiAddonsCard />,
      clusterEntity('cloud/tenants/till-1'),
    );
    expect(
      await screen.findByText(/Stale: last seen 12 min ago/),
    ).toBeInTheDocument();
  });

  it('says when the entity has no cluster-id annotation, and when the read is denied', async () => {
    await renderEntityCard(<EntityKamajiAddonsCard />, clusterEntity());
    expect(await screen.findByText(/Missing Annotation/i)).toBeInTheDocument();

    server.use(
      http.get(`${BASE}/v1/clusters/by-id`, () =>
        backstageError(403, 'NotAllowedError', 'kamaji.cluster.read denied'),
      ),
    );
    await renderEntityCard(
      <EntityKamajiAddonsCard />,
      clusterEntity('cloud/tenants/secret'),
    );
    expect(await screen.findByText(/Permission denied/)).toBeInTheDocument();
  });
});
