import { http, HttpResponse } from 'msw';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { kamajiClusterScalePermission } from '@kamaji-backstage/plugin-kamaji-common';
import { EntityKamajiWorkerPoolsCard } from '../../plugin';
import { sampleFleet, tenant } from '../../__fixtures__/fleet';
import {
  backstageError,
  BASE,
  gate,
  setupKamajiServer,
} from '../../__testUtils__/http';
import { servePreviews } from '../../__testUtils__/previews';
import {
  clusterEntity,
  renderEntityCard,
  type Authorize,
} from '../../__testUtils__/entityCards';

// usePermission caches its answer per (permission, cluster) for the whole file: a test that
// needs the Scale action uses a tenant no other test asks about.
// Typing into dialogs takes a few seconds per test when the machine is busy.
jest.setTimeout(30000);

const server = setupKamajiServer();

function serve(cluster: object) {
  server.use(
    http.get(`${BASE}/v1/clusters/by-id`, () => HttpResponse.json(cluster)),
  );
}

const fleetTenant = (name: string) =>
  sampleFleet().tenants.find(x => x.name === name)!;

async function renderCard(id: string, authorize?: Authorize, role?: 'island') {
  return renderEntityCard(
    <EntityKamajiWorkerPoolsCard />,
    clusterEntity(id, role),
    { authorize },
  );
}

