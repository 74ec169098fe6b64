/**
 * The entity cards on what the real backend answered for the example fleet
 * (`src/__fixtures__/recorded`), so the cards are known to read the real response shapes.
 */
import { http, HttpResponse } from 'msw';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  EntityKamajiAddonsCard,
  EntityKamajiClusterOverviewCard,
  EntityKamajiGroupClustersCard,
  EntityKamajiIslandCard,
  EntityKamajiWorkerPoolsCard,
} from '../plugin';
import { recorded } from '../__fixtures__/recorded';
import {
  BASE,
  setupKamajiServer,
  snapshotResponse,
} from '../__testUtils__/http';
import { servePreviews } from '../__testUtils__/previews';
import {
  clusterEntity,
  groupEntity,
  renderEntityCard,
} from '../__testUtils__/entityCards';

jest.setTimeout(30000);

const server = setupKamajiServer();

const TENANT = 'central/fleet-tenants/lyon-paint-shop';
const ISLAND_A = 'central/fleet-islands/island-a';

function serveRecordedTenant() {
  server.use(
    http.get(`${BASE}/v1/clusters/by-id`, () =>
      HttpResponse.json(recorded.cluster()),
    ),
    http.get(`${BASE}/v1/fleet`, () => HttpResponse.json(recorded.fleet())),
    http.get(`${BASE}/v1/fleet/snapshot`, () =>
      snapshotResponse(recorded.fleet()),
    ),
  );
}

/** island-a and its uplink history, as the real backend answered. */
function serveIslandA() {
  server.use(
    http.get(`${BASE}/v1/islands/central/fleet-islands/island-a`, () =>
      HttpResponse.json(recorded.islandA()),
    ),
    http.get(`${BASE}/v1/islands/central/fleet-islands/island-a/uplink`, () =>
      HttpResponse.json(recorded.islandAUplink()),
    ),
  );
}

