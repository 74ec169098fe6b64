import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { screen, within } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { renderTestApp } from '@backstage/frontend-test-utils';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { Route, Routes } from 'react-router-dom';
import { KamajiFleetPage, kamajiPlugin } from './index';
import alphaPlugin, { kamajiFleetPage } from './alpha';
import { kamajiApiRef } from './api/KamajiApi';
import { KamajiClient } from './api/KamajiClient';
import { sampleFleet } from './__fixtures__/fleet';

const BASE = 'http://backstage.test/api/kamaji';
const server = setupServer(
  http.get(`${BASE}/v1/fleet`, () => HttpResponse.json(sampleFleet())),
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
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

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
    const region = await screen.findByRole('region', {
      name: 'Fleet topology',
    });
    expect(
      within(region).getByTestId('island-cloud/islands/factory-a'),
    ).toBeInTheDocument();
  });
});

describe('new frontend system (/alpha)', () => {
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
