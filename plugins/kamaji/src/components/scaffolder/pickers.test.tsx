import { http, HttpResponse } from 'msw';
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { IslandPicker, islandPickerValidation } from './IslandPicker';
import { DatastorePicker, datastorePickerValidation } from './DatastorePicker';
import {
  KubernetesVersionPicker,
  kubernetesVersionPickerValidation,
} from './KubernetesVersionPicker';
import { AddonSetPicker, addonSetPickerValidation } from './AddonSetPicker';
import { OwnerPicker, ownerPickerValidation } from './OwnerPicker';
import {
  FLEET_URL,
  PLATFORM_USER,
  RETAIL_USER,
  TestForm,
  pickerApis,
  pickerFleet,
  startMswServer,
  validate,
} from './__testUtils__/pickers';

const server = startMswServer();

function serveFleet(fleet = pickerFleet()) {
  const queries: URLSearchParams[] = [];
  server.use(
    http.get(FLEET_URL, ({ request }) => {
      queries.push(new URL(request.url).searchParams);
      return HttpResponse.json(fleet);
    }),
  );
  return queries;
}

type FormProps = Parameters<typeof TestForm>[0];

async function renderForm(
  props: FormProps,
  options: Parameters<typeof pickerApis>[0] = {},
) {
  await renderInTestApp(
    <TestApiProvider apis={pickerApis(options) as any}>
      <TestForm {...props} />
    </TestApiProvider>,
  );
}

async function openList(label: RegExp) {
  const input = screen.getByRole('textbox', { name: label });
  await userEvent.click(input);
  return within(await screen.findByRole('listbox'));
}

/** The test id of the choice shown in a list option. */
const testIdIn = (option: HTMLElement) =>
  option.querySelector('[data-testid]')?.getAttribute('data-testid');

const islandField = {
  name: 'island',
  component: IslandPicker,
  schema: { title: 'Island', type: 'string' },
  required: true,
};
const dataStoreField = {
  name: 'dataStore',
  component: DatastorePicker,
  schema: { title: 'Data store', type: 'string' },
  uiOptions: { islandField: 'island' },
};

/** The island picker's validation of a value, with the field titled 'Island'. */
function islandValidator() {
  const apis = pickerApis();
  return (value: string) =>
    validate(islandPickerValidation, value, { apis, title: 'Island' });
}

