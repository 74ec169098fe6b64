import { http, HttpResponse } from 'msw';
import { screen, waitFor, within, fireEvent } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { delta, fleet, sampleFleet, sse } from '../../__fixtures__/fleet';
import { byName, recorded } from '../../__fixtures__/recorded';
import type { FleetResponse } from '../../api/types';
import {
  childRows,
  renderPage,
  BASE,
  search,
  serve,
  serveMore,
  setupFleetServer,
  stream,
} from './__testUtils__/fleetPageTestEnv';

setupFleetServer();

describe('FleetTopologyContent', () => {
  it('shows progress while the fleet loads', async () => {
    serve(() => new Promise<Response>(() => {}));
    await renderPage();
    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });

  it('shows an empty state when the fleet has no management clusters', async () => {
    serve({ ...fleet([], []), managementClusters: [] });
    await renderPage();
    expect(
      await screen.findByText('No clusters in the fleet'),
    ).toBeInTheDocument();
  });

  it('shows the error when the fleet cannot be loaded', async () => {
    serve(() =>
      HttpResponse.json(
        {
          error: { name: 'Error', message: 'management cluster unreachable' },
          response: { statusCode: 503 },
        },
        { status: 503 },
      ),
    );
    await renderPage();
    expect(
      await screen.findByText(/Could not load the fleet/),
    ).toBeInTheDocument();
  });

  it('says permission denied on 403, and does not retry', async () => {
    let calls = 0;
    serve(() => {
      calls++;
      return HttpResponse.json(
        {
          error: {
            name: 'NotAllowedError',
            message: 'kamaji.cluster.read denied',
          },
          response: { statusCode: 403 },
        },
        { status: 403 },
      );
    });
    await renderPage();
    expect(await screen.findByText(/Permission denied/)).toBeInTheDocument();
    expect(
      screen.getByText(/kamaji.cluster.read denied \(403\)/),
    ).toBeInTheDocument();
    await new Promise(r => setTimeout(r, 100));
    expect(calls).toBe(1);
  });

  it('shows cloud → islands (collapsed) → tenants with per-island health counts', async () => {
    serve(sampleFleet());
    await renderPage();
    const a = await screen.findByTestId('island-cloud/islands/factory-a');
    expect(a).toHaveAttribute('role', 'treeitem');
    expect(a).toHaveAccessibleName('factory-a');
    expect(within(a).getByTestId('health-counts')).toHaveTextContent(
      /1 unhealthy.*2 healthy/,
    );
    // collapsed by default, management cluster expanded
    expect(a).toHaveAttribute('aria-expanded', 'false');
    expect(screen.getByTestId('mc-cloud')).toHaveAttribute(
      'aria-expanded',
      'true',
    );
    expect(childRows(a)).toEqual([]);
    await userEvent.click(within(a).getByTestId('expander'));
    expect(a).toHaveAttribute('aria-expanded', 'true');
    // worst first, health as text
    const rows = childRows(a);
    expect(rows.map(r => r.getAttribute('data-testid'))).toEqual([
      'tenant-cloud/tenants/line-2',
      'tenant-cloud/tenants/line-1',
      'tenant-cloud/tenants/line-3',
    ]);
    expect(rows[0]).toHaveTextContent('Unhealthy');
    expect(rows[0]).toHaveAttribute('aria-level', '3');
    const skewed = screen.getByTestId('tenant-cloud/tenants/line-3');
    expect(skewed).toHaveTextContent('declared v1.35.0 · running v1.34.2');
    expect(skewed).toHaveTextContent('version skew');
    expect(skewed).toHaveTextContent('TCP Ready');
    expect(skewed).toHaveTextContent('workers 2/2');
    expect(skewed).toHaveTextContent('owner group:default/team-edge');
    expect(skewed).toHaveAccessibleDescription(/Healthy.*v1.34.2.*TCP Ready/);
    expect(
      screen.getByRole('treeitem', {
        name: 'Hosted in the management cluster',
      }),
    ).toBeInTheDocument();
  });

  it('makes a disconnected island unmistakable: banner, stale marks, never healthy', async () => {
    serve(sampleFleet());
    await renderPage();
    const banner = await screen.findByRole('alert');
    expect(banner).toHaveTextContent('1 island is disconnected');
    expect(banner).toHaveTextContent('shop-b (last seen 12 min ago)');
    const b = screen.getByTestId('island-cloud/islands/shop-b');
    expect(within(b).getByText('Disconnected')).toBeInTheDocument();
    expect(within(b).getAllByText(/Stale · last seen 12 min ago/).length).toBe(
      1,
    );
    expect(within(b).getByTestId('health-counts')).toHaveTextContent(
      '2 unknown',
    );
    expect(within(b).queryByText('Healthy')).not.toBeInTheDocument();
    await userEvent.click(within(b).getByTestId('expander'));
    const rows = childRows(b);
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row).toHaveTextContent('Stale · last seen 12 min ago');
      expect(row).toHaveTextContent('Unknown');
      expect(row).not.toHaveTextContent('Healthy');
    }
  });

  it('never shows a tenant as healthy when its island is disconnected, even if the last read said so', async () => {
    const f = sampleFleet();
    f.tenants = f.tenants.map(t =>
      t.islandId === 'cloud/islands/shop-b'
        ? {
            ...t,
            health: { status: 'healthy', reasons: [] },
            staleness: { stale: false },
          }
        : t,
    );
    serve(f);
    await renderPage();
    const b = await screen.findByTestId('island-cloud/islands/shop-b');
    await userEvent.click(within(b).getByTestId('expander'));
    const rows = childRows(b);
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row).toHaveTextContent('Unknown');
      expect(row).not.toHaveTextContent('Healthy');
      expect(row).toHaveTextContent(/Stale · last seen 12 min ago/);
    }
  });

  it('reads filters from the URL and writes changes back to it', async () => {
    serve(sampleFleet());
    await renderPage(
      '/kamaji?health=unhealthy&island=cloud%2Fislands%2Ffactory-a',
    );
    const a = await screen.findByTestId('island-cloud/islands/factory-a');
    // the filtered island is expanded, only matching tenants shown
    const rows = childRows(a);
    expect(rows.map(r => r.getAttribute('data-testid'))).toEqual([
      'tenant-cloud/tenants/line-2',
    ]);
    expect(
      screen.queryByTestId('island-cloud/islands/shop-b'),
    ).not.toBeInTheDocument();
    expect(screen.getByText(/1 of 6 tenants match/)).toBeInTheDocument();

    await userEvent.type(screen.getByLabelText('Search'), 'line');
    await waitFor(() => expect(search().get('q')).toBe('line'));
    expect(search().getAll('health')).toEqual(['unhealthy']);

    // owner select
    fireEvent.mouseDown(screen.getByLabelText('Owner'));
    await userEvent.click(
      await screen.findByRole('option', { name: 'group:default/team-retail' }),
    );
    await waitFor(() =>
      expect(search().get('owner')).toBe('group:default/team-retail'),
    );

    await userEvent.click(
      screen.getByRole('button', { name: 'Clear filters' }),
    );
    await waitFor(() => expect(search().toString()).toBe(''));
    expect(
      screen.getByTestId('island-cloud/islands/shop-b'),
    ).toBeInTheDocument();
  });

  it('shows "no match" when the filters hide everything', async () => {
    serve(sampleFleet());
    await renderPage('/kamaji?q=nothing-like-this');
    expect(
      await screen.findByText('No clusters match the filters'),
    ).toBeInTheDocument();
  });

  it('applies live deltas from the event stream', async () => {
    const f = sampleFleet(7);
    const line1 = f.tenants.find(t => t.name === 'line-1')!;
    serve(f, () =>
      stream(
        sse([
          {
            event: 'delta',
            id: 8,
            data: delta(7, {
              upserted: [
                {
                  ...line1,
                  health: {
                    status: 'degraded',
                    reasons: ['1 of 2 workers ready'],
                  },
                },
              ],
            }),
          },
        ]),
      ),
    );
    await renderPage();
    await waitFor(() =>
      expect(
        within(
          screen.getByTestId('island-cloud/islands/factory-a'),
        ).getByTestId('health-counts'),
      ).toHaveTextContent(/1 unhealthy.*1 degraded.*1 healthy/),
    );
    expect(await screen.findByText('Live')).toBeInTheDocument();
  });

  it('opens a side panel with details, condition messages and the catalog entity link; selection is in the URL', async () => {
    serve(sampleFleet());
    await renderPage();
    const a = await screen.findByTestId('island-cloud/islands/factory-a');
    await userEvent.click(within(a).getByTestId('expander'));
    await userEvent.click(screen.getByRole('treeitem', { name: 'line-2' }));
    const panel = await screen.findByRole('region', {
      name: 'Details of line-2',
    });
    expect(within(panel).getByText('Unhealthy')).toBeInTheDocument();
    expect(
      within(panel).getAllByText(/control plane endpoint does not answer/)
        .length,
    ).toBeGreaterThan(0);
    expect(
      within(panel).getByText(/ControlPlaneUnavailable/),
    ).toBeInTheDocument();
    const link = await within(panel).findByRole('link', {
      name: /Open in the catalog/,
    });
    expect(link).toHaveAttribute(
      'href',
      '/catalog/default/resource/cloud-tenants-line-2',
    );
    expect(search().get('selected')).toBe('cloud/tenants/line-2');
    await userEvent.click(
      within(panel).getByRole('button', { name: 'Close details' }),
    );
    await waitFor(() => expect(search().get('selected')).toBeNull());
  });

  it('shows stale details for a tenant of a disconnected island, and says when no entity exists', async () => {
    serve(sampleFleet());
    await renderPage('/kamaji?selected=cloud%2Ftenants%2Ftill-1');
    const panel = await screen.findByRole('region', {
      name: 'Details of till-1',
    });
    expect(
      within(panel).getByText(/Stale: last seen 12 min ago/),
    ).toBeInTheDocument();
    expect(within(panel).getByText('Unknown')).toBeInTheDocument();
    expect(
      await within(panel).findByText(/No catalog entity is annotated/),
    ).toBeInTheDocument();
  });
});

