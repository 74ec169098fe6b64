import { http, HttpResponse } from 'msw';
import { screen, within } from '@testing-library/react';
import type {
  IslandNode,
  TenantNode,
} from '@kamaji-backstage/plugin-kamaji-common';
import { EntityKamajiIslandCard } from '../../plugin';
import { island, sampleFleet, tenant } from '../../__fixtures__/fleet';
import { recorded } from '../../__fixtures__/recorded';
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
import { formatIn } from '../common/connection';

// Rendering the MUI tables takes seconds per test when the machine is busy.
jest.setTimeout(30000);

const server = setupKamajiServer();

function serveIsland(i: IslandNode, tenants: TenantNode[]) {
  server.use(
    http.get(`${BASE}/v1/islands/cloud/islands/${i.name}`, () =>
      HttpResponse.json({ island: i, tenants }),
    ),
    http.get(`${BASE}/v1/islands/cloud/islands/${i.name}/uplink`, () =>
      HttpResponse.json({ ...recorded.islandAUplink(), clusterId: i.id }),
    ),
  );
}

const renderCard = (name: string) =>
  renderEntityCard(
    <EntityKamajiIslandCard />,
    clusterEntity(`cloud/islands/${name}`, 'island'),
  );

function sampleIsland(name: string) {
  const f = sampleFleet();
  const i = f.islands.find(x => x.name === name)!;
  return { island: i, tenants: f.tenants.filter(t => t.islandId === i.id) };
}

describe('IslandCard', () => {
  it('shows a connected island: tenants worst first with health counts, datastores and their use', async () => {
    const { island: i, tenants } = sampleIsland('factory-a');
    i.dataStores = [
      {
        name: 'default',
        driver: 'etcd',
        ready: true,
        usedBy: tenants
          .filter(t => t.name !== 'line-3')
          .map(t => t.id)
          .sort(),
      },
      { name: 'pg', driver: 'PostgreSQL', usedBy: [] },
    ];
    serveIsland(i, tenants);
    await renderCard('factory-a');
    expect(await screen.findByTestId('island-connection')).toHaveTextContent(
      /^Connected since just now/,
    );
    expect(screen.getByText('Tenants hosted (3)')).toBeInTheDocument();
    expect(screen.getByTestId('health-counts')).toHaveTextContent(
      '1 unhealthy2 healthy',
    );
    const hosted = screen.getByRole('table', { name: 'Tenants hosted' });
    expect(
      within(hosted)
        .getAllByRole('row')
        .map(r => r.textContent),
    ).toEqual([
      'line-2Unhealthygroup:default/team-retail',
      'line-1Healthygroup:default/team-edge',
      'line-3Healthygroup:default/team-edge',
    ]);
    expect(
      within(hosted).getByRole('link', { name: 'line-2' }),
    ).toHaveAttribute('href', '/kamaji?selected=cloud%2Ftenants%2Fline-2');
    const stores = screen.getByRole('table', { name: 'Datastores' });
    expect(
      within(stores)
        .getAllByRole('row')
        .slice(1)
        .map(r => r.textContent),
    ).toEqual([
      'defaultetcdyes2 tenants: line-1, line-2',
      'pgPostgreSQLnot reportedunused',
    ]);
  });

  it('makes a disconnected island unmistakable: since when, last error, next retry, and no tenant healthy', async () => {
    const { island: i } = sampleIsland('shop-b');
    i.connection.nextRetryAt = new Date(Date.now() + 30_000).toISOString();
    // The backend marks them stale; even a tenant it still calls healthy is shown as unknown.
    const tenants = [
      tenant('till-1', { islandId: i.id, health: 'healthy' }),
      tenant('till-2', { islandId: i.id, health: 'unhealthy' }),
    ];
    serveIsland(i, tenants);
    await renderCard('shop-b');
    const connection = await screen.findByTestId('island-connection');
    expect(connection).toHaveTextContent('Disconnected since 12 min ago');
    expect(connection).toHaveTextContent('Last seen 12 min ago');
    expect(connection).toHaveTextContent(
      'Last error: dial tcp 10.0.0.12:6443: connect: connection refused',
    );
    expect(connection).toHaveTextContent(/Next retry: in (29|30) s/);
    expect(screen.queryByText('Healthy')).toBeNull();
    expect(screen.getByTestId('health-counts')).toHaveTextContent(
      '1 unhealthy1 unknown',
    );
  });

  it('names the kinds a degraded connection cannot read', async () => {
    const i = island('lab', [], { site: 'lab' });
    i.connection = {
      status: 'degraded',
      since: new Date(Date.now() - 5 * 60000).toISOString(),
      lastSyncAt: new Date().toISOString(),
      unreadableKinds: [{ kind: 'DataStore', reason: 'forbidden by RBAC' }],
    };
    i.dataStores = [];
    serveIsland(i, []);
    await renderCard('lab');
    const connection = await screen.findByTestId('island-connection');
    expect(connection).toHaveTextContent(
      'Connected, some kinds unreadable since 5 min ago',
    );
    expect(connection).toHaveTextContent(
      'Cannot read DataStore: forbidden by RBAC',
    );
    expect(screen.getByText('Tenants hosted (0)')).toBeInTheDocument();
    expect(screen.getByText('no tenants')).toBeInTheDocument();
    expect(
      screen.getByText('No Kamaji DataStore seen on this island.'),
    ).toBeInTheDocument();
  });

  it('lists the first 50 tenants of a large island and links to the rest', async () => {
    const i = island('big', []);
    const tenants = Array.from({ length: 180 }, (_, n) =>
      tenant(`t-${String(n).padStart(3, '0')}`, { islandId: i.id }),
    );
    serveIsland(i, tenants);
    await renderCard('big');
    const hosted = await screen.findByRole('table', { name: 'Tenants hosted' });
    expect(within(hosted).getAllByRole('row')).toHaveLength(50);
    expect(screen.getByText(/and 130 more/)).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'see them in the fleet topology' }),
    ).toHaveAttribute('href', '/kamaji?selected=cloud%2Fislands%2Fbig');
  });

  it('shows progress while loading, then an unknown island', async () => {
    const loading = gate();
    server.use(
      http.get(`${BASE}/v1/islands/cloud/islands/gone`, async () => {
        await loading.wait();
        return backstageError(
          404,
          'NotFoundError',
          'No island cloud/islands/gone',
        );
      }),
    );
    await renderCard('gone');
    expect(screen.getByTestId('progress')).toBeInTheDocument();
    loading.release();
    expect(await screen.findByText(/Cluster not found/)).toBeInTheDocument();
  });

  it('still shows the island when its uplink history cannot be read', async () => {
    const { island: i, tenants } = sampleIsland('factory-a');
    serveIsland(i, tenants);
    server.use(
      http.get(`${BASE}/v1/islands/cloud/islands/factory-a/uplink`, () =>
        backstageError(503, 'ServiceUnavailableError', 'database unavailable'),
      ),
    );
    await renderCard('factory-a');
    expect(
      await screen.findByText(
        /Uplink history unavailable: Request failed with 503/,
      ),
    ).toBeInTheDocument();
    expect(screen.getByTestId('island-connection')).toBeInTheDocument();
  });

  it('formats the next retry', () => {
    const now = Date.parse('2026-11-25T12:00:00Z');
    expect(formatIn('2026-11-25T12:00:40Z', now)).toBe('in 40 s');
    expect(formatIn('2026-11-25T12:05:00Z', now)).toBe('in 5 min');
    expect(formatIn('2026-11-25T11:59:00Z', now)).toBe('now');
    expect(formatIn(undefined, now)).toBe('not planned');
  });
});
