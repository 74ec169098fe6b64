import { http, HttpResponse } from 'msw';
import { screen, within } from '@testing-library/react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { renderTestApp } from '@backstage/frontend-test-utils';
import { catalogApiRef, EntityProvider } from '@backstage/plugin-catalog-react';
import {
  catalogApiMock,
  createTestEntityPage,
} from '@backstage/plugin-catalog-react/testUtils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import type { Entity } from '@backstage/catalog-model';
import { Route, Routes } from 'react-router-dom';
import {
  EntityKamajiActivityCard,
  EntityKamajiAddonsCard,
  EntityKamajiClusterOverviewCard,
  EntityKamajiGroupClustersCard,
  EntityKamajiIslandCard,
  EntityKamajiWorkerPoolsCard,
  KamajiFleetPage,
  kamajiPlugin,
  rootRouteRef,
} from './index';
import alphaPlugin, { kamajiFleetPage } from './alpha';
import { kamajiApiRef } from './api/KamajiApi';
import { KamajiClient } from './api/KamajiClient';
import { sampleFleet } from './__fixtures__/fleet';
import { recorded } from './__fixtures__/recorded';
import { clusterEntity, groupEntity } from './__testUtils__/entityCards';
import { BASE, setupKamajiServer } from './__testUtils__/http';

setupKamajiServer(
  http.get(`${BASE}/v1/fleet*`, () => HttpResponse.json(sampleFleet())),
  http.get(`${BASE}/v1/audit`, () =>
    HttpResponse.json({ items: [], page: { total: 0, offset: 0, limit: 10 } }),
  ),
  http.get(`${BASE}/v1/clusters/by-id`, ({ request }) => {
    const id = new URL(request.url).searchParams.get('id');
    const f = sampleFleet();
    return HttpResponse.json(
      [...f.tenants, ...f.islands].find(c => c.id === id) ?? {},
    );
  }),
  http.get(`${BASE}/v1/islands/cloud/islands/factory-a/uplink`, () =>
    HttpResponse.json({
      ...recorded.islandAUplink(),
      clusterId: 'cloud/islands/factory-a',
    }),
  ),
  http.get(`${BASE}/v1/islands/cloud/islands/factory-a`, () => {
    const f = sampleFleet();
    return HttpResponse.json({
      island: f.islands.find(i => i.name === 'factory-a'),
      tenants: f.tenants.filter(t => t.islandId === 'cloud/islands/factory-a'),
    });
  }),
  http.get(
    `${BASE}/v1/events`,
    () =>
      new HttpResponse(
        new ReadableStream({
          start(c) {
            c.enqueue(new TextEncoder().encode(': heartbeat\n\n'));
          },
        }),
        { headers: { 'Content-Type': 'text/event-stream' } },
      ),
  ),
);

const client = () =>
  new KamajiClient({
    discoveryApi: { getBaseUrl: async () => BASE },
    fetchApi: { fetch: (i: any, init?: RequestInit) => fetch(i, init) },
  });

describe('legacy frontend system', () => {
  it('registers the API factory and the routable page', () => {
    expect(kamajiPlugin.getId()).toBe('kamaji');
    expect([...kamajiPlugin.getApis()].map(f => f.api.id)).toEqual([
      kamajiApiRef.id,
    ]);
  });

  it('renders KamajiFleetPage in a legacy test app', async () => {
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [kamajiApiRef, client()],
          [catalogApiRef, catalogApiMock()],
        ]}
      >
        <Routes>
          <Route path="/kamaji" element={<KamajiFleetPage />} />
        </Routes>
      </TestApiProvider>,
      { routeEntries: ['/kamaji'] },
    );
    expect(
      await screen.findByRole('heading', { name: 'Kamaji fleet' }),
    ).toBeInTheDocument();
    const tree = await screen.findByRole('tree', { name: 'Fleet topology' });
    expect(
      within(tree).getByTestId('island-cloud/islands/factory-a'),
    ).toBeInTheDocument();
  });
});

const TENANT = clusterEntity('cloud/tenants/line-1');
const ISLAND = clusterEntity('cloud/islands/factory-a', 'island');
const GROUP = groupEntity('team-edge');

