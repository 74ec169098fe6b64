/*
 * The day-2 dialogs wait for the API server's dry run before their confirm button is enabled,
 * and show it: the fields that change, the objects a delete takes with it, or the server's
 * refusal. Responses recorded from the real backend (record-kamaji-fixtures).
 */
import { http, HttpResponse } from 'msw';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { TenantNode } from '@kamaji-backstage/plugin-kamaji-common';
import { ClusterOverviewCard } from '../ClusterOverviewCard';
import { EntityKamajiWorkerPoolsCard } from '../../plugin';
import { recorded } from '../../__fixtures__/recorded';
import { BASE, gate, setupKamajiServer } from '../../__testUtils__/http';
import {
  clusterEntity,
  renderEntityCard,
} from '../../__testUtils__/entityCards';

jest.setTimeout(30000);

const server = setupKamajiServer();
const CLUSTER = `${BASE}/v1/clusters/central/fleet-tenants/berlin-pos`;

/** The recorded previews are of berlin-pos (island-b, two worker pools). */
function serveBerlinPos(): { tenant: TenantNode; actions: string[] } {
  const tenant = recorded
    .fleet()
    .tenants.find(t => t.name === 'berlin-pos') as TenantNode;
  const actions: string[] = [];
  server.use(
    http.get(`${BASE}/v1/clusters/by-id`, () => HttpResponse.json(tenant)),
    http.post(`${CLUSTER}/upgrade`, () => {
      actions.push('upgrade');
      return HttpResponse.json(recorded.previewUpgrade().result);
    }),
    http.post(`${CLUSTER}/scale`, () => {
      actions.push('scale');
      return HttpResponse.json(recorded.previewScale().result);
    }),
  );
  return { tenant, actions };
}

describe('previews in the day-2 dialogs', () => {
  it('shows the upgrade as a field diff and enables Upgrade only once the dry run passed', async () => {
    const { tenant, actions } = serveBerlinPos();
    const held = gate();
    let previewBody: unknown;
    server.use(
      http.post(`${CLUSTER}/upgrade/preview`, async ({ request }) => {
        previewBody = await request.json();
        await held.wait();
        return HttpResponse.json(recorded.previewUpgrade());
      }),
    );
    await renderEntityCard(<ClusterOverviewCard />, clusterEntity(tenant.id), {
      authorize: AuthorizeResult.ALLOW,
    });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Upgrade Kubernetes' }),
    );
    const dialog = screen.getByRole('dialog', { name: 'Upgrade berlin-pos' });
    const confirm = within(dialog).getByRole('button', { name: 'Upgrade' });
    await userEvent.click(
      within(dialog).getByLabelText('Also upgrade the worker pools'),
    );
    await userEvent.type(
      within(dialog).getByLabelText('Target version'),
      'v1.35.0',
    );
    expect(
      await within(dialog).findByLabelText(
        'Asking the API server for a dry run',
      ),
    ).toBeInTheDocument();
    await waitFor(() =>
      expect(previewBody).toEqual({ version: 'v1.35.0', workers: true }),
    );
    expect(confirm).toBeDisabled();

    held.release();
    const diff = await within(dialog).findByRole('table', {
      name: 'Fields that change',
    });
    const rows = within(diff)
      .getAllByRole('row')
      .slice(1)
      .map(r => r.textContent);
    expect(rows).toEqual([
      'KamajiControlPlane berlin-pos/spec/versionv1.34.2v1.35.0',
      'MachineDeployment berlin-pos-backoffice/spec/template/spec/versionv1.34.2v1.35.0',
      'MachineDeployment berlin-pos-tills/spec/template/spec/versionv1.34.2v1.35.0',
    ]);
    expect(
      within(dialog).getByText(
        'Dry run by the API server: nothing has changed yet',
      ),
    ).toBeInTheDocument();
    expect(actions).toEqual([]);
    expect(confirm).toBeEnabled();
    await userEvent.click(confirm);
    expect(
      await within(dialog).findByText(
        /Upgrade of central\/fleet-tenants\/berlin-pos to v1\.35\.0 started/,
      ),
    ).toBeInTheDocument();
    expect(actions).toEqual(['upgrade']);
  });

  it("shows a scale the API server refuses in the server's words, with Scale disabled", async () => {
    const { tenant, actions } = serveBerlinPos();
    const refused = recorded.previewScaleRefused();
    server.use(
      http.post(`${CLUSTER}/scale/preview`, () =>
        HttpResponse.json(refused, { status: 400 }),
      ),
    );
    await renderEntityCard(
      <EntityKamajiWorkerPoolsCard />,
      clusterEntity(tenant.id),
      { authorize: AuthorizeResult.ALLOW },
    );
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Scale berlin-pos-backoffice',
      }),
    );
    const dialog = screen.getByRole('dialog');
    const input = within(dialog).getByLabelText('Replicas');
    await userEvent.clear(input);
    await userEvent.type(input, '9');
    const refusal = await within(dialog).findByTestId('preview-refusal');
    expect(refusal).toHaveTextContent('The dry run was refused');
    expect(refusal).toHaveTextContent(
      "ValidatingAdmissionPolicy 'edge-capacity' with binding 'edge-capacity' denied request: worker pools above 5 replicas need a capacity review (policy edge-capacity)",
    );
    expect(
      within(dialog).getByRole('button', { name: 'Scale' }),
    ).toBeDisabled();
    expect(actions).toEqual([]);
  });

  it('lists what a delete takes with it before the name is even typed', async () => {
    const { tenant } = serveBerlinPos();
    let deletes = 0;
    server.use(
      http.post(`${CLUSTER}/delete/preview`, () =>
        HttpResponse.json(recorded.previewDelete()),
      ),
      http.delete(CLUSTER, () => {
        deletes++;
        return HttpResponse.json(
          { cluster: tenant.id, deleting: true },
          { status: 202 },
        );
      }),
    );
    await renderEntityCard(<ClusterOverviewCard />, clusterEntity(tenant.id), {
      authorize: AuthorizeResult.ALLOW,
    });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Delete cluster' }),
    );
    const dialog = screen.getByRole('dialog', { name: 'Delete berlin-pos' });
    const table = await within(dialog).findByRole('table', {
      name: 'Objects deleted with the cluster',
    });
    const kinds = within(table)
      .getAllByRole('row')
      .slice(1)
      .map(r => within(r).getAllByRole('cell')[0].textContent);
    expect(kinds).toEqual(
      recorded.previewDelete().dependents!.map(d => d.kind),
    );
    expect(kinds).toEqual(
      expect.arrayContaining([
        'KamajiControlPlane',
        'TenantControlPlane',
        'MachineDeployment',
        'Machine',
      ]),
    );
    expect(
      within(table).getByText('central/fleet-islands/island-b'),
    ).toBeInTheDocument();
    const button = within(dialog).getByRole('button', { name: 'Delete' });
    expect(button).toBeDisabled();
    await userEvent.type(
      within(dialog).getByLabelText('Type berlin-pos to confirm'),
      'berlin-pos',
    );
    expect(button).toBeEnabled();
    expect(deletes).toBe(0);
  });
});
