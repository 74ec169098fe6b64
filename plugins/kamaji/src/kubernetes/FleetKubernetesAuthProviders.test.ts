import { KubernetesAuthProviders } from '@backstage/plugin-kubernetes-react';
import { FleetKubernetesAuthProviders } from './FleetKubernetesAuthProviders';

describe('FleetKubernetesAuthProviders', () => {
  const providers = new FleetKubernetesAuthProviders(
    new KubernetesAuthProviders({
      googleAuthApi: {} as any,
      microsoftAuthApi: {} as any,
    }),
  );
  const body = {
    entity: { apiVersion: 'v1', kind: 'Component', metadata: { name: 'x' } },
  };

  it('sends no credentials for fleet clusters: the backend resolves them', async () => {
    await expect(
      providers.decorateRequestBodyForAuth('kamaji', body),
    ).resolves.toEqual(body);
    await expect(providers.getCredentials('kamaji')).resolves.toEqual({});
  });

  it("keeps the Kubernetes plugin's own providers", async () => {
    await expect(
      providers.decorateRequestBodyForAuth('serviceAccount', body),
    ).resolves.toEqual(body);
    await expect(
      providers.decorateRequestBodyForAuth('no-such-provider', body),
    ).rejects.toThrow(
      'authProvider "no-such-provider" has no KubernetesAuthProvider',
    );
  });
});
