import {
  act,
  fireEvent,
  screen,
  waitFor,
  within,
} from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { largeFleet, sampleFleet } from '../../__fixtures__/fleet';
import { recorded } from '../../__fixtures__/recorded';
import {
  BASE,
  childRows,
  renderPage,
  search,
  serve,
  serveMore,
  setupFleetServer,
} from './__testUtils__/fleetPageTestEnv';

setupFleetServer();
jest.setTimeout(30_000);

/** Focus enters the tree at its tab stop (as Tab does after the filters). */
function focusTabStop() {
  const stops = screen.getAllByRole('treeitem').filter(r => r.tabIndex === 0);
  expect(stops).toHaveLength(1);
  act(() => stops[0].focus());
}

const focused = () => document.activeElement as HTMLElement;
const rowIds = () =>
  screen.getAllByRole('treeitem').map(r => r.getAttribute('data-testid'));

describe('keyboard navigation (WAI-ARIA tree)', () => {
  it('moves with the arrows, Home and End, expands and collapses, selects with Enter', async () => {
    serve(sampleFleet());
    // The side panel of an island shows its uplink history.
    serveMore(
      http.get(`${BASE}/v1/islands/cloud/islands/:name/uplink`, ({ params }) =>
        HttpResponse.json({
          ...recorded.islandAUplink(),
          clusterId: `cloud/islands/${params.name}`,
        }),
      ),
    );
    await renderPage();
    const tree = await screen.findByRole('tree', { name: 'Fleet topology' });
    const mc = within(tree).getByTestId('mc-cloud');
    // one tab stop: the first row
    expect(
      within(tree)
        .getAllByRole('treeitem')
        .filter(r => r.tabIndex === 0),
    ).toEqual([mc]);
    expect(mc).toHaveAttribute('aria-level', '1');
    expect(mc).toHaveAttribute('aria-setsize', '1');

    focusTabStop();
    expect(focused()).toBe(mc);
    // Right on an expanded node goes to its first child
    await userEvent.keyboard('{ArrowRight}');
    const a = screen.getByTestId('island-cloud/islands/factory-a');
    expect(focused()).toBe(a);
    expect(a).toHaveAttribute('tabindex', '0');
    expect(mc).toHaveAttribute('tabindex', '-1');
    expect(a).toHaveAttribute('aria-posinset', '1');
    expect(a).toHaveAttribute('aria-setsize', '3');
    // Right on a collapsed node expands it, focus stays
    await userEvent.keyboard('{ArrowRight}');
    expect(a).toHaveAttribute('aria-expanded', 'true');
    expect(focused()).toBe(a);
    expect(childRows(a)).toHaveLength(3);
    await userEvent.keyboard('{ArrowRight}');
    expect(focused()).toHaveAttribute(
      'data-testid',
      'tenant-cloud/tenants/line-2',
    );
    await userEvent.keyboard('{ArrowDown}{ArrowDown}');
    expect(focused()).toHaveAttribute(
      'data-testid',
      'tenant-cloud/tenants/line-3',
    );
    // Left on a leaf goes to the parent, Left on an expanded node collapses it
    await userEvent.keyboard('{ArrowLeft}');
    expect(focused()).toBe(a);
    await userEvent.keyboard('{ArrowLeft}');
    expect(a).toHaveAttribute('aria-expanded', 'false');
    expect(childRows(a)).toHaveLength(0);
    await userEvent.keyboard('{End}');
    expect(focused()).toHaveAccessibleName('Hosted in the management cluster');
    await userEvent.keyboard('{ArrowUp}');
    expect(focused()).toHaveAttribute(
      'data-testid',
      'island-cloud/islands/shop-b',
    );
    await userEvent.keyboard('{Home}');
    expect(focused()).toBe(mc);
    // Up at the top and Left at a top-level row go nowhere
    await userEvent.keyboard('{ArrowUp}');
    expect(focused()).toBe(mc);

    // Enter selects: the side panel opens and the selection is in the URL
    await userEvent.keyboard('{ArrowDown}{Enter}');
    const panel = await screen.findByRole('region', {
      name: 'Details of factory-a',
    });
    expect(search().get('selected')).toBe('cloud/islands/factory-a');
    expect(a).toHaveAttribute('aria-selected', 'true');
    expect(await within(panel).findByTestId('island-uplink')).toHaveTextContent(
      /Connected for 2 s\./,
    );
    await userEvent.click(
      within(panel).getByRole('button', { name: 'Close details' }),
    );
    await waitFor(() => expect(search().get('selected')).toBeNull());

    // Space selects too
    fireEvent.keyDown(screen.getByTestId('island-cloud/islands/shop-b'), {
      key: ' ',
    });
    expect(
      await screen.findByRole('region', { name: 'Details of shop-b' }),
    ).toBeInTheDocument();
  });

  it('Enter and Space on a group toggle it (a group has no details to show)', async () => {
    serve(sampleFleet());
    await renderPage('/kamaji?group=owner');
    const retail = await screen.findByRole('treeitem', {
      name: 'group:default/team-retail',
    });
    expect(retail).not.toHaveAttribute('aria-selected');
    fireEvent.keyDown(retail, { key: 'Enter' });
    expect(retail).toHaveAttribute('aria-expanded', 'true');
    fireEvent.keyDown(retail, { key: ' ' });
    expect(retail).toHaveAttribute('aria-expanded', 'false');
    expect(search().get('selected')).toBeNull();
  });
});

