import { http, HttpResponse } from 'msw';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  AuthorizeResult,
  type EvaluatePermissionRequest,
} from '@backstage/plugin-permission-common';
import {
  kamajiClusterDeletePermission,
  kamajiClusterUpgradePermission,
} from '@kamaji-backstage/plugin-kamaji-common';
import { ClusterOverviewCard } from '../ClusterOverviewCard';
import { sampleFleet } from '../../__fixtures__/fleet';
import {
  backstageError,
  BASE,
  setupKamajiServer,
} from '../../__testUtils__/http';
import { servePreviews } from '../../__testUtils__/previews';
import {
  clusterEntity,
  renderEntityCard,
} from '../../__testUtils__/entityCards';

// Typing into dialogs takes a few seconds per test when the machine is busy.
jest.setTimeout(30000);

const server = setupKamajiServer();

// usePermission caches answers per (permission, cluster) for the test file: each test that
// needs its own answer uses its own tenant.
function serveTenant(name: string, changes: object = {}) {
  const t = {
    ...sampleFleet().tenants.find(x => x.name === name)!,
    ...changes,
  };
  let reads = 0;
  server.use(
    http.get(`${BASE}/v1/clusters/by-id`, ({ request }) => {
      expect(new URL(request.url).searchParams.get('id')).toBe(t.id);
      reads++;
      return HttpResponse.json(t);
    }),
  );
  return { tenant: t, reads: () => reads };
}

function recordingPolicy(allow: string[]) {
  const asked: EvaluatePermissionRequest[] = [];
  const authorize = (r: EvaluatePermissionRequest) => {
    asked.push(r);
    return allow.includes(r.permission.name)
      ? AuthorizeResult.ALLOW
      : AuthorizeResult.DENY;
  };
  return { asked, authorize };
}

