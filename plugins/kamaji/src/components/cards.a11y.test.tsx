/*
 * axe-core on the entity cards and the action dialogs as a user meets them: no serious or
 * critical violations.
 */
import { http, HttpResponse } from 'msw';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  EntityKamajiAddonsCard,
  EntityKamajiClusterOverviewCard,
  EntityKamajiGroupClustersCard,
  EntityKamajiIslandCard,
  EntityKamajiWorkerPoolsCard,
} from '../plugin';
import { recorded } from '../__fixtures__/recorded';
import {
  BASE,
  setupKamajiServer,
  snapshotResponse,
} from '../__testUtils__/http';
import { seriousAxeViolations } from '../__testUtils__/axe';
import {
  clusterEntity,
  groupEntity,
  renderEntityCard,
} from '../__testUtils__/entityCards';

jest.setTimeout(60_000);

const server = setupKamajiServer();

const TENANT = 'central/fleet-tenants/lyon-paint-shop';
const ISLAND_A = 'central/fleet-islands/island-a';

beforeEach(() => {
  const down = recorded.fleetIslandADisconnected();
  server.use(
    http.get(`${BASE}/v1/clusters/by-id`, () =>
      HttpResponse.json(recorded.cluster()),
    ),
    http.get(`${BASE}/v1/fleet`, () => HttpResponse.json(recorded.fleet())),
    http.get(`${BASE}/v1/fleet/snapshot`, () =>
      snapshotResponse(recorded.fleet()),
    ),
    http.get(`${BASE}/v1/islands/central/fleet-islands/island-a`, () =>
      HttpResponse.json({
        island: down.islands.find(i => i.id === ISLAND_A),
        tenants: down.tenants.filter(t => t.islandId === ISLAND_A),
      }),
    ),
    http.get(`${BASE}/v1/islands/central/fleet-islands/island-a/uplink`, () =>
      HttpResponse.json(recorded.islandAUplink()),
    ),
  );
});

describe('the entity cards have no serious axe-core violations', () => {
  it('on a tenant page with every action allowed', async () => {
    await renderEntityCard(
      <>
        <EntityKamajiClusterOverviewCard />
        <EntityKamajiWorkerPoolsCard />
        <EntityKamajiAddonsCard />
      </>,
      clusterEntity(TENANT),
      { authorize: AuthorizeResult.ALLOW },
    );
    await screen.findByRole('button', { name: 'Upgrade Kubernetes' });
    await screen.findByRole('button', { name: /^Scale / });
    await screen.findByRole('table', { name: 'Addon sets' });
    expect(await seriousAxeViolations()).toEqual([]);
  });

  it('with the upgrade dialog open and its input refused', async () => {
    await renderEntityCard(
      <EntityKamajiClusterOverviewCard />,
      clusterEntity(TENANT),
      { authorize: AuthorizeResult.ALLOW },
    );
    await userEvent.click(
      await screen.findByRole('button', { name: 'Upgrade Kubernetes' }),
    );
    await userEvent.type(screen.getByLabelText('Target version'), 'v1.37.0');
    expect(screen.getByText(/skips a minor release/)).toBeInTheDocument();
    expect(await seriousAxeViolations()).toEqual([]);
  });

  it('on a disconnected island and a group page', async () => {
    await renderEntityCard(
      <EntityKamajiIslandCard />,
      clusterEntity(ISLAND_A, 'island'),
    );
    await renderEntityCard(
      <EntityKamajiGroupClustersCard />,
      groupEntity('platform-team'),
    );
    await screen.findByTestId('island-connection');
    await screen.findByTestId('uplink-bar');
    await screen.findByText('Fleet clusters owned by this group');
    await screen.findAllByTestId('health-counts');
    expect(await seriousAxeViolations()).toEqual([]);
  });
});