describe('IslandPicker', () => {
  it('shows loading, then every island with its connection state and tenant load', async () => {
    let answer!: () => void;
    const answered = new Promise<void>(resolve => (answer = resolve));
    server.use(
      http.get(FLEET_URL, async () => {
        await answered; // the fleet answers once the loading state was seen
        return HttpResponse.json(pickerFleet());
      }),
    );
    let data: Record<string, unknown> = {};
    await renderForm({ fields: [islandField], onData: d => (data = d) });
    expect(screen.getByRole('status')).toHaveTextContent('Loading islands…');
    answer();
    await waitFor(() => expect(screen.queryByRole('status')).toBeNull());

    const list = await openList(/Island/);
    const factory = list.getByTestId('option-cloud/islands/factory-a');
    expect(factory).toHaveTextContent('factory-a (factory)');
    expect(factory).toHaveTextContent('Connected');
    expect(factory).toHaveTextContent('3 tenants hosted · 1 data store');
    const shop = list.getByTestId('option-cloud/islands/shop-b');
    expect(shop).toHaveTextContent('Disconnected, last seen 12 min ago');
    expect(shop).toHaveTextContent('2 tenants hosted · 2 data stores');
    expect(
      shop.querySelector('[data-connection="disconnected"]'),
    ).not.toBeNull();

    await userEvent.click(shop);
    expect(data.island).toBe('cloud/islands/shop-b');
    expect(screen.getByRole('textbox', { name: /Island/ })).toHaveValue(
      'shop-b (shop)',
    );
    expect(screen.getByRole('alert')).toHaveTextContent(
      'shop-b is disconnected, last seen 12 min ago.',
    );
  });

  it('shows the backend error and loads again on retry', async () => {
    let calls = 0;
    server.use(
      http.get(FLEET_URL, () => {
        calls++;
        return calls === 1
          ? HttpResponse.json(
              {
                error: {
                  name: 'NotAllowedError',
                  message: 'kamaji.cluster.read denied',
                },
                response: { statusCode: 403 },
              },
              { status: 403 },
            )
          : HttpResponse.json(pickerFleet());
      }),
    );
    await renderForm({ fields: [islandField] });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(
      'Could not load the islands: kamaji.cluster.read denied (403)',
    );
    await userEvent.click(within(alert).getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
    const list = await openList(/Island/);
    expect(list.getAllByRole('option')).toHaveLength(2);
  });

  it('keeps islands of the same name in two management clusters apart, naming their clusters', async () => {
    const fleet = pickerFleet();
    fleet.managementClusters.push({
      ...fleet.managementClusters[0],
      id: 'edge-eu',
      name: 'edge-eu',
      managementCluster: 'edge-eu',
    });
    fleet.islands.push({
      ...fleet.islands[0],
      id: 'edge-eu/islands/factory-a',
      managementCluster: 'edge-eu',
      dataStores: [{ ...fleet.islands[0].dataStores[0], name: 'eu-store' }],
    });
    serveFleet(fleet);
    let data: Record<string, unknown> = {};
    await renderForm({
      fields: [islandField, dataStoreField],
      onData: d => (data = d),
    });
    const list = await openList(/Island/);
    await waitFor(() => expect(list.getAllByRole('option')).toHaveLength(3));
    expect(
      list.getByTestId('option-cloud/islands/factory-a'),
    ).toHaveTextContent('factory-a (factory) · cloud');
    const eu = list.getByTestId('option-edge-eu/islands/factory-a');
    expect(eu).toHaveTextContent('factory-a (factory) · edge-eu');
    // A name only one island has needs no cluster in its label.
    expect(
      list.getByTestId('option-cloud/islands/shop-b'),
    ).not.toHaveTextContent('· cloud');
    await userEvent.click(eu);
    expect(data.island).toBe('edge-eu/islands/factory-a');
    // The data stores are those of the island picked, not of its namesake.
    await waitFor(() => expect(data.dataStore).toBe('eu-store'));

    const validateIsland = islandValidator();
    expect(await validateIsland('edge-eu/islands/factory-a')).toEqual([]);
    expect(await validateIsland('factory-a')).toEqual([
      "Island: 'factory-a' names 2 islands (cloud/islands/factory-a, edge-eu/islands/factory-a): pick one of them",
    ]);
  });

  it('lists the islands of every management cluster, and can keep to one', async () => {
    const fleet = pickerFleet();
    fleet.managementClusters.push({
      ...fleet.managementClusters[0],
      id: 'edge-eu',
      name: 'edge-eu',
      managementCluster: 'edge-eu',
    });
    fleet.islands.push({
      ...fleet.islands[0],
      id: 'edge-eu/islands/hamburg',
      name: 'hamburg',
      site: undefined,
      managementCluster: 'edge-eu',
    });
    serveFleet(fleet);
    await renderForm({ fields: [islandField] });
    let list = await openList(/Island/);
    await waitFor(() => expect(list.getAllByRole('option')).toHaveLength(3));
    // Names no other island has: no management cluster in the labels.
    expect(
      list.getByTestId('option-edge-eu/islands/hamburg'),
    ).toHaveTextContent(/^hamburg/);
    expect(
      list.getByTestId('option-edge-eu/islands/hamburg'),
    ).not.toHaveTextContent('· edge-eu');
    expect(
      list.getByTestId('option-cloud/islands/factory-a'),
    ).not.toHaveTextContent('· cloud');
    cleanup();

    await renderForm({
      fields: [{ ...islandField, uiOptions: { managementCluster: 'edge-eu' } }],
    });
    list = await openList(/Island/);
    await waitFor(() =>
      expect(list.getAllByRole('option').map(testIdIn)).toEqual([
        'option-edge-eu/islands/hamburg',
      ]),
    );
  });

  it('says what to do when the user sees no island', async () => {
    serveFleet({ ...pickerFleet(), islands: [] });
    await renderForm({ fields: [islandField] });
    expect(
      await screen.findByText(/No island is visible to you in the fleet/),
    ).toBeInTheDocument();
  });

  it('validates that the island is in the fleet, naming the field and the choices', async () => {
    serveFleet();
    const validateIsland = islandValidator();
    expect(await validateIsland('factory-a')).toEqual([]);
    expect(await validateIsland('island-z')).toEqual([
      "Island: there is no island 'island-z' in the fleet: pick one of cloud/islands/factory-a, cloud/islands/shop-b",
    ]);
  });
});

describe('DatastorePicker', () => {
  it('lists the data stores of the island chosen in the other field, and follows it', async () => {
    serveFleet();
    let data: Record<string, unknown> = {};
    await renderForm({
      fields: [islandField, dataStoreField],
      onData: d => (data = d),
    });
    expect(
      await screen.findByText('Pick an island first.'),
    ).toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: /Data store/ })).toBeDisabled();

    await userEvent.click(
      (await openList(/Island/)).getByTestId('option-cloud/islands/factory-a'),
    );
    await waitFor(() => expect(data.dataStore).toBe('default'));
    let list = await openList(/Data store/);
    expect(list.getAllByRole('option').map(o => o.textContent)).toEqual([
      'defaultetcd · readyused by 0 tenant control planes',
    ]);
    await userEvent.keyboard('{Escape}');

    await userEvent.click(
      (await openList(/Island/)).getByTestId('option-cloud/islands/shop-b'),
    );
    // default is not on shop-b: the picker moves to shop-b's ready store
    await waitFor(() => expect(data.dataStore).toBe('pg-shop'));
    list = await openList(/Data store/);
    expect(list.getByTestId('option-pg-shop')).toHaveTextContent(
      'PostgreSQL · readyused by 2 tenant control planes',
    );
    expect(list.getByTestId('option-etcd-spare')).toHaveTextContent(
      'etcd · not ready',
    );
    await userEvent.click(list.getByTestId('option-etcd-spare'));
    expect(data).toEqual({
      island: 'cloud/islands/shop-b',
      dataStore: 'etcd-spare',
    });
  });

  it('validates the data store against the chosen island', async () => {
    serveFleet();
    const apis = pickerApis();
    const ctx = {
      apis,
      title: 'Data store',
      formData: { island: 'shop-b' },
      uiOptions: { islandField: 'island' },
    };
    expect(await validate(datastorePickerValidation, 'pg-shop', ctx)).toEqual(
      [],
    );
    expect(await validate(datastorePickerValidation, 'default', ctx)).toEqual([
      "Data store: island shop-b has no DataStore 'default': pick one of pg-shop, etcd-spare",
    ]);
  });
});