describe('colour is never the only signal', () => {
  it('every health icon in the tree sits next to the word for that health', async () => {
    serve(sampleFleet());
    await renderPage();
    const tree = await screen.findByRole('tree');
    for (const id of [
      'island-cloud/islands/factory-a',
      'island-cloud/islands/shop-b',
    ])
      await userEvent.click(
        within(screen.getByTestId(id)).getByTestId('expander'),
      );
    const icons = tree.querySelectorAll('svg[data-health]');
    expect(icons.length).toBeGreaterThan(8);
    for (const icon of Array.from(icons)) {
      const health = icon.getAttribute('data-health')!;
      expect(icon).toHaveAttribute('aria-hidden', 'true');
      expect(icon.parentElement!.textContent!.toLowerCase()).toContain(health);
    }
  });
});

describe('grouping', () => {
  it('groups by owner, with health counts per group, and keeps the grouping in the URL', async () => {
    serve(sampleFleet());
    await renderPage();
    await screen.findByRole('tree');
    fireEvent.mouseDown(screen.getByLabelText('Group by'));
    await userEvent.click(await screen.findByRole('option', { name: 'Owner' }));
    await waitFor(() => expect(search().get('group')).toBe('owner'));

    expect(rowIds()).toEqual([
      'owner:group:default/team-ci',
      'owner:group:default/team-edge',
      'owner:group:default/team-retail',
    ]);
    const retail = screen.getByRole('treeitem', {
      name: 'group:default/team-retail',
    });
    expect(retail).toHaveAttribute('aria-expanded', 'false');
    // line-2 is unhealthy; till-1 and till-2 are on the disconnected island: unknown, not healthy
    expect(within(retail).getByTestId('health-counts')).toHaveTextContent(
      '1 unhealthy2 unknown',
    );
    expect(retail).toHaveTextContent('3 tenants');
    await userEvent.click(within(retail).getByTestId('expander'));
    const rows = childRows(retail);
    expect(rows.map(r => r.getAttribute('data-testid'))).toEqual([
      'tenant-cloud/tenants/line-2',
      'tenant-cloud/tenants/till-1',
      'tenant-cloud/tenants/till-2',
    ]);
    // no island row above them: the row says where each tenant runs
    expect(rows[0]).toHaveTextContent('on island factory-a');
    expect(rows[1]).toHaveTextContent('on island shop-b');
    expect(rows[1]).toHaveTextContent('Stale · last seen 12 min ago');

    // "Clear filters" keeps the grouping, which is a view choice
    await userEvent.type(screen.getByLabelText('Search'), 'line');
    await waitFor(() => expect(search().get('q')).toBe('line'));
    await userEvent.click(
      screen.getByRole('button', { name: 'Clear filters' }),
    );
    await waitFor(() => expect(search().get('q')).toBeNull());
    expect(search().get('group')).toBe('owner');
  });

  it('groups by site: site → islands → tenants, a disconnected island marked on its site', async () => {
    serve(sampleFleet());
    await renderPage('/kamaji?group=site');
    await screen.findByRole('tree');
    expect(rowIds()).toEqual(['site:factory', 'site:shop', 'site-cloud:cloud']);
    const shop = screen.getByRole('treeitem', { name: 'shop' });
    expect(shop).toHaveTextContent('1 island disconnected');
    expect(within(shop).getByTestId('health-counts')).toHaveTextContent(
      '2 unknown',
    );
    expect(shop).not.toHaveTextContent(/healthy/i);
    const factory = screen.getByRole('treeitem', { name: 'factory' });
    expect(factory).toHaveTextContent('1 island');
    expect(factory).toHaveTextContent('3 tenants');
    expect(within(factory).getByTestId('health-counts')).toHaveTextContent(
      '1 unhealthy2 healthy',
    );
    const cloud = screen.getByRole('treeitem', {
      name: 'cloud (management cluster)',
    });
    expect(cloud).toHaveTextContent('1 tenant');
    await userEvent.click(within(shop).getByTestId('expander'));
    const islands = childRows(shop);
    expect(islands.map(r => r.getAttribute('data-testid'))).toEqual([
      'island-cloud/islands/shop-b',
    ]);
    expect(islands[0]).toHaveAttribute('aria-level', '2');
  });

  it('opens on the selected tenant of a shared link, its group expanded', async () => {
    serve(sampleFleet());
    await renderPage('/kamaji?group=owner&selected=cloud%2Ftenants%2Fline-3');
    const row = await screen.findByTestId('tenant-cloud/tenants/line-3');
    expect(row).toHaveAttribute('aria-selected', 'true');
    expect(row).toHaveAttribute('tabindex', '0');
    expect(
      await screen.findByRole('region', { name: 'Details of line-3' }),
    ).toBeInTheDocument();
  });
});

