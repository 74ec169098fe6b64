import { http, HttpResponse } from 'msw';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
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

const rowIds = () =>
  screen.getAllByRole('treeitem').map(r => r.getAttribute('data-testid'));

describe('grouping the topology by uplink health (recorded backend responses)', () => {
  it('puts the island with an outage in the last 7 days under "Flaky", the other under "Stable"', async () => {
    serve(recorded.fleet());
    serveMore(
      http.get(`${BASE}/v1/uplink`, ({ request }) => {
        expect(new URL(request.url).searchParams.get('window')).toBe('7d');
        return HttpResponse.json(recorded.uplinkRanking());
      }),
    );
    await renderPage('/kamaji?group=uplink');
    await screen.findByRole('treeitem', {
      name: 'Flaky: outages in the last 7 days',
    });
    expect(rowIds()).toEqual([
      'uplink:flaky',
      'uplink:stable',
      'site-cloud:central',
    ]);
    const flaky = screen.getByRole('treeitem', {
      name: 'Flaky: outages in the last 7 days',
    });
    await userEvent.click(within(flaky).getByTestId('expander'));
    expect(childRows(flaky).map(r => r.getAttribute('data-testid'))).toEqual([
      'island-central/fleet-islands/island-a',
    ]);
    expect(search().get('group')).toBe('uplink');
  });

  it('puts a disconnected island first, whatever its history', async () => {
    serve(recorded.fleetIslandADisconnected());
    serveMore(
      http.get(`${BASE}/v1/uplink`, () =>
        HttpResponse.json(recorded.uplinkRanking()),
      ),
    );
    await renderPage('/kamaji?group=uplink');
    await screen.findByRole('treeitem', { name: 'Disconnected now' });
    expect(rowIds().slice(0, 2)).toEqual(['uplink:down', 'uplink:stable']);
  });

  it('says so when the uplink history cannot be read, and still groups the disconnected islands', async () => {
    serve(recorded.fleetIslandADisconnected());
    serveMore(
      http.get(`${BASE}/v1/uplink`, () =>
        HttpResponse.json(
          {
            error: { name: 'Error', message: 'database unavailable' },
            response: { statusCode: 503 },
          },
          { status: 503 },
        ),
      ),
    );
    await renderPage('/kamaji?group=uplink');
    expect(
      await screen.findByText(/Uplink history unavailable/),
    ).toBeInTheDocument();
    expect(rowIds().slice(0, 2)).toEqual(['uplink:down', 'uplink:unknown']);
  });
});