describe('KubernetesVersionPicker', () => {
  /** What the field's template and the fleet make it offer, in its order. */
  const OFFERED = ['v1.36.1', 'v1.35.0', 'v1.34.2', 'v1.33.7'];
  const expectVersionOptions = (
    list: ReturnType<typeof within>,
    versions: string[],
  ) =>
    waitFor(() =>
      expect(list.getAllByRole('option').map(testIdIn)).toEqual(
        versions.map(v => `option-${v}`),
      ),
    );

  const field = {
    name: 'kubernetesVersion',
    component: KubernetesVersionPicker,
    schema: { title: 'Kubernetes version', type: 'string', default: 'v1.34.2' },
    uiOptions: { versions: ['v1.36.1', 'v1.30.9', 'v1.33.7', '1.35.0'] },
  };

  it('offers only supported versions, newest first, with their use in the fleet', async () => {
    const queries = serveFleet();
    await renderForm({ fields: [field] });
    const list = await openList(/Kubernetes version/);
    await expectVersionOptions(list, OFFERED);
    // v1.34.2: both islands and 5 of the 6 tenants declare it; v1.35.0 only line-3
    expect(list.getByTestId('option-v1.34.2')).toHaveTextContent(
      'declared by 7 clusters in the fleet',
    );
    expect(list.getByTestId('option-v1.35.0')).toHaveTextContent(
      'declared by 1 cluster in the fleet',
    );
    expect(list.getByTestId('option-v1.36.1')).toHaveTextContent(
      'not used in the fleet yet',
    );
    expect(queries[0].get('limit')).toBe('1000');
  });

  it('keeps a version it does not offer as the value, marked as not one of its choices', async () => {
    serveFleet();
    const consoleWarn = jest.spyOn(console, 'warn');
    // As the scaffolder's form fills in a parameter's default, here one outside the range.
    await renderForm({
      fields: [field],
      initial: { kubernetesVersion: 'v1.29.0' },
    });
    const list = await openList(/Kubernetes version/);
    await expectVersionOptions(list, [...OFFERED, 'v1.29.0']);
    expect(list.getByTestId('option-v1.29.0')).toHaveTextContent(
      'not one of the choices offered',
    );
    expect(
      screen.getByRole('textbox', { name: /Kubernetes version/ }),
    ).toHaveValue('v1.29.0');
    // MUI's Autocomplete warns about a value none of its options hold.
    expect(consoleWarn.mock.calls.flat().join('\n')).not.toMatch(
      /value provided to Autocomplete is invalid/,
    );
    consoleWarn.mockRestore();
  });

  it('follows the configured range', async () => {
    serveFleet();
    await renderForm(
      { fields: [field] },
      { config: { kubernetesVersions: { min: 'v1.35', max: 'v1.36' } } },
    );
    const list = await openList(/Kubernetes version/);
    await waitFor(() => expect(list.getAllByRole('option')).toHaveLength(2));
    expect(list.getByTestId('option-v1.36.1')).toBeInTheDocument();
    expect(list.getByTestId('option-v1.35.0')).toBeInTheDocument();
  });

  it("validates format and range with the actions' words", async () => {
    const apis = pickerApis();
    const ctx = { apis, title: 'Kubernetes version' };
    expect(
      await validate(kubernetesVersionPickerValidation, 'v1.34.2', ctx),
    ).toEqual([]);
    // Without the leading v it is read with it (the action notes it in the task log).
    expect(
      await validate(kubernetesVersionPickerValidation, '1.34.2', ctx),
    ).toEqual([]);
    expect(
      await validate(kubernetesVersionPickerValidation, 'v1.38.0', ctx),
    ).toEqual([
      'Kubernetes version: v1.38.0 is not supported: pick a version from v1.31 to v1.36 (the supported range is set in kamaji.scaffolder.kubernetesVersions)',
    ]);
  });
});