describe('a large fleet: 10,000 tenants on 500 islands', () => {
  it('renders a bounded number of rows, and keyboard navigation and expansion work through the window', async () => {
    serve(largeFleet(500, 20));
    await renderPage();
    const tree = await screen.findByRole('tree', {}, { timeout: 10_000 });
    expect(
      screen.getByText('10000 tenants on 500 islands', { exact: false }),
    ).toBeInTheDocument();
    // 501 rows in the tree (management cluster + 500 collapsed islands); a window of them in the DOM
    const bound = 30;
    expect(within(tree).getAllByRole('treeitem').length).toBeLessThan(bound);
    const first = within(tree).getByTestId('island-cloud/islands/island-000');
    expect(first).toHaveAttribute('aria-setsize', '500');
    expect(first).toHaveTextContent('Disconnected');

    focusTabStop();
    await userEvent.keyboard('{End}');
    const last = focused();
    expect(last).toHaveAttribute(
      'data-testid',
      'island-cloud/islands/island-499',
    );
    expect(last).toHaveAttribute('aria-posinset', '500');
    expect(within(tree).getAllByRole('treeitem').length).toBeLessThan(bound);
    expect(
      within(tree).queryByTestId('island-cloud/islands/island-000'),
    ).not.toBeInTheDocument();

    await userEvent.keyboard('{ArrowRight}');
    expect(last).toHaveAttribute('aria-expanded', 'true');
    await userEvent.keyboard('{ArrowRight}');
    expect(focused()).toHaveAttribute('aria-level', '3');
    expect(focused()).toHaveAttribute('aria-setsize', '20');
    await userEvent.keyboard('{End}');
    expect(focused()).toHaveAttribute('aria-posinset', '20');
    expect(within(tree).getAllByRole('treeitem').length).toBeLessThan(bound);

    await userEvent.keyboard('{Home}');
    expect(focused()).toBe(within(tree).getByTestId('mc-cloud'));
    expect(within(tree).getAllByRole('treeitem').length).toBeLessThan(bound);
  });

  it('groups 10,000 tenants by site into 25 collapsed sites with counts', async () => {
    serve(largeFleet(500, 20));
    await renderPage('/kamaji?group=site');
    const tree = await screen.findByRole('tree', {}, { timeout: 10_000 });
    const rows = within(tree).getAllByRole('treeitem');
    expect(rows.length).toBeLessThan(30);
    expect(rows[0]).toHaveAttribute('aria-setsize', '25');
    const site0 = within(tree).getByRole('treeitem', { name: 'site-0' });
    // islands 0, 25, ..., 475: 20 islands; the even ones (every 50th island) are disconnected
    expect(site0).toHaveTextContent('20 islands');
    expect(site0).toHaveTextContent('10 islands disconnected');
    expect(site0).toHaveTextContent('400 tenants');
  });
});
