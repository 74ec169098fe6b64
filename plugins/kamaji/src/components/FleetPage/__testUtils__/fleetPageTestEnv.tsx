/*
 * TEST HELPER. Renders the topology page in a Backstage test app with the real KamajiClient,
 * talking to an msw server that plays the kamaji backend.
 */
import { http, HttpResponse } from 'msw';
import type { SetupServer } from 'msw/node';
import { screen } from '@testing-library/react';
import { useLocation } from 'react-router-dom';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { KAMAJI_ENTITY } from '@kamaji-backstage/plugin-kamaji-common';
import { KamajiClient } from '../../../api/KamajiClient';
import { kamajiApiRef } from '../../../api/KamajiApi';
import type { FleetResponse } from '../../../api/types';
import {
  BASE,
  setupKamajiServer,
  snapshotResponse,
} from '../../../__testUtils__/http';
import { FleetTopologyContent } from '../FleetTopologyPage';

export { BASE };
let server: SetupServer;

/** The msw server of the calling test file (`setupKamajiServer`): call it at the file's top level. */
export function setupFleetServer() {
  server = setupKamajiServer();
}

export function stream(text = ': heartbeat\n\n') {
  const enc = new TextEncoder();
  return new HttpResponse(
    new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(enc.encode(text));
      },
    }),
    { headers: { 'Content-Type': 'text/event-stream' } },
  );
}

export function serve(
  snapshot: FleetResponse | (() => Response | Promise<Response>),
  events = () => stream(),
) {
  server.use(
    http.get(`${BASE}/v1/fleet/snapshot`, () =>
      typeof snapshot === 'function' ? snapshot() : snapshotResponse(snapshot),
    ),
    http.get(`${BASE}/v1/events`, events),
  );
}

/** Serves more of the backend (e.g. `GET /v1/uplink`) in the calling test. */
export function serveMore(...handlers: Parameters<SetupServer['use']>) {
  server.use(...handlers);
}

function LocationProbe() {
  const l = useLocation();
  return <div data-testid="location">{l.search}</div>;
}

const catalogEntity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'cloud-tenants-line-2',
    namespace: 'default',
    annotations: {
      [KAMAJI_ENTITY.clusterIdAnnotation]: 'cloud/tenants/line-2',
    },
  },
  spec: { type: 'kubernetes-cluster', owner: 'group:default/team-retail' },
};

export async function renderPage(url = '/kamaji') {
  const client = new KamajiClient({
    discoveryApi: { getBaseUrl: async () => BASE },
    fetchApi: { fetch: (i: any, init?: RequestInit) => fetch(i, init) },
    backoff: { initialDelayMs: 10, maxDelayMs: 50 },
  });
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [kamajiApiRef, client],
        [catalogApiRef, catalogApiMock({ entities: [catalogEntity] })],
      ]}
    >
      <FleetTopologyContent />
      <LocationProbe />
    </TestApiProvider>,
    {
      routeEntries: [url],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
}

/** The rows below a row in the flattened tree: the following rows of a deeper level. */
export function childRows(row: HTMLElement): HTMLElement[] {
  const level = Number(row.getAttribute('aria-level'));
  const all = screen.getAllByRole('treeitem');
  const out: HTMLElement[] = [];
  for (const r of all.slice(all.indexOf(row) + 1)) {
    if (Number(r.getAttribute('aria-level')) <= level) break;
    out.push(r);
  }
  return out;
}

/** The search part of the current URL. */
export const search = () =>
  new URLSearchParams(screen.getByTestId('location').textContent ?? '');