/** What the card titles on an entity page are. */
async function cardTitles(expected: string): Promise<string[]> {
  await screen.findByText(expected, {}, { timeout: 10000 });
  return [
    'Cluster overview',
    'Worker pools',
    'Addons',
    'Island',
    'Activity',
    'Fleet clusters owned by this group',
  ].filter(t => screen.queryByText(t, { selector: 'span' }));
}

describe('entity cards in a legacy app', () => {
  it('renders every card for its entity, with the actions the user may take', async () => {
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [kamajiApiRef, client()],
          [permissionApiRef, mockApis.permission()],
        ]}
      >
        <EntityProvider entity={TENANT}>
          <EntityKamajiClusterOverviewCard />
          <EntityKamajiWorkerPoolsCard />
          <EntityKamajiAddonsCard />
          <EntityKamajiActivityCard />
        </EntityProvider>
        <EntityProvider entity={ISLAND}>
          <EntityKamajiIslandCard />
        </EntityProvider>
        <EntityProvider entity={GROUP}>
          <EntityKamajiGroupClustersCard />
        </EntityProvider>
      </TestApiProvider>,
      { mountedRoutes: { '/kamaji': rootRouteRef } },
    );
    expect(
      await screen.findByRole('button', { name: 'Upgrade Kubernetes' }),
    ).toBeInTheDocument();
    expect(
      await screen.findByRole('button', { name: 'Scale line-1-md-0' }),
    ).toBeInTheDocument();
    expect(
      await screen.findByText(/No addon set .* selects this cluster/),
    ).toBeInTheDocument();
    expect(await screen.findByTestId('island-connection')).toHaveTextContent(
      'Connected',
    );
    expect(await screen.findByTestId('uplink-bar')).toBeInTheDocument();
    expect(
      await screen.findByText('Fleet clusters owned by this group'),
    ).toBeInTheDocument();
    expect(
      await screen.findByText('No change to this cluster is on record yet.'),
    ).toBeInTheDocument();
  });
});

describe('new frontend system (/alpha)', () => {
  const renderEntityPage = (entity: Entity) =>
    renderTestApp({
      features: [alphaPlugin],
      extensions: [createTestEntityPage({ entity })],
      apis: [
        [kamajiApiRef, client()],
        [permissionApiRef, mockApis.permission()],
        [catalogApiRef, catalogApiMock()],
      ],
    });

  it('puts the cluster cards on tenant pages, not the island or group cards', async () => {
    renderEntityPage(TENANT);
    expect(await cardTitles('Activity')).toEqual([
      'Cluster overview',
      'Worker pools',
      'Addons',
      'Activity',
    ]);
    expect(
      await screen.findByRole('button', { name: 'Scale line-1-md-0' }),
    ).toBeInTheDocument();
  });

  it('puts the island card on island pages, without worker pools', async () => {
    renderEntityPage(ISLAND);
    expect(await cardTitles('Activity')).toEqual([
      'Cluster overview',
      'Addons',
      'Island',
      'Activity',
    ]);
    expect(await screen.findByText('Tenants hosted (3)')).toBeInTheDocument();
    expect(await screen.findByTestId('uplink-bar')).toBeInTheDocument();
  });

  it('puts only the owned-clusters card on group pages', async () => {
    renderEntityPage(GROUP);
    expect(await cardTitles('Fleet clusters owned by this group')).toEqual([
      'Fleet clusters owned by this group',
    ]);
  });

  it('is a frontend plugin with the api and the page', () => {
    expect(alphaPlugin.id).toBe('kamaji');
    expect(String(kamajiFleetPage)).toContain('page');
  });

  it('mounts the page at /kamaji in a new-system test app', async () => {
    renderTestApp({
      features: [alphaPlugin],
      initialRouteEntries: ['/kamaji'],
      apis: [
        [kamajiApiRef, client()],
        [catalogApiRef, catalogApiMock()],
      ],
    });
    expect(
      await screen.findByTestId(
        'island-cloud/islands/shop-b',
        {},
        { timeout: 10000 },
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('heading', { name: 'Kamaji fleet' }),
    ).toBeInTheDocument();
  });
});