describe('AddonSetPicker', () => {
  const field = {
    name: 'addonSets',
    component: AddonSetPicker,
    schema: { title: 'Addon sets', type: 'array', items: { type: 'string' } },
  };

  it('offers the opt-in addon sets with kind, name and selector, several at once', async () => {
    serveFleet();
    let data: Record<string, unknown> = {};
    await renderForm({
      fields: [field],
      initial: { addonSets: ['observability'] },
      onData: d => (data = d),
    });
    const list = await openList(/Addon sets/);
    await waitFor(() => expect(list.getAllByRole('option')).toHaveLength(3));
    expect(list.getByTestId('option-observability')).toHaveTextContent(
      'ClusterProfile observability · selects addons.kamaji-backstage.io/observability=enabled · 2 clusters',
    );
    expect(list.getByTestId('option-cilium')).toHaveTextContent(
      'HelmChartProxy cilium · selects addons.kamaji-backstage.io/cilium in (enabled) · 0 clusters',
    );
    const other = list.getByTestId('option-ClusterProfile/prod-hardening');
    expect(other).toHaveTextContent(
      'selects env=prod: clusters cannot opt in with an addons label',
    );
    expect(other.closest('[role="option"]')).toHaveAttribute(
      'aria-disabled',
      'true',
    );
    await userEvent.click(list.getByTestId('option-cilium'));
    expect(data.addonSets).toEqual(['observability', 'cilium']);
  });

  it('picks one addon set when the parameter is a string', async () => {
    serveFleet();
    let data: Record<string, unknown> = {};
    await renderForm({
      fields: [{ ...field, schema: { title: 'Addon set', type: 'string' } }],
      onData: d => (data = d),
    });
    const list = await openList(/Addon set/);
    await userEvent.click(await list.findByTestId('option-cilium'));
    expect(data.addonSets).toBe('cilium');
  });

  it('validates names, duplicates and that the addon set exists', async () => {
    serveFleet();
    const ctx = { apis: pickerApis(), title: 'Addon sets' };
    expect(
      await validate(addonSetPickerValidation, ['observability'], ctx),
    ).toEqual([]);
    expect(
      await validate(
        addonSetPickerValidation,
        ['observability', 'new-set'],
        ctx,
      ),
    ).toEqual([
      "Addon sets: there is no addon set 'new-set' in the fleet: pick one of cilium, observability, or create it first (Addon set template)",
    ]);
    expect(
      await validate(
        addonSetPickerValidation,
        ['Bad Name', 'cilium', 'cilium'],
        ctx,
      ),
    ).toEqual([
      "Addon sets: 'Bad Name' cannot be an addon set name: use lowercase letters, digits and '-' (at most 63), as in the label addons.kamaji-backstage.io/<name>",
      "Addon sets: 'cilium' is listed twice: remove one",
    ]);
  });
});

