/**
 * The Kubernetes tab on what the real backend answered for users of different teams with
 * impersonation on (src/__fixtures__/recorded/kubernetes-tab-*.json).
 */
import { screen, within } from '@testing-library/react';
import { recorded } from '../../__fixtures__/recorded';
import { setupKamajiServer } from '../../__testUtils__/http';
import {
  COMPONENT,
  kubernetesTabApis,
  renderKubernetesTab,
  serveKubernetesTab,
} from '../../__testUtils__/kubernetesTab';
import { renderTestApp } from '@backstage/frontend-test-utils';
import { createFrontendPlugin } from '@backstage/frontend-plugin-api';
import { createTestEntityPage } from '@backstage/plugin-catalog-react/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { kamajiKubernetesContentModule } from '../../alpha';

const server = setupKamajiServer();

const notAllowed = (cluster: string) =>
  screen.findByRole('status', { name: `Not allowed: ${cluster}` });

describe('EntityKamajiKubernetesContent', () => {
  it("shows another team's user the islands that refuse it as not allowed, with the owner to ask, and nothing of the tenant it may not see", async () => {
    const asked = serveKubernetesTab(server, recorded.kubernetesTabOtherTeam());
    await renderKubernetesTab(recorded.kubernetesTabOtherTeam());

    for (const island of ['island-a', 'island-b']) {
      const panel = await notAllowed(island);
      expect(panel).toHaveTextContent(
        `Your groups have no access to the cluster ${island} (central/fleet-islands/${island})`,
      );
      expect(panel).toHaveTextContent(
        "the cluster's RBAC refused the request (403)",
      );
      expect(panel).toHaveTextContent(
        'not an error of Backstage or of the Kubernetes plugin',
      );
      expect(panel).toHaveTextContent('/api/v1/pods');
      expect(
        await within(panel).findByRole('link', { name: 'platform-team' }),
      ).toHaveAttribute('href', '/catalog/default/group/platform-team');
    }
    expect(asked[0]).toBe('press-line-vision');
    // The backend does not offer team-factory's tenant to team-retail at all.
    expect(screen.queryByText(/lyon-press-line/)).not.toBeInTheDocument();
    // Neither the plugin's error panel nor empty cluster cards for clusters that refused.
    expect(screen.queryByText(/UNAUTHORIZED_ERROR/)).not.toBeInTheDocument();
    expect(
      screen.queryByText(/There was a problem retrieving Kubernetes objects/),
    ).not.toBeInTheDocument();
    expect(screen.queryByText('Cluster')).not.toBeInTheDocument();
    expect(screen.queryByText('Your Clusters')).not.toBeInTheDocument();
  });

  it('tells the user to ask the platform team when the catalog shows no owner of a refusing cluster', async () => {
    // A policy under which the catalog hides a cluster the Kubernetes plugin offers.
    const tab = { ...recorded.kubernetesTabOtherTeam(), clusterEntities: [] };
    serveKubernetesTab(server, tab);
    await renderKubernetesTab(tab);

    expect(await notAllowed('island-a')).toHaveTextContent(
      'The catalog shows you no owner for this cluster: ask your platform team',
    );
  });

  it("shows the owner team's user its tenant's objects next to the islands that refuse it", async () => {
    serveKubernetesTab(server, recorded.kubernetesTabOwner());
    await renderKubernetesTab(recorded.kubernetesTabOwner());

    expect(await notAllowed('island-a')).toHaveTextContent(
      "Ask the cluster's owner, platform-team",
    );
    expect(await notAllowed('island-b')).toBeInTheDocument();
    expect(
      screen.queryByRole('status', { name: 'Not allowed: lyon-press-line' }),
    ).not.toBeInTheDocument();

    // lyon-press-line answered 200: drawn as the Kubernetes plugin draws a cluster.
    expect(await screen.findByText('lyon-press-line')).toBeInTheDocument();
    expect(screen.getByText('Cluster')).toBeInTheDocument();
    expect(screen.getByText('2 pods')).toBeInTheDocument();
    expect(screen.getByText('No pods with errors')).toBeInTheDocument();
    expect(screen.getAllByText('Cluster')).toHaveLength(1);
    expect(screen.getByText('Your Clusters')).toBeInTheDocument();
  });

  it("keeps the Kubernetes plugin's error panel for other errors (an API server down)", async () => {
    serveKubernetesTab(server, recorded.kubernetesTabTenantDown());
    await renderKubernetesTab(recorded.kubernetesTabTenantDown());

    expect(
      await screen.findByText(
        'Warning: There was a problem retrieving Kubernetes objects',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getAllByText(
        /FETCH_ERROR, message: request to central\/fleet-tenants\/lyon-press-line failed/,
      ).length,
    ).toBeGreaterThan(0);
    expect(screen.queryByText(/Not allowed/)).not.toBeInTheDocument();
  });
});

describe('kamajiKubernetesContentModule (new frontend system)', () => {
  /** The Kubernetes plugin's id, with none of its extensions: the module brings the tab. */
  const kubernetesPlugin = createFrontendPlugin({ pluginId: 'kubernetes' });

  it("puts the tab on pages of entities with the Kubernetes plugin's annotations", async () => {
    serveKubernetesTab(server, recorded.kubernetesTabOtherTeam());
    renderTestApp({
      features: [kubernetesPlugin, kamajiKubernetesContentModule],
      extensions: [createTestEntityPage({ entity: COMPONENT })],
      apis: kubernetesTabApis(
        recorded.kubernetesTabOtherTeam(),
        AuthorizeResult.ALLOW,
      ),
    });
    expect(
      await screen.findByRole(
        'status',
        { name: 'Not allowed: island-a' },
        { timeout: 10000 },
      ),
    ).toBeInTheDocument();
  });

  it('leaves it off entities without them', async () => {
    const { annotations, ...metadata } = COMPONENT.metadata;
    renderTestApp({
      features: [kubernetesPlugin, kamajiKubernetesContentModule],
      extensions: [
        createTestEntityPage({ entity: { ...COMPONENT, metadata } }),
      ],
      apis: kubernetesTabApis(
        recorded.kubernetesTabOtherTeam(),
        AuthorizeResult.ALLOW,
      ),
    });
    expect(
      await screen.findByTestId('empty-entity-page', {}, { timeout: 10000 }),
    ).toBeInTheDocument();
  });
});