/** "last seen" of a recording: minutes ago, or just now right after a re-recording. */
const STALE_MARK = /Stale · last seen (just now|.+ ago)/;

describe('the example fleet, as the real backend serves it (recorded)', () => {
  const A = 'central/fleet-islands/island-a';
  const B = 'central/fleet-islands/island-b';

  it('shows central → island-a, island-b and the cloud tenants, with counts over the real health', async () => {
    const f = recorded.fleet();
    serve(f);
    await renderPage();
    const a = await screen.findByTestId(`island-${A}`);
    expect(screen.getByTestId('mc-central')).toHaveAccessibleName(
      'Central (cloud)',
    );
    expect(a).toHaveTextContent('island · factory-lyon');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    for (const island of f.islands) {
      const row = screen.getByTestId(`island-${island.id}`);
      const mine = f.tenants.filter(t => t.islandId === island.id);
      expect(row).toHaveTextContent(`${mine.length} tenants`);
      // the backend's own per-island counts and the page's agree
      const expected = Object.entries(island.tenantHealth)
        .filter(([, n]) => n > 0)
        .map(([status, n]) => `${n} ${status}`);
      expect(expected.length).toBeGreaterThan(0);
      for (const text of expected)
        expect(within(row).getByTestId('health-counts')).toHaveTextContent(
          text,
        );
    }
    await userEvent.click(within(a).getByTestId('expander'));
    const paint = screen.getByTestId(
      `tenant-${byName(f, 'lyon-paint-shop').id}`,
    );
    expect(paint).toHaveTextContent('declared v1.34.2 · running v1.33.7');
    expect(paint).toHaveTextContent('owner group:default/team-factory');
    expect(childRows(a)).toHaveLength(3);
    expect(
      screen.getByRole('treeitem', {
        name: 'Hosted in the management cluster',
      }),
    ).toHaveTextContent('1 tenant');
    expect(
      screen.getByText('7 tenants on 2 islands', { exact: false }),
    ).toBeInTheDocument();
  });

  it('after island-a was killed: banner, stale marks on the island and each of its tenants, none healthy; island-b untouched', async () => {
    serve(recorded.fleetIslandADisconnected());
    await renderPage();
    const banner = await screen.findByRole('alert');
    expect(banner).toHaveTextContent('1 island is disconnected');
    expect(banner).toHaveTextContent(
      /island-a \(last seen (just now|.+ ago)\)/,
    );
    const a = screen.getByTestId(`island-${A}`);
    expect(a).toHaveTextContent('Disconnected');
    expect(a).toHaveTextContent(STALE_MARK);
    expect(within(a).getByTestId('health-counts')).toHaveTextContent(
      '3 unknown',
    );
    await userEvent.click(within(a).getByTestId('expander'));
    const rows = childRows(a);
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      expect(row).toHaveTextContent(STALE_MARK);
      expect(row).toHaveTextContent('Unknown');
      expect(row).not.toHaveTextContent('Healthy');
    }
    const b = screen.getByTestId(`island-${B}`);
    expect(b).not.toHaveTextContent('Disconnected');
    expect(b).not.toHaveTextContent('Stale');
    expect(within(b).getByTestId('health-badge')).toHaveTextContent('Healthy');
  });

  /** The topology with island-a's side panel open, on a recorded fleet and uplink history. */
  async function openIslandAPanel(f: FleetResponse) {
    serve(f);
    serveMore(
      http.get(`${BASE}/v1/islands/${A}/uplink`, () =>
        HttpResponse.json(recorded.islandAUplink()),
      ),
    );
    await renderPage(`/kamaji?selected=${encodeURIComponent(A)}`);
    return screen.findByRole('region', { name: 'Details of island-a' });
  }

  it("island-a's side panel: since when connected, its data stores' tenants, and its uplink history", async () => {
    const panel = await openIslandAPanel(recorded.fleet());
    const details = within(panel).getByRole('table', { name: 'Details' });
    expect(
      within(details).getByRole('row', { name: /^Connection/ }),
    ).toHaveTextContent(/^ConnectionConnected since (just now|.+ ago)$/);
    expect(
      within(details).queryByRole('row', { name: /^Next retry/ }),
    ).not.toBeInTheDocument();
    expect(
      within(details).getByRole('row', { name: /^DataStores/ }),
    ).toHaveTextContent('default (etcd, 3 tenants)');
    const uplink = await within(panel).findByTestId('island-uplink');
    expect(uplink).toHaveTextContent(
      /Uplink, last 24 h: 58\.7% available over the 10 s recorded, 1 outage, longest 4 s/,
    );
    expect(
      within(uplink).getByRole('button', {
        name: /^Disconnected from .*ECONNREFUSED$/,
      }),
    ).toBeInTheDocument();
  });

  it("island-a's side panel after it was killed: disconnected since when, the next retry, stale", async () => {
    const panel = await openIslandAPanel(recorded.fleetIslandADisconnected());
    expect(
      within(panel).getByRole('row', { name: /^Connection/ }),
    ).toHaveTextContent(/^ConnectionDisconnected since (just now|.+ ago)$/);
    expect(
      within(panel).getByRole('row', { name: /^Next retry/ }),
    ).toHaveTextContent(/^Next retry(now|in \d+ (s|min))$/);
    expect(within(panel).getByText(/^Stale: last seen/)).toBeInTheDocument();
    expect(
      await within(panel).findByTestId('island-uplink'),
    ).toBeInTheDocument();
  });

  it('says permission denied with the backend message of a recorded 403', async () => {
    const body = recorded.forbidden();
    serve(() => HttpResponse.json(body, { status: 403 }));
    await renderPage();
    expect(await screen.findByText(/Permission denied/)).toBeInTheDocument();
    expect(
      screen.getByText(new RegExp(`${body.error.message} \\(403\\)`)),
    ).toBeInTheDocument();
  });
});