describe('OwnerPicker', () => {
  const field = {
    name: 'owner',
    component: OwnerPicker,
    schema: { title: 'Owner', type: 'string' },
    required: true,
  };

  it("defaults to the user's group and offers only the user's groups", async () => {
    let data: Record<string, unknown> = {};
    await renderForm(
      { fields: [field], onData: d => (data = d) },
      { user: RETAIL_USER },
    );
    await waitFor(() => expect(data.owner).toBe('group:default/team-retail'));
    const list = await openList(/Owner/);
    expect(list.getAllByRole('option')).toHaveLength(1);
    expect(
      list.getByTestId('option-group:default/team-retail'),
    ).toHaveTextContent(
      'team retail (group:default/team-retail)one of your groups',
    );
    await userEvent.keyboard('{Escape}');
    // the preselection happens once: a cleared field stays empty
    await userEvent.clear(screen.getByRole('textbox', { name: /Owner/ }));
    expect(data.owner).toBeUndefined();
    await new Promise(r => setTimeout(r, 100));
    expect(data.owner).toBeUndefined();
  });

  it('offers every group to a fleet admin, their own first', async () => {
    let data: Record<string, unknown> = {};
    await renderForm(
      { fields: [field], onData: d => (data = d) },
      { user: PLATFORM_USER },
    );
    await waitFor(() => expect(data.owner).toBe('group:default/platform-team'));
    const list = await openList(/Owner/);
    expect(list.getAllByRole('option').map(testIdIn)).toEqual([
      'option-group:default/platform-team',
      'option-group:default/team-edge',
      'option-group:default/team-retail',
    ]);
    expect(
      list.getByTestId('option-group:default/team-edge'),
    ).toHaveTextContent('another team');
  });

  it("validates the owner as the actions' owner check does", async () => {
    const retail = { apis: pickerApis({ user: RETAIL_USER }), title: 'Owner' };
    const admin = { apis: pickerApis({ user: PLATFORM_USER }), title: 'Owner' };
    expect(
      await validate(
        ownerPickerValidation,
        'group:default/team-retail',
        retail,
      ),
    ).toEqual([]);
    expect(
      await validate(ownerPickerValidation, 'group:default/team-edge', retail),
    ).toEqual([
      "Owner: you may only pick one of your own groups (group:default/team-retail), not 'group:default/team-edge'; a fleet admin can pick any group",
    ]);
    expect(
      await validate(ownerPickerValidation, 'group:default/team-edge', admin),
    ).toEqual([]);
    expect(
      await validate(ownerPickerValidation, 'user:default/alice', retail),
    ).toEqual([
      "Owner: must be a group, not a user: give a catalog group as 'group:default/team-retail' or just 'team-retail'",
    ]);
    // Every written form of the user's group is the same group (kamaji-common's owner parser).
    for (const form of ['Team-Retail', 'group:Default/Team-Retail']) {
      expect(await validate(ownerPickerValidation, form, retail)).toEqual([]);
    }
  });
});
