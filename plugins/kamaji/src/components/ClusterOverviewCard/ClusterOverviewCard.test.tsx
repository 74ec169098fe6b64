import { http, HttpResponse } from 'msw';
import { screen } from '@testing-library/react';
import { renderTestApp } from '@backstage/frontend-test-utils';
import { mockApis } from '@backstage/test-utils';
import { createTestEntityPage } from '@backstage/plugin-catalog-react/testUtils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import type { Entity } from '@backstage/catalog-model';
import { kamajiApiRef } from '../../api/KamajiApi';
import { EntityKamajiClusterOverviewCard } from '../../plugin';
import { kamajiClusterOverviewCard } from '../../alpha';
import { isKamajiClusterAvailable } from '../../conditions';
import { LAST_SEEN, sampleFleet } from '../../__fixtures__/fleet';
import { BASE, setupKamajiServer, testClient } from '../../__testUtils__/http';
import {
  clusterEntity as entity,
  renderEntityCard,
} from '../../__testUtils__/entityCards';

const server = setupKamajiServer();

function serveCluster(status: number, body: object) {
  server.use(
    http.get(`${BASE}/v1/clusters/by-id`, () =>
      HttpResponse.json(body as any, { status }),
    ),
  );
}

async function renderCard(e: Entity) {
  return renderEntityCard(<EntityKamajiClusterOverviewCard />, e);
}

describe('ClusterOverviewCard', () => {
  it('applies only to entities with the cluster-id annotation', () => {
    expect(isKamajiClusterAvailable(entity('cloud/tenants/line-1'))).toBe(true);
    expect(isKamajiClusterAvailable(entity())).toBe(false);
  });

  it('shows the cluster: health as text, version skew, TCP, workers, island link', async () => {
    const t = sampleFleet().tenants.find(x => x.name === 'line-3')!;
    serveCluster(200, t);
    await renderCard(entity(t.id));
    expect(await screen.findByText('Healthy')).toBeInTheDocument();
    expect(
      screen.getByText('declared v1.35.0 · running v1.34.2 (version skew)'),
    ).toBeInTheDocument();
    expect(screen.getByText('Ready')).toBeInTheDocument();
    expect(screen.getByText('2/2 ready')).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'cloud/islands/factory-a' }),
    ).toHaveAttribute('href', '/kamaji?selected=cloud%2Fislands%2Ffactory-a');
    expect(
      screen.getByRole('link', { name: 'Show in the fleet topology' }),
    ).toBeInTheDocument();
  });

  it('lists the conditions that are not met, the endpoint and the datastore', async () => {
    const t = sampleFleet().tenants.find(x => x.name === 'line-2')!;
    t.endpoint = '10.20.0.7:6443';
    t.controlPlane.tenantControlPlane!.dataStore = 'etcd-lyon';
    t.conditions.push({
      type: 'Ready',
      status: 'True',
      source: 'KamajiControlPlane',
    });
    serveCluster(200, t);
    await renderCard(entity(t.id));
    const list = await screen.findByRole('list', {
      name: 'Conditions not met',
    });
    expect(list).toHaveTextContent(
      'Cluster Available False (ControlPlaneUnavailable): control plane endpoint does not answer',
    );
    expect(list).not.toHaveTextContent('KamajiControlPlane Ready');
    expect(screen.getByRole('row', { name: /Endpoint/ })).toHaveTextContent(
      '10.20.0.7:6443',
    );
    expect(screen.getByRole('row', { name: /Datastore/ })).toHaveTextContent(
      'etcd-lyon',
    );
  });

  it('marks stale data and never says healthy', async () => {
    const t = sampleFleet().tenants.find(x => x.name === 'till-1')!;
    serveCluster(200, {
      ...t,
      health: { status: 'healthy', reasons: [] },
      staleness: { stale: true, lastSeenAt: LAST_SEEN },
    });
    await renderCard(entity(t.id));
    expect(
      await screen.findByText(/Stale: last seen 12 min ago/),
    ).toBeInTheDocument();
    expect(screen.getByTestId('health-badge')).toHaveTextContent('Unknown');
    expect(screen.queryByText('Healthy')).not.toBeInTheDocument();
  });

  it('explains a missing annotation, a missing cluster and a denied read', async () => {
    await renderCard(entity());
    expect(await screen.findByText(/Missing Annotation/i)).toBeInTheDocument();

    serveCluster(404, {
      error: { name: 'NotFoundError', message: 'no such cluster' },
    });
    await renderCard(entity('cloud/tenants/gone'));
    expect(await screen.findByText(/Cluster not found/)).toBeInTheDocument();

    serveCluster(403, {
      error: { name: 'NotAllowedError', message: 'denied' },
    });
    await renderCard(entity('cloud/tenants/secret'));
    expect(await screen.findByText(/Permission denied/)).toBeInTheDocument();
  });

  it('renders as an entity card in the new frontend system', async () => {
    const t = sampleFleet().tenants.find(x => x.name === 'line-1')!;
    serveCluster(200, t);
    renderTestApp({
      extensions: [
        createTestEntityPage({ entity: entity(t.id) }),
        kamajiClusterOverviewCard,
      ],
      apis: [
        [kamajiApiRef, testClient()],
        [permissionApiRef, mockApis.permission()],
      ],
    });
    expect(
      await screen.findByText('Cluster overview', {}, { timeout: 10000 }),
    ).toBeInTheDocument();
    expect(await screen.findByText('Healthy')).toBeInTheDocument();
  });
});
