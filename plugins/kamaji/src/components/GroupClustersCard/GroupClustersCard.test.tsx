import { http } from 'msw';
import { screen, within } from '@testing-library/react';
import { EntityKamajiGroupClustersCard } from '../../plugin';
import { fleet, sampleFleet, tenant } from '../../__fixtures__/fleet';
import type { FleetResponse } from '../../api/types';
import {
  backstageError,
  BASE,
  gate,
  setupKamajiServer,
  snapshotResponse,
} from '../../__testUtils__/http';
import { groupEntity, renderEntityCard } from '../../__testUtils__/entityCards';

// material-table renders slowly in jsdom; on a busy machine a test takes several seconds.
jest.setTimeout(30000);

const server = setupKamajiServer();

/** The fleet API's owner filter over a snapshot, as the backend applies it. */
function serveOwnedBy(snapshot: FleetResponse) {
  const owners: Array<string | null> = [];
  server.use(
    http.get(`${BASE}/v1/fleet/snapshot`, ({ request }) => {
      const owner = new URL(request.url).searchParams.get('owner');
      owners.push(owner);
      const owned = <T extends { owner?: string }>(list: T[]) =>
        list.filter(c => c.owner === owner);
      const tenants = owned(snapshot.tenants);
      return snapshotResponse({
        ...snapshot,
        managementClusters: owned(snapshot.managementClusters),
        islands: owned(snapshot.islands),
        tenants,
        page: { total: tenants.length, offset: 0, limit: 1000 },
      });
    }),
  );
  return owners;
}

const renderCard = (group: string) =>
  renderEntityCard(<EntityKamajiGroupClustersCard />, groupEntity(group));

describe('GroupClustersCard', () => {
  it("asks the fleet for the group's clusters and shows them worst first with health counts", async () => {
    const owners = serveOwnedBy(sampleFleet());
    await renderCard('team-retail');
    expect(
      await screen.findByText('Fleet clusters owned by this group'),
    ).toBeInTheDocument();
    expect(await screen.findByTestId('health-counts')).toHaveTextContent(
      '1 unhealthy2 unknown',
    );
    expect(screen.getByText(/^3 clusters:/)).toBeInTheDocument();
    expect(owners).toEqual(['group:default/team-retail']);
    const rows = screen
      .getAllByRole('row')
      .filter(r => within(r).queryAllByRole('cell').length > 0);
    expect(rows.map(r => r.textContent)).toEqual([
      'line-2tenantUnhealthycloud/islands/factory-av1.34.2',
      'till-1tenantunknown (stale)cloud/islands/shop-bv1.34.2',
      'till-2tenantunknown (stale)cloud/islands/shop-bv1.34.2',
    ]);
    expect(screen.getByRole('link', { name: 'line-2' })).toHaveAttribute(
      'href',
      '/kamaji?selected=cloud%2Ftenants%2Fline-2',
    );
  });

  it('counts islands the group owns, with a disconnected one as unknown', async () => {
    serveOwnedBy(sampleFleet());
    await renderCard('team-platform');
    expect(await screen.findByTestId('health-counts')).toHaveTextContent(
      '1 unknown1 healthy',
    );
    expect(screen.getByRole('link', { name: 'shop-b' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'factory-a' })).toBeInTheDocument();
  });

  it('pages a large ownership list', async () => {
    const many = Array.from({ length: 25 }, (_, n) =>
      tenant(`svc-${String(n).padStart(2, '0')}`, {
        owner: 'group:default/team-big',
      }),
    );
    serveOwnedBy(fleet([], many));
    await renderCard('team-big');
    expect(await screen.findByText(/^25 clusters:/)).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'svc-00' })).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'svc-10' })).toBeNull();
    expect(screen.getAllByText(/1-10 of 25/).length).toBeGreaterThan(0);
  });

  it('shows progress while loading, then says when the group owns nothing', async () => {
    const loading = gate();
    server.use(
      http.get(`${BASE}/v1/fleet/snapshot`, async () => {
        await loading.wait();
        return snapshotResponse({ ...fleet([], []), managementClusters: [] });
      }),
    );
    await renderCard('team-none');
    expect(screen.getByTestId('progress')).toBeInTheDocument();
    loading.release();
    expect(
      await screen.findByText(
        /No cluster in the fleet is owned by group:default\/team-none/,
      ),
    ).toBeInTheDocument();
  });

  it('shows a failed read with a retry', async () => {
    server.use(
      http.get(`${BASE}/v1/fleet/snapshot`, () =>
        backstageError(503, 'ServiceUnavailableError', 'fleet not synced yet'),
      ),
    );
    await renderCard('team-edge');
    expect(
      (await screen.findAllByText(/fleet not synced yet/)).length,
    ).toBeGreaterThan(0);
    expect(screen.getByRole('link', { name: 'Retry' })).toBeInTheDocument();
  });
});
