/**
 * Rendering an entity card the way a legacy app does: in a test app, with the kamaji client
 * talking to msw, a permission API answering as the test says, and an entity in context.
 */
import type { ReactElement } from 'react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  AuthorizeResult,
  type EvaluatePermissionRequest,
} from '@backstage/plugin-permission-common';
import type { Entity } from '@backstage/catalog-model';
import { KAMAJI_ENTITY } from '@kamaji-backstage/plugin-kamaji-common';
import { kamajiApiRef } from '../api/KamajiApi';
import { rootRouteRef } from '../routes';
import { testClient } from './http';

export type Authorize =
  | AuthorizeResult.ALLOW
  | AuthorizeResult.DENY
  | ((
      request: EvaluatePermissionRequest,
    ) => AuthorizeResult.ALLOW | AuthorizeResult.DENY);

/** A `kubernetes-cluster` Resource as the catalog provider writes it. */
export function clusterEntity(
  id?: string,
  role: 'management' | 'island' | 'tenant' = 'tenant',
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: id ? id.replace(/\//g, '--') : 'no-annotation',
      labels: { [KAMAJI_ENTITY.roleLabel]: role },
      annotations: id ? { [KAMAJI_ENTITY.clusterIdAnnotation]: id } : {},
    },
    spec: {
      type: KAMAJI_ENTITY.resourceType,
      owner: 'group:default/team-edge',
    },
  };
}

export function groupEntity(name: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name, namespace: 'default' },
    spec: { type: 'team', children: [] },
  };
}

export async function renderEntityCard(
  card: ReactElement,
  entity: Entity,
  options: { authorize?: Authorize } = {},
) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [kamajiApiRef, testClient()],
        [
          permissionApiRef,
          mockApis.permission({
            authorize: options.authorize ?? AuthorizeResult.DENY,
          }),
        ],
      ]}
    >
      <EntityProvider entity={entity}>{card}</EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/kamaji': rootRouteRef } },
  );
}