describe('entity cards on recorded backend responses', () => {
  it('worker pools and addons of a tenant on island-a', async () => {
    serveRecordedTenant();
    await renderEntityCard(
      <>
        <EntityKamajiWorkerPoolsCard />
        <EntityKamajiAddonsCard />
      </>,
      clusterEntity(TENANT),
    );
    const pools = await screen.findByRole('table', { name: 'Worker pools' });
    expect(
      within(pools).getByRole('row', { name: /lyon-paint-shop-edge/ }),
    ).toBeInTheDocument();
    const addons = await screen.findByRole('table', { name: 'Addon sets' });
    expect(
      within(addons)
        .getAllByRole('row')
        .slice(1)
        .map(r => within(r).getAllByRole('cell')[0].textContent),
    ).toEqual(['ClusterProfile', 'ClusterResourceSet', 'HelmChartProxy']);
    expect(within(addons).getAllByText('Applied')).toHaveLength(3);
  });

  it('upgrades the recorded tenant at its declared-cluster path', async () => {
    serveRecordedTenant();
    let path = '';
    server.use(
      http.post(`${BASE}/v1/clusters/*`, ({ request }) => {
        path = new URL(request.url).pathname;
        return HttpResponse.json({
          cluster: TENANT,
          version: 'v1.35.0',
          changed: true,
          workerPools: [],
        });
      }),
    );
    servePreviews(server); // after the catch-all above, so the dialog gets its dry run
    await renderEntityCard(
      <EntityKamajiClusterOverviewCard />,
      clusterEntity(TENANT),
      { authorize: AuthorizeResult.ALLOW },
    );
    await userEvent.click(
      await screen.findByRole('button', { name: 'Upgrade Kubernetes' }),
    );
    const dialog = screen.getByRole('dialog');
    expect(dialog).toHaveTextContent('now declares v1.34.2');
    await userEvent.type(
      within(dialog).getByLabelText('Target version'),
      'v1.35.0',
    );
    const confirm = within(dialog).getByRole('button', { name: 'Upgrade' });
    await waitFor(() => expect(confirm).toBeEnabled());
    await userEvent.click(confirm);
    expect(
      await within(dialog).findByText(/Upgrade of .* started/),
    ).toBeInTheDocument();
    expect(path).toBe(
      '/api/kamaji/v1/clusters/central/fleet-tenants/lyon-paint-shop/upgrade',
    );
  });

  it('island-a connected, then disconnected after its API server was killed', async () => {
    serveIslandA();
    await renderEntityCard(
      <EntityKamajiIslandCard />,
      clusterEntity(ISLAND_A, 'island'),
    );
    expect(await screen.findByTestId('island-connection')).toHaveTextContent(
      /^Connected since/,
    );
    expect(screen.getByText('Tenants hosted (3)')).toBeInTheDocument();
    expect(
      within(screen.getByRole('table', { name: 'Datastores' })).getByText(
        /^3 tenants:/,
      ),
    ).toBeInTheDocument();

    const down = recorded.fleetIslandADisconnected();
    server.use(
      http.get(`${BASE}/v1/islands/central/fleet-islands/island-a`, () =>
        HttpResponse.json({
          island: down.islands.find(i => i.id === ISLAND_A),
          tenants: down.tenants.filter(t => t.islandId === ISLAND_A),
        }),
      ),
    );
    await renderEntityCard(
      <EntityKamajiIslandCard />,
      clusterEntity(ISLAND_A, 'island'),
    );
    const connection = (await screen.findAllByTestId('island-connection'))[1];
    expect(connection).toHaveTextContent(/^Disconnected since/);
    expect(connection).toHaveTextContent(
      'Last error: GET /readyz: ECONNREFUSED',
    );
    const hosted = screen.getAllByRole('table', { name: 'Tenants hosted' })[1];
    expect(within(hosted).queryByText('Healthy')).toBeNull();
  });

  it("a group's clusters from the recorded fleet", async () => {
    const fleet = recorded.fleet();
    server.use(
      http.get(`${BASE}/v1/fleet/snapshot`, ({ request }) => {
        const owner = new URL(request.url).searchParams.get('owner');
        const tenants = fleet.tenants.filter(t => t.owner === owner);
        return snapshotResponse({
          ...fleet,
          managementClusters: [],
          islands: fleet.islands.filter(i => i.owner === owner),
          tenants,
          page: { total: tenants.length, offset: 0, limit: 1000 },
        });
      }),
    );
    await renderEntityCard(
      <EntityKamajiGroupClustersCard />,
      groupEntity('team-factory'),
    );
    const expected = fleet.tenants.filter(
      t => t.owner === 'group:default/team-factory',
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(
      await screen.findByText(
        new RegExp(
          `^${expected.length} cluster${expected.length === 1 ? '' : 's'}:`,
        ),
      ),
    ).toBeInTheDocument();
    for (const t of expected) {
      expect(
        screen.getByRole('link', { name: t.title ?? t.name }),
      ).toBeInTheDocument();
    }
  });

  it("island-a's uplink: the recorded outage in the bar, with its reason, reachable by keyboard", async () => {
    serveIslandA();
    await renderEntityCard(
      <EntityKamajiIslandCard />,
      clusterEntity(ISLAND_A, 'island'),
    );
    const uplink = await screen.findByTestId('island-uplink');
    expect(uplink).toHaveTextContent(
      /Uplink, last 24 h: 58\.7% available over the 10 s recorded, 1 outage, longest 4 s/,
    );
    expect(uplink).toHaveTextContent(/Connected for 2 s\./);
    const bar = within(uplink).getByRole('list', {
      name: 'Uplink timeline, last 24 hours',
    });
    expect(within(bar).getAllByRole('listitem')).toHaveLength(4);
    const segments = within(bar).getAllByLabelText(/ from /);
    expect(segments.map(s => s.getAttribute('aria-label'))).toEqual([
      expect.stringMatching(/^Not recorded from /),
      expect.stringMatching(/^Connected from /),
      expect.stringMatching(
        /^Disconnected from .* \(4 s\): GET \/readyz: ECONNREFUSED$/,
      ),
      expect.stringMatching(/^Connected from /),
    ]);
    // Only the outage takes the keyboard focus; its tooltip says what happened.
    await userEvent.tab();
    expect(segments[2]).toHaveFocus();
    await userEvent.hover(segments[2]);
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      /^Disconnected from .*ECONNREFUSED$/,
    );
  });
});
