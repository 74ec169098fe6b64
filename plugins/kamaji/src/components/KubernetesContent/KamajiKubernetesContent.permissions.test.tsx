/**
 * The Kubernetes tab when Backstage's permission policy denies reading Kubernetes. A file of its
 * own: usePermission caches decisions per module, so allowing tests would answer for this one.
 */
import { screen } from '@testing-library/react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { recorded } from '../../__fixtures__/recorded';
import { setupKamajiServer } from '../../__testUtils__/http';
import {
  renderKubernetesTab,
  serveKubernetesTab,
} from '../../__testUtils__/kubernetesTab';

const server = setupKamajiServer();

describe('EntityKamajiKubernetesContent without the Kubernetes read permissions', () => {
  it("says so when Backstage's policy denies reading Kubernetes, without asking the backend", async () => {
    const asked = serveKubernetesTab(server, recorded.kubernetesTabOwner());
    await renderKubernetesTab(
      recorded.kubernetesTabOwner(),
      AuthorizeResult.DENY,
    );

    expect(
      await screen.findByText('Warning: Permission required'),
    ).toBeInTheDocument();
    expect(asked).toEqual([]);
  });
});
