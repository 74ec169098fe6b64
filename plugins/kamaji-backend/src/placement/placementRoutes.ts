import { HttpAuthService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { NotAllowedError } from '@backstage/errors';
import {
  kamajiClusterCreatePermission,
  parseKubeVersion,
} from '@kamaji-backstage/plugin-kamaji-common';
import { FleetService } from '@kamaji-backstage/plugin-kamaji-node';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { parseQuery } from '../api/inputs';
import { FleetAuthorizer } from '../permissions';
import { rankIslands } from './rankIslands';
import { UplinkHistorySource } from './uplinkHistory';
import { callerCredentials } from '../api/actor';

export interface PlacementSettings {
  /** Tenant control planes an island may host unless its label says otherwise. */
  defaultCapacity?: number;
}

/**
 * `kamaji.placement.islandCapacity`: how many tenant control planes an island may host, unless
 * the island's `kamaji-backstage.io/tenant-capacity` label says otherwise.
 */
export function readPlacementConfig(config: Config): PlacementSettings {
  const capacity = config.getOptionalNumber('kamaji.placement.islandCapacity');
  if (capacity !== undefined && (!Number.isInteger(capacity) || capacity < 0)) {
    throw new Error(
      `kamaji.placement.islandCapacity must be a whole number of tenant control planes (got ${capacity})`,
    );
  }
  return capacity === undefined ? {} : { defaultCapacity: capacity };
}

const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

export const placementQuerySchema = z
  .object({
    site: z
      .string()
      .min(1)
      .max(63)
      .regex(LABEL_VALUE, 'site must be a label value (a-z, A-Z, 0-9, -, _, .)')
      .optional(),
    version: z
      .string()
      .max(64)
      .refine(v => parseKubeVersion(v) !== undefined, {
        message:
          'version must be a Kubernetes version in semver form with a leading "v", e.g. "v1.34.2"',
      })
      .optional(),
    managementCluster: z
      .string()
      .min(1)
      .max(63)
      .regex(
        /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
        "managementCluster must be a DNS label (a-z, 0-9, '-')",
      )
      .optional(),
  })
  .strict();

export interface PlacementRouteOptions extends PlacementSettings {
  fleet: FleetService;
  httpAuth: HttpAuthService;
  authorizer: FleetAuthorizer;
  uplink: UplinkHistorySource;
}

/**
 * `GET /v1/placement`: the islands of a site ranked for a new tenant, for whoever may create
 * clusters. Every island of the site counts, whoever's tenants it hosts, but only as numbers:
 * no tenant of another team is named.
 */
export function createPlacementRoutes(
  options: PlacementRouteOptions,
): express.Router {
  const { fleet, httpAuth, authorizer, uplink } = options;
  const router = Router();
  router.get('/v1/placement', async (req, res) => {
    const credentials = await callerCredentials(httpAuth, req);
    const query = parseQuery(placementQuerySchema, req);
    if (
      !(await authorizer.allows(kamajiClusterCreatePermission, credentials))
    ) {
      throw new NotAllowedError(
        `You may not create clusters (permission ${kamajiClusterCreatePermission.name}), so there is nothing to place`,
      );
    }
    const islands = fleet
      .getSnapshot()
      .islands.filter(
        i =>
          !query.managementCluster ||
          i.managementCluster === query.managementCluster,
      );
    res.json(
      rankIslands(islands, {
        site: query.site,
        version: query.version,
        defaultCapacity: options.defaultCapacity,
        uplink: await uplink.figures(islands.map(i => i.id)),
      }),
    );
  });
  return router;
}