describe('day-2 actions on the overview card', () => {
  it('hides upgrade and delete without the permissions, asking for this cluster', async () => {
    const { tenant } = serveTenant('line-2');
    const policy = recordingPolicy([]);
    await renderEntityCard(<ClusterOverviewCard />, clusterEntity(tenant.id), {
      authorize: policy.authorize,
    });
    expect(await screen.findByText('Unhealthy')).toBeInTheDocument();
    await waitFor(() => expect(policy.asked.length).toBe(2));
    expect(policy.asked.map(r => [r.permission.name, r.resourceRef])).toEqual(
      expect.arrayContaining([
        [kamajiClusterUpgradePermission.name, tenant.id],
        [kamajiClusterDeletePermission.name, tenant.id],
      ]),
    );
    expect(
      screen.queryByRole('button', { name: 'Upgrade Kubernetes' }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Delete cluster' }),
    ).not.toBeInTheDocument();
  });

  it('shows only the action the user may take', async () => {
    const { tenant } = serveTenant('till-1');
    const policy = recordingPolicy([kamajiClusterUpgradePermission.name]);
    await renderEntityCard(<ClusterOverviewCard />, clusterEntity(tenant.id), {
      authorize: policy.authorize,
    });
    expect(
      await screen.findByRole('button', { name: 'Upgrade Kubernetes' }),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Delete cluster' }),
    ).not.toBeInTheDocument();
  });

  it('checks the version before sending, sends the upgrade and reloads the card on close', async () => {
    const { tenant, reads } = serveTenant('line-1');
    servePreviews(server);
    let body: unknown;
    server.use(
      http.post(
        `${BASE}/v1/clusters/cloud/tenants/line-1/upgrade`,
        async ({ request }) => {
          body = await request.json();
          return HttpResponse.json({
            cluster: tenant.id,
            version: 'v1.35.0',
            changed: true,
            controlPlane: { name: 'line-1', from: 'v1.34.2', to: 'v1.35.0' },
            workerPools: [
              { name: 'line-1-md-0', from: 'v1.34.2', to: 'v1.35.0' },
            ],
          });
        },
      ),
    );
    await renderEntityCard(<ClusterOverviewCard />, clusterEntity(tenant.id), {
      authorize: AuthorizeResult.ALLOW,
    });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Upgrade Kubernetes' }),
    );
    const dialog = screen.getByRole('dialog', { name: 'Upgrade line-1' });
    const input = within(dialog).getByLabelText('Target version');
    const confirm = within(dialog).getByRole('button', { name: 'Upgrade' });
    expect(confirm).toBeDisabled();

    await userEvent.type(input, 'v1.36.0');
    expect(
      within(dialog).getByText(/skips a minor release/),
    ).toBeInTheDocument();
    expect(confirm).toBeDisabled();
    await userEvent.clear(input);
    await userEvent.type(input, 'v1.34.1');
    expect(
      within(dialog).getByText(/downgrades are not supported/),
    ).toBeInTheDocument();
    expect(confirm).toBeDisabled();
    await userEvent.clear(input);
    await userEvent.type(input, 'v1.35');
    expect(within(dialog).getByText(/semver form/)).toBeInTheDocument();
    expect(body).toBeUndefined();

    await userEvent.clear(input);
    await userEvent.type(input, 'v1.35.0');
    await userEvent.click(
      within(dialog).getByLabelText('Also upgrade the worker pools'),
    );
    await waitFor(() => expect(confirm).toBeEnabled()); // after the dry run
    await userEvent.click(confirm);

    expect(
      await within(dialog).findByText(
        'Upgrade of cloud/tenants/line-1 to v1.35.0 started. Control plane v1.34.2 → v1.35.0. Worker pools: line-1-md-0.',
      ),
    ).toBeInTheDocument();
    expect(body).toEqual({ version: 'v1.35.0', workers: true });
    const readsBefore = reads();
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Close' }),
    );
    await waitFor(() => expect(reads()).toBe(readsBefore + 1));
    expect(
      screen.queryByRole('dialog', { name: 'Upgrade line-1' }),
    ).not.toBeInTheDocument();
  });

  it('shows the backend refusal word for word', async () => {
    const { tenant } = serveTenant('line-3');
    servePreviews(server);
    const message =
      'cluster cloud/tenants/line-3 is upgrading (KamajiControlPlane reports v1.34.2 → v1.35.0); wait until it is done';
    server.use(
      http.post(`${BASE}/v1/clusters/cloud/tenants/line-3/upgrade`, () =>
        backstageError(409, 'ConflictError', message),
      ),
    );
    await renderEntityCard(<ClusterOverviewCard />, clusterEntity(tenant.id), {
      authorize: AuthorizeResult.ALLOW,
    });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Upgrade Kubernetes' }),
    );
    const dialog = screen.getByRole('dialog');
    await userEvent.type(
      within(dialog).getByLabelText('Target version'),
      'v1.35.1',
    );
    const upgrade = within(dialog).getByRole('button', { name: 'Upgrade' });
    await waitFor(() => expect(upgrade).toBeEnabled());
    await userEvent.click(upgrade);
    expect(
      await within(dialog).findByText('The backend refused (409)'),
    ).toBeInTheDocument();
    expect(within(dialog).getByTestId('action-refusal')).toHaveTextContent(
      new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`),
    );
    // Still open, so the user can change the version and try again.
    expect(
      within(dialog).getByRole('button', { name: 'Upgrade' }),
    ).toBeEnabled();
  });

  it('deletes only once the name is typed exactly, sending it as the confirmation', async () => {
    const { tenant } = serveTenant('ci-runner');
    servePreviews(server);
    let confirm: string | null = null;
    server.use(
      http.delete(
        `${BASE}/v1/clusters/cloud/tenants/ci-runner`,
        ({ request }) => {
          confirm = new URL(request.url).searchParams.get('confirm');
          return HttpResponse.json(
            { cluster: tenant.id, deleting: true },
            { status: 202 },
          );
        },
      ),
    );
    await renderEntityCard(<ClusterOverviewCard />, clusterEntity(tenant.id), {
      authorize: AuthorizeResult.ALLOW,
    });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Delete cluster' }),
    );
    const dialog = screen.getByRole('dialog', { name: 'Delete ci-runner' });
    const input = within(dialog).getByLabelText('Type ci-runner to confirm');
    const button = within(dialog).getByRole('button', { name: 'Delete' });
    await userEvent.type(input, 'ci-runne');
    expect(
      within(dialog).getByText(
        'the name does not match: type ci-runner exactly',
      ),
    ).toBeInTheDocument();
    expect(button).toBeDisabled();
    await userEvent.type(input, 'r');
    await waitFor(() => expect(button).toBeEnabled());
    await userEvent.click(button);
    expect(
      await within(dialog).findByText(
        /Deletion of cloud\/tenants\/ci-runner started/,
      ),
    ).toBeInTheDocument();
    expect(confirm).toBe('ci-runner');
  });

  it('offers no actions on unmanaged tenants (nothing in Cluster API to change)', async () => {
    const { tenant } = serveTenant('till-2', { managed: false });
    await renderEntityCard(<ClusterOverviewCard />, clusterEntity(tenant.id), {
      authorize: AuthorizeResult.ALLOW,
    });
    expect(await screen.findByText('Cluster overview')).toBeInTheDocument();
    await screen.findByTestId('health-badge');
    expect(screen.queryByRole('button')).not.toBeInTheDocument();
  });
});
