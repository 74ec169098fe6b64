import { HttpAuthService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import {
  IslandNode,
  parseClusterId,
  TenantNode,
} from '@kamaji-backstage/plugin-kamaji-common';
import { FleetService } from '@kamaji-backstage/plugin-kamaji-node';
import express from 'express';
import Router from 'express-promise-router';
import { FleetAuthorizer } from '../permissions';
import { clusterAtPath, scopeAllows, visibleCluster } from './actionTarget';
import { callerCredentials } from './actor';
import { byIdQuerySchema, parseQuery } from './inputs';

export interface ClusterRouteOptions {
  fleet: FleetService;
  httpAuth: HttpAuthService;
  authorizer: FleetAuthorizer;
}

/**
 * `GET /v1/clusters/by-id`, `GET /v1/clusters/{mc}/{ns}/{name}` and `GET /v1/islands/…`: one
 * cluster as the caller may see it; one the caller may not read is answered as one that does
 * not exist (404).
 */
export function createClusterRoutes(
  options: ClusterRouteOptions,
): express.Router {
  const { fleet, httpAuth, authorizer } = options;
  const router = Router();

  router.get('/v1/clusters/by-id', async (req, res) => {
    const credentials = await callerCredentials(httpAuth, req);
    const { id } = parseQuery(byIdQuerySchema, req);
    if (!parseClusterId(id)) {
      // Well-formed as far as the spec's pattern goes, but no id the fleet can have.
      throw new NotFoundError(`No cluster with id ${id}`);
    }
    const scope = await authorizer.readScope(credentials);
    const cluster = visibleCluster(scope, id, fleet);
    if (!cluster) throw new NotFoundError(`No cluster with id ${id}`);
    res.json(cluster);
  });

  router.get(
    '/v1/clusters/:managementCluster/:namespace/:name',
    async (req, res) => {
      const { id, cluster } = await clusterAtPath(options, req);
      if (!cluster) throw new NotFoundError(`No cluster with id ${id}`);
      res.json(cluster);
    },
  );

  router.get(
    '/v1/islands/:managementCluster/:namespace/:name',
    async (req, res) => {
      const { id, scope, cluster: island } = await clusterAtPath(options, req);
      if (!island || island.role !== 'island') {
        throw new NotFoundError(`No island with id ${id}`);
      }
      const tenants: TenantNode[] = [];
      for (const tenantId of (island as IslandNode).tenantIds) {
        const t = fleet.getCluster(tenantId);
        if (t?.role === 'tenant' && scopeAllows(scope, t)) tenants.push(t);
      }
      res.json({ island: island as IslandNode, tenants });
    },
  );

  return router;
}
