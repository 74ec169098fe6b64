/*
 * axe-core on the rendered topology page: no serious or critical violations, in the states a
 * user meets (a healthy fleet with an island open and a node selected, a disconnected island,
 * each grouping, a large fleet). Colour contrast needs layout, which jsdom does not do: axe
 * reports it as "incomplete" here, and the browser tests cover what the eye sees.
 */
import { http, HttpResponse } from 'msw';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { largeFleet, sampleFleet } from '../../__fixtures__/fleet';
import { recorded } from '../../__fixtures__/recorded';
import {
  BASE,
  renderPage,
  serve,
  serveMore,
  setupFleetServer,
} from './__testUtils__/fleetPageTestEnv';
import { seriousAxeViolations as seriousViolations } from '../../__testUtils__/axe';

setupFleetServer();
jest.setTimeout(60_000);

describe('the topology page has no serious axe-core violations', () => {
  it('with an island expanded and a tenant selected (side panel open)', async () => {
    serve(sampleFleet());
    await renderPage('/kamaji?selected=cloud%2Ftenants%2Fline-2');
    await screen.findByRole('region', { name: 'Details of line-2' });
    expect(screen.getByTestId('tenant-cloud/tenants/line-2')).toBeVisible();
    expect(await seriousViolations()).toEqual([]);
  });

  it('with a disconnected island open, its banner and stale marks shown', async () => {
    serve(sampleFleet());
    await renderPage();
    const b = await screen.findByTestId('island-cloud/islands/shop-b');
    await userEvent.click(within(b).getByTestId('expander'));
    expect(screen.getByRole('alert')).toHaveTextContent(
      '1 island is disconnected',
    );
    expect(screen.getAllByText(/Stale · last seen/).length).toBe(3);
    expect(await seriousViolations()).toEqual([]);
  });

  it('on the example fleet as the backend served it with island-a killed (recorded)', async () => {
    serve(recorded.fleetIslandADisconnected());
    await renderPage();
    const a = await screen.findByTestId(
      'island-central/fleet-islands/island-a',
    );
    await userEvent.click(within(a).getByTestId('expander'));
    expect(screen.getByRole('alert')).toHaveTextContent('island-a');
    expect(await seriousViolations()).toEqual([]);
  });

  it("with island-a's side panel open, its uplink bar shown (recorded)", async () => {
    const islandA = 'central/fleet-islands/island-a';
    serve(recorded.fleetIslandADisconnected());
    serveMore(
      http.get(`${BASE}/v1/islands/${islandA}/uplink`, () =>
        HttpResponse.json(recorded.islandAUplink()),
      ),
    );
    await renderPage(`/kamaji?selected=${encodeURIComponent(islandA)}`);
    const panel = await screen.findByRole('region', {
      name: 'Details of island-a',
    });
    await within(panel).findByTestId('uplink-bar');
    expect(await seriousViolations()).toEqual([]);
  });

  it('grouped by site and by owner', async () => {
    serve(sampleFleet());
    const { unmount } = await renderPage('/kamaji?group=site');
    const shop = await screen.findByRole('treeitem', { name: 'shop' });
    await userEvent.click(within(shop).getByTestId('expander'));
    expect(await seriousViolations()).toEqual([]);
    unmount();
    await renderPage('/kamaji?group=owner');
    const retail = await screen.findByRole('treeitem', {
      name: 'group:default/team-retail',
    });
    await userEvent.click(within(retail).getByTestId('expander'));
    expect(await seriousViolations()).toEqual([]);
  });

  it('with 10,000 tenants on 500 islands', async () => {
    serve(largeFleet(500, 20));
    await renderPage();
    const first = await screen.findByTestId(
      'island-cloud/islands/island-000',
      {},
      { timeout: 10_000 },
    );
    await userEvent.click(within(first).getByTestId('expander'));
    expect(await seriousViolations()).toEqual([]);
  });

  it('finds a violation when there is one (the check is live)', async () => {
    serve(sampleFleet());
    await renderPage();
    const a = await screen.findByTestId('island-cloud/islands/factory-a');
    // a treeitem outside any tree breaks aria-required-parent (critical)
    const orphan = a.cloneNode(true) as HTMLElement;
    orphan.removeAttribute('id');
    document.body.appendChild(orphan);
    try {
      expect(await seriousViolations()).toEqual([
        expect.stringMatching(/^aria-required-parent \(critical\)/),
      ]);
    } finally {
      orphan.remove();
    }
  });
});