describe('WorkerPoolsCard', () => {
  it('shows progress while loading, then each pool with its replicas and phase', async () => {
    const t = tenant('pools', { workers: 3 });
    t.workerPools.push({
      ...t.workerPools[0],
      name: 'pools-md-gpu',
      version: 'v1.34.1',
      replicas: { desired: 2, current: 2, ready: 1, available: 1, upToDate: 1 },
      phase: 'ScalingUp',
    });
    const loading = gate();
    server.use(
      http.get(`${BASE}/v1/clusters/by-id`, async () => {
        await loading.wait();
        return HttpResponse.json(t);
      }),
    );
    await renderCard(t.id);
    expect(screen.getByTestId('progress')).toBeInTheDocument();
    loading.release();
    const table = await screen.findByRole('table', { name: 'Worker pools' });
    const gpu = within(table).getByRole('row', { name: /pools-md-gpu/ });
    expect(
      within(gpu)
        .getAllByRole('cell')
        .map(c => c.textContent),
    ).toEqual(['pools-md-gpu', 'v1.34.1', '2', '1', '1', 'ScalingUp']);
    expect(
      within(table).getByRole('row', { name: /pools-md-0/ }),
    ).toHaveTextContent('pools-md-0v1.34.2333Running');
  });

  it('says when a tenant has no pools, and when the entity is not a tenant', async () => {
    serve({ ...fleetTenant('ci-runner'), workerPools: [] });
    await renderCard('cloud/tenants/ci-runner');
    expect(
      await screen.findByText(/has no worker pools \(MachineDeployments\) yet/),
    ).toBeInTheDocument();

    serve(sampleFleet().islands[0]);
    await renderCard('cloud/islands/factory-a', undefined, 'island');
    expect(
      await screen.findByText(
        /cloud\/islands\/factory-a is an island cluster; the fleet lists worker pools for tenant clusters/,
      ),
    ).toBeInTheDocument();
  });

  it('shows a failed read with a retry that reloads', async () => {
    let calls = 0;
    server.use(
      http.get(`${BASE}/v1/clusters/by-id`, () => {
        calls++;
        return calls === 1
          ? backstageError(
              503,
              'ServiceUnavailableError',
              'fleet not synced yet',
            )
          : HttpResponse.json(fleetTenant('till-2'));
      }),
    );
    await renderCard('cloud/tenants/till-2');
    expect(
      (await screen.findAllByText(/fleet not synced yet/)).length,
    ).toBeGreaterThan(0);
    await userEvent.click(screen.getByRole('link', { name: 'Retry' }));
    expect(
      await screen.findByRole('table', { name: 'Worker pools' }),
    ).toBeInTheDocument();
    expect(calls).toBe(2);
  });

  it('marks the pools of a tenant on a disconnected island as stale', async () => {
    serve(fleetTenant('till-1'));
    await renderCard('cloud/tenants/till-1');
    expect(
      await screen.findByText(/Stale: last seen 12 min ago/),
    ).toBeInTheDocument();
  });

  it('hides Scale without the scale permission', async () => {
    const asked: string[] = [];
    serve(fleetTenant('line-2'));
    await renderCard('cloud/tenants/line-2', r => {
      asked.push(`${r.permission.name} ${r.resourceRef}`);
      return AuthorizeResult.DENY;
    });
    await screen.findByRole('table', { name: 'Worker pools' });
    await waitFor(() =>
      expect(asked).toEqual([
        `${kamajiClusterScalePermission.name} cloud/tenants/line-2`,
      ]),
    );
    expect(screen.queryByRole('button', { name: /Scale/ })).toBeNull();
  });

  it('checks the replica count, then sends the scale for that pool', async () => {
    serve(fleetTenant('line-1'));
    servePreviews(server);
    let body: unknown;
    server.use(
      http.post(
        `${BASE}/v1/clusters/cloud/tenants/line-1/scale`,
        async ({ request }) => {
          body = await request.json();
          return HttpResponse.json({
            cluster: 'cloud/tenants/line-1',
            pool: 'line-1-md-0',
            from: 2,
            to: 5,
            changed: true,
          });
        },
      ),
    );
    await renderCard('cloud/tenants/line-1', AuthorizeResult.ALLOW);
    await userEvent.click(
      await screen.findByRole('button', { name: 'Scale line-1-md-0' }),
    );
    const dialog = screen.getByRole('dialog', { name: 'Scale line-1-md-0' });
    const input = within(dialog).getByLabelText('Replicas');
    const confirm = within(dialog).getByRole('button', { name: 'Scale' });
    expect(input).toHaveValue(2);
    expect(confirm).toBeDisabled(); // unchanged

    await userEvent.clear(input);
    await userEvent.type(input, '1001');
    expect(
      within(dialog).getByText(
        'replicas must be a whole number from 0 to 1000',
      ),
    ).toBeInTheDocument();
    expect(confirm).toBeDisabled();

    await userEvent.clear(input);
    await userEvent.type(input, '0');
    expect(
      within(dialog).getByText('0 removes every worker of this pool.'),
    ).toBeInTheDocument();
    await userEvent.clear(input);
    await userEvent.type(input, '5');
    await waitFor(() => expect(confirm).toBeEnabled()); // after the dry run
    await userEvent.click(confirm);
    expect(
      await within(dialog).findByText(
        'Pool line-1-md-0 is scaling from 2 to 5 replicas.',
      ),
    ).toBeInTheDocument();
    expect(body).toEqual({ pool: 'line-1-md-0', replicas: 5 });
  });

  it('shows the backend refusal as it says it (the installation maximum)', async () => {
    serve(fleetTenant('line-3'));
    servePreviews(server);
    server.use(
      http.post(`${BASE}/v1/clusters/cloud/tenants/line-3/scale`, () =>
        backstageError(
          400,
          'InputError',
          'replicas must be an integer from 0 to 100 (got 150)',
        ),
      ),
    );
    await renderCard('cloud/tenants/line-3', AuthorizeResult.ALLOW);
    await userEvent.click(
      await screen.findByRole('button', { name: 'Scale line-3-md-0' }),
    );
    const dialog = screen.getByRole('dialog');
    const input = within(dialog).getByLabelText('Replicas');
    await userEvent.clear(input);
    await userEvent.type(input, '150');
    const scale = within(dialog).getByRole('button', { name: 'Scale' });
    await waitFor(() => expect(scale).toBeEnabled());
    await userEvent.click(scale);
    expect(
      await within(dialog).findByText('The backend refused (400)'),
    ).toBeInTheDocument();
    expect(within(dialog).getByTestId('action-refusal').textContent).toBe(
      'replicas must be an integer from 0 to 100 (got 150)',
    );
  });
});
