import express from 'express';
import request from 'supertest';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import {
  ClusterDetails,
  KubernetesClustersSupplier,
} from '@backstage/plugin-kubernetes-node';
import { impersonatingRouter } from './impersonatingProxy';
import { withImpersonation } from './impersonation';

const fleetCluster: ClusterDetails = {
  name: 'central/fleet-tenants/shop-1',
  url: 'https://127.0.0.1:1',
  authMetadata: {
    'kubernetes.io/auth-provider': 'kamaji',
    'kamaji-backstage.io/cluster-id': 'central/fleet-tenants/shop-1',
  },
};
const otherCluster: ClusterDetails = {
  name: 'configured',
  url: 'https://127.0.0.1:2',
  authMetadata: { 'kubernetes.io/auth-provider': 'serviceAccount' },
};
const bob = {
  user: 'user:default/bob',
  groups: ['group:default/team-a', 'group:default/team-b'],
};

/** The router in front of a stand-in for the kubernetes-backend's own, which echoes the headers it got. */
function app() {
  const supplier: KubernetesClustersSupplier = {
    async getClusters({ credentials }) {
      const user = (credentials.principal as any).userEntityRef;
      return [
        user ? withImpersonation(fleetCluster, bob) : fleetCluster,
        otherCluster,
      ];
    },
  };
  const router = impersonatingRouter(mockServices.httpAuth())({
    getDefault: () =>
      express.Router().use('/proxy', (req, res) => {
        res.json(req.headers);
      }),
    clusterSupplier: supplier,
    objectsProvider: {} as any,
    authStrategyMap: {},
  });
  // What Backstage's error handler answers for the errors this step throws.
  const errors: express.ErrorRequestHandler = (err, _req, res, _next) => {
    res
      .status(err.name === 'NotAllowedError' ? 403 : 500)
      .json({ error: { message: err.message } });
  };
  return express().use(router).use(errors);
}

describe('the step in front of the Kubernetes proxy', () => {
  it('replaces what the caller says about impersonation with the signed-in user', async () => {
    const res = await request(app())
      .get('/proxy/api/v1/pods')
      .set('authorization', mockCredentials.user.header('user:default/bob'))
      .set('backstage-kubernetes-cluster', fleetCluster.name)
      .set('impersonate-user', 'admin')
      .set('impersonate-group', 'system:masters')
      .set('impersonate-extra-scopes', 'all')
      .set('backstage-kubernetes-authorization', 'Bearer stolen');
    expect(res.status).toBe(200);
    expect(res.body['impersonate-user']).toBe('user:default/bob');
    expect(res.body['impersonate-group']).toEqual(bob.groups);
    expect(res.body['impersonate-extra-scopes']).toBeUndefined();
    expect(res.body['backstage-kubernetes-authorization']).toBeUndefined();
  });

  it('refuses a caller without a user identity on a fleet cluster', async () => {
    const res = await request(app())
      .get('/proxy/api/v1/pods')
      .set('authorization', mockCredentials.service.header())
      .set('backstage-kubernetes-cluster', fleetCluster.name);
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/only as a signed-in user/);
  });

  it('leaves requests to other clusters alone', async () => {
    const res = await request(app())
      .get('/proxy/api/v1/pods')
      .set('authorization', mockCredentials.user.header('user:default/bob'))
      .set('backstage-kubernetes-cluster', 'configured')
      .set('impersonate-user', 'someone');
    expect(res.status).toBe(200);
    expect(res.body['impersonate-user']).toBe('someone');
  });
});
