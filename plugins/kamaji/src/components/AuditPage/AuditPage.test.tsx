import { http, HttpResponse } from 'msw';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import type { AuditPage } from '@kamaji-backstage/plugin-kamaji-common';
import { kamajiApiRef } from '../../api/KamajiApi';
import { recorded } from '../../__fixtures__/recorded';
import { BASE, setupKamajiServer, testClient } from '../../__testUtils__/http';
import { seriousAxeViolations } from '../../__testUtils__/axe';
import { AuditContent } from './AuditPage';

jest.setTimeout(30000);

const server = setupKamajiServer();

/** Serves a recorded page of the trail; returns the queries the view sent. */
function serve(page: AuditPage | (() => Response)) {
  const seen: URLSearchParams[] = [];
  server.use(
    http.get(`${BASE}/v1/audit`, ({ request }) => {
      seen.push(new URL(request.url).searchParams);
      return typeof page === 'function' ? page() : HttpResponse.json(page);
    }),
  );
  return seen;
}

function render(route = '/kamaji/audit') {
  return renderInTestApp(
    <TestApiProvider apis={[[kamajiApiRef, testClient()]]}>
      <AuditContent />
    </TestApiProvider>,
    { routeEntries: [route] },
  );
}

const rows = (table: HTMLElement) => within(table).getAllByRole('row').slice(1);

describe('AuditContent', () => {
  it('shows the platform team every record: plan, runner step, scale, denied delete', async () => {
    serve(recorded.audit());
    await render();
    const table = await screen.findByRole('table', { name: 'Audit trail' });
    expect(rows(table)).toHaveLength(6);
    const denied = rows(table)[0];
    expect(within(denied).getByText('user:default/retail-dev')).toBeVisible();
    expect(
      within(denied).getByText('central/fleet-tenants/berlin-kiosk'),
    ).toBeVisible();
    expect(within(denied).getByText('denied (403)')).toBeVisible();
    expect(
      within(denied).getByText(/You may not delete cluster/),
    ).toBeVisible();
    expect(
      within(rows(table)[1]).getByText('scale berlin-pos-tills to 3'),
    ).toBeVisible();
    const step = within(table)
      .getByText('kamaji-upgrade-runner')
      .closest('tr') as HTMLElement;
    expect(within(step).getByText(/^upgrade plan .*: patched$/)).toBeVisible();
    expect(await seriousAxeViolations()).toEqual([]);
  });

  it("shows a team user the backend's answer for it: its clusters' records only", async () => {
    serve(recorded.auditTeam());
    await render();
    const table = await screen.findByRole('table', { name: 'Audit trail' });
    expect(rows(table)).toHaveLength(3);
    expect(within(table).queryByText(/^upgrade-plan\//)).toBeNull();
  });

  it('reads its filters and page from the URL and sends them to the API', async () => {
    const seen = serve(recorded.auditCluster());
    await render(
      '/kamaji/audit?cluster=central%2Ffleet-tenants%2Fberlin-pos&action=scale&outcome=success&from=2026-12-01&to=2026-12-04&page=2',
    );
    await screen.findByRole('table', { name: 'Audit trail' });
    expect(Object.fromEntries(seen[0])).toEqual({
      cluster: 'central/fleet-tenants/berlin-pos',
      action: 'scale',
      outcome: 'success',
      from: '2026-12-01T00:00:00.000Z',
      to: '2026-12-05T00:00:00.000Z',
      limit: '25',
      offset: '50',
    });
    expect(screen.getByLabelText('Cluster')).toHaveValue(
      'central/fleet-tenants/berlin-pos',
    );
  });

  it('applies the filters typed in the form', async () => {
    const seen = serve(recorded.audit());
    await render();
    await screen.findByRole('table', { name: 'Audit trail' });
    await userEvent.type(
      screen.getByLabelText('Who'),
      'user:default/retail-dev',
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Apply filters' }),
    );
    await screen.findByRole('table', { name: 'Audit trail' });
    expect(seen[seen.length - 1].get('actor')).toBe('user:default/retail-dev');
    expect(seen[seen.length - 1].get('offset')).toBe('0');
  });

  it('applies an outcome and an action chosen from their lists', async () => {
    const seen = serve(recorded.audit());
    await render();
    await screen.findByRole('table', { name: 'Audit trail' });
    await userEvent.click(screen.getByRole('button', { name: /Outcome/ }));
    await userEvent.click(
      await screen.findByRole('option', { name: 'denied' }),
    );
    await userEvent.click(screen.getByRole('button', { name: /Action/ }));
    await userEvent.click(
      await screen.findByRole('option', { name: 'delete' }),
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Apply filters' }),
    );
    await screen.findByRole('table', { name: 'Audit trail' });
    const last = seen[seen.length - 1];
    expect([last.get('outcome'), last.get('action')]).toEqual([
      'denied',
      'delete',
    ]);
  });

  it('says when nothing matches', async () => {
    serve({ items: [], page: { total: 0, offset: 0, limit: 25 } });
    await render('/kamaji/audit?cluster=central%2Fother%2Fx');
    expect(
      await screen.findByText('No record matches these filters.'),
    ).toBeVisible();
  });

  it('says "permission denied" to a user who may read nothing', async () => {
    serve(() => HttpResponse.json(recorded.forbidden(), { status: 403 }));
    await render();
    expect(await screen.findByText(/Permission denied/)).toBeInTheDocument();
    expect(screen.queryByRole('table')).toBeNull();
  });
});
