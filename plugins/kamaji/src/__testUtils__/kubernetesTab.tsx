/**
 * The Kubernetes tab in a legacy test app on what the real backend answered with impersonation
 * on (`scripts/check-kubernetes-backend.ts --record-fixtures`): the Kubernetes plugin's own client
 * and auth providers talk to msw, the catalog holds the cluster entities the user could read.
 */
import { http, HttpResponse } from 'msw';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import {
  catalogApiRef,
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  KubernetesAuthProviders,
  KubernetesBackendClient,
  kubernetesApiRef,
  kubernetesAuthProvidersApiRef,
} from '@backstage/plugin-kubernetes-react';
import type { Entity } from '@backstage/catalog-model';
import type { SetupServer } from 'msw/node';
import { EntityKamajiKubernetesContent } from '../plugin';
import { FleetKubernetesAuthProviders } from '../kubernetes';
import type { RecordedKubernetesTab } from '../__fixtures__/recorded';

const KUBERNETES = 'http://backstage.test/api/kubernetes';

/** The component the recordings were made for (examples/fleet: its workloads run on lyon-press-line). */
export const COMPONENT: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'press-line-vision',
    namespace: 'default',
    annotations: { 'backstage.io/kubernetes-id': 'press-line-vision' },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-factory' },
};

/** Serves a recorded Kubernetes tab; returns the entity names the services route was asked for. */
export function serveKubernetesTab(
  server: SetupServer,
  tab: RecordedKubernetesTab,
) {
  const asked: string[] = [];
  server.use(
    http.get(`${KUBERNETES}/clusters`, () => HttpResponse.json(tab.clusters)),
    http.post(`${KUBERNETES}/services/:name`, ({ params }) => {
      asked.push(String(params.name));
      return HttpResponse.json(tab.services);
    }),
  );
  return asked;
}

/** The APIs the Kubernetes tab uses: the Kubernetes plugin's client on msw, the recorded catalog. */
export function kubernetesTabApis(
  tab: RecordedKubernetesTab,
  authorize: AuthorizeResult.ALLOW | AuthorizeResult.DENY,
) {
  const discoveryApi = {
    getBaseUrl: async (id: string) => `http://backstage.test/api/${id}`,
  };
  const kubernetesAuthProvidersApi = new FleetKubernetesAuthProviders(
    new KubernetesAuthProviders({
      googleAuthApi: {} as any,
      microsoftAuthApi: {} as any,
    }),
  );
  return [
    [
      kubernetesApiRef,
      new KubernetesBackendClient({
        discoveryApi,
        fetchApi: { fetch: (i: any, init?: RequestInit) => fetch(i, init) },
        kubernetesAuthProvidersApi,
      }),
    ],
    [kubernetesAuthProvidersApiRef, kubernetesAuthProvidersApi],
    [catalogApiRef, catalogApiMock({ entities: tab.clusterEntities })],
    [permissionApiRef, mockApis.permission({ authorize })],
  ] as const;
}

/** `EntityKamajiKubernetesContent` for press-line-vision in a legacy test app. */
export function renderKubernetesTab(
  tab: RecordedKubernetesTab,
  authorize:
    | AuthorizeResult.ALLOW
    | AuthorizeResult.DENY = AuthorizeResult.ALLOW,
) {
  return renderInTestApp(
    <TestApiProvider apis={kubernetesTabApis(tab, authorize)}>
      <EntityProvider entity={COMPONENT}>
        <EntityKamajiKubernetesContent />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}
