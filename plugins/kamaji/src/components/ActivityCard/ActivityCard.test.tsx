import { http, HttpResponse } from 'msw';
import { screen, within } from '@testing-library/react';
import { EntityKamajiActivityCard } from '../../plugin';
import { recorded } from '../../__fixtures__/recorded';
import { BASE, setupKamajiServer } from '../../__testUtils__/http';
import {
  clusterEntity,
  renderEntityCard,
} from '../../__testUtils__/entityCards';
import { seriousAxeViolations } from '../../__testUtils__/axe';

jest.setTimeout(30000);

const server = setupKamajiServer();
const BERLIN_POS = 'central/fleet-tenants/berlin-pos';

function serve(respond: () => Response) {
  const seen: URLSearchParams[] = [];
  server.use(
    http.get(`${BASE}/v1/audit`, ({ request }) => {
      seen.push(new URL(request.url).searchParams);
      return respond();
    }),
  );
  return seen;
}

describe('EntityKamajiActivityCard', () => {
  it("shows the owners the cluster's recorded changes", async () => {
    const seen = serve(() => HttpResponse.json(recorded.auditCluster()));
    await renderEntityCard(
      <EntityKamajiActivityCard />,
      clusterEntity(BERLIN_POS),
    );
    const table = await screen.findByRole('table', { name: 'Activity' });
    expect(Object.fromEntries(seen[0])).toEqual({
      cluster: BERLIN_POS,
      limit: '10',
    });
    const [row] = within(table).getAllByRole('row').slice(1);
    expect(within(row).getByText('user:default/platform-admin')).toBeVisible();
    expect(within(row).getByText('scale berlin-pos-tills to 3')).toBeVisible();
    expect(within(row).getByText('success')).toBeVisible();
    expect(screen.getByRole('link', { name: /All activity/ })).toHaveAttribute(
      'href',
      `/kamaji/audit?cluster=${encodeURIComponent(BERLIN_POS)}`,
    );
    expect(await seriousAxeViolations()).toEqual([]);
  });

  it('says so when nothing is on record', async () => {
    serve(() =>
      HttpResponse.json({
        items: [],
        page: { total: 0, offset: 0, limit: 10 },
      }),
    );
    await renderEntityCard(
      <EntityKamajiActivityCard />,
      clusterEntity(BERLIN_POS),
    );
    expect(
      await screen.findByText('No change to this cluster is on record yet.'),
    ).toBeVisible();
  });

  it('shows "permission denied" to a user who may not read the cluster', async () => {
    serve(() => HttpResponse.json(recorded.forbidden(), { status: 403 }));
    await renderEntityCard(
      <EntityKamajiActivityCard />,
      clusterEntity(BERLIN_POS),
    );
    expect(await screen.findByText(/Permission denied/)).toBeInTheDocument();
    expect(screen.queryByRole('table')).toBeNull();
  });
});
