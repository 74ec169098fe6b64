/*
 * The island picker with the backend's placement advice (recorded from the real backend):
 * islands in rank order with their reasons, shared islands' load as counts, the best island
 * preselected, and the advice asked for the form's site and version.
 */
import { http, HttpResponse } from 'msw';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { IslandPicker, islandPickerValidation } from './IslandPicker';
import {
  FLEET_URL,
  PLACEMENT_URL,
  TestForm,
  pickerApis,
  startMswServer,
  validate,
} from './__testUtils__/pickers';
import { recorded } from '../../__fixtures__/recorded';

const server = startMswServer();

const islandField = {
  name: 'island',
  component: IslandPicker,
  schema: { title: 'Island', type: 'string' },
  required: true,
};

/** The advice with island-b ranked first (as if island-a were busier). */
function adviceFavouringB() {
  const advice = recorded.placement();
  const [a, b] = advice.islands;
  a.rank = 2;
  a.score = 55;
  a.reasons[1] = 'hosts 7 of 8 tenant control planes (1 free)';
  a.load.tenants = 7;
  b.rank = 1;
  advice.islands = [b, a];
  advice.recommended = b.islandId;
  return advice;
}

describe('IslandPicker with placement advice', () => {
  it('ranks the islands with their reasons and preselects the best one', async () => {
    const asked: URLSearchParams[] = [];
    // An application team sees only its own tenant of island-a in the fleet.
    const fleet = recorded.fleet();
    const a = fleet.islands.find(i => i.name === 'island-a')!;
    a.tenantIds = a.tenantIds.slice(0, 1);
    server.use(
      http.get(FLEET_URL, () => HttpResponse.json(fleet)),
      http.get(PLACEMENT_URL, ({ request }) => {
        asked.push(new URL(request.url).searchParams);
        return HttpResponse.json(adviceFavouringB());
      }),
    );
    let data: Record<string, unknown> = {};
    await renderInTestApp(
      <TestApiProvider apis={pickerApis() as any}>
        <TestForm
          fields={[islandField]}
          initial={{ site: 'factory-lyon', kubernetesVersion: 'v1.35.0' }}
          onData={d => (data = d)}
        />
      </TestApiProvider>,
    );
    await waitFor(() =>
      expect(data.island).toBe('central/fleet-islands/island-b'),
    );
    expect(Object.fromEntries(asked[0])).toEqual({
      site: 'factory-lyon',
      version: 'v1.35.0',
    });

    await userEvent.click(screen.getByRole('textbox', { name: /Island/ }));
    const list = within(await screen.findByRole('listbox'));
    const options = list.getAllByRole('option');
    expect(
      options.map(o => o.querySelector('[data-rank]')?.textContent),
    ).toEqual([
      'Rank 1 of 2 · recommended: connected now; hosts 3 of 8 tenant control planes (5 free); least used data store default (etcd) serves 3 control planes; uplink up 100% of the 2 s recorded in the last 7d with 0 outages; runs Kubernetes v1.34.2, fit for v1.35.0',
      'Rank 2 of 2: connected now; hosts 7 of 8 tenant control planes (1 free); least used data store default (etcd) serves 3 control planes; uplink up 100% of the 2 s recorded in the last 7d with 0 outages; runs Kubernetes v1.34.2, fit for v1.35.0',
    ]);
    // The load of island-a counts every team's tenants, not only the one this user sees.
    expect(options[1]).toHaveTextContent('7 of 8 tenants hosted');
  });

  it('lists a shared island known only from the advice, and accepts it', async () => {
    const fleet = recorded.fleet();
    fleet.islands = fleet.islands.filter(i => i.name === 'island-a');
    server.use(
      http.get(FLEET_URL, () => HttpResponse.json(fleet)),
      http.get(PLACEMENT_URL, () => HttpResponse.json(adviceFavouringB())),
    );
    const apis = pickerApis();
    expect(
      await validate(islandPickerValidation, 'central/fleet-islands/island-b', {
        apis,
        title: 'Island',
      }),
    ).toEqual([]);
    expect(
      await validate(islandPickerValidation, 'island-z', {
        apis,
        title: 'Island',
      }),
    ).toEqual([
      "Island: there is no island 'island-z' in the fleet: pick one of central/fleet-islands/island-a, central/fleet-islands/island-b",
    ]);
  });
});
