import { HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  clusterId,
  UPLINK_WINDOWS,
  UplinkWindow,
} from '@kamaji-backstage/plugin-kamaji-common';
import { FleetService } from '@kamaji-backstage/plugin-kamaji-node';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { UplinkHistory } from '../durable/UplinkHistory';
import { FleetAuthorizer } from '../permissions';
import { clusterPathSchema, parseInput, parseQuery } from './inputs';
import { ConditionalView, ReadScope, SnapshotSource } from './visibility';
import { callerCredentials } from './actor';

export interface UplinkRouteOptions {
  fleet: FleetService;
  httpAuth: HttpAuthService;
  authorizer: FleetAuthorizer;
  history: UplinkHistory;
}

/** Longest timeline one request may ask for. */
const MAX_PERIOD_MS = 90 * 86_400_000;

const isoTime = (field: string) =>
  z
    .string()
    .refine(v => !Number.isNaN(Date.parse(v)), {
      message: `${field} must be an ISO 8601 time, e.g. 2026-12-04T10:00:00Z`,
    })
    .transform(v => new Date(v));

const timelineQuerySchema = z
  .object({ from: isoTime('from').optional(), to: isoTime('to').optional() })
  .strict();

const rankingQuerySchema = z
  .object({
    window: z
      .enum(Object.keys(UPLINK_WINDOWS) as [UplinkWindow, ...UplinkWindow[]])
      .default('7d'),
  })
  .strict();

/** The island ids the caller may see. */
function visibleIslandIds(scope: ReadScope, fleet: FleetService): string[] {
  if (scope.kind === 'none') return [];
  const snapshot = fleet.getSnapshot();
  if (scope.kind === 'all') return snapshot.islands.map(i => i.id);
  const source = SnapshotSource.of(snapshot);
  return new ConditionalView(scope.predicate)
    .load(source)
    .snapshot(source)
    .islands.map(i => i.id);
}

/**
 * `/v1/islands/{managementCluster}/{namespace}/{name}/uplink` (an island's timeline and
 * statistics) and `/v1/uplink` (islands ranked by availability): the islands the caller may
 * read (`kamaji.cluster.read`), nothing else.
 */
export function createUplinkRoutes(
  options: UplinkRouteOptions,
): express.Router {
  const { fleet, httpAuth, authorizer, history } = options;
  const router = Router();
  const scopeOf = async (req: express.Request) =>
    authorizer.readScope(await callerCredentials(httpAuth, req));

  router.get(
    '/v1/islands/:managementCluster/:namespace/:name/uplink',
    async (req, res) => {
      const id = clusterId(parseInput(clusterPathSchema, req.params, 'path'));
      const query = parseQuery(timelineQuerySchema, req);
      const to = query.to ?? new Date();
      const from = query.from ?? new Date(to.getTime() - UPLINK_WINDOWS['24h']);
      if (from >= to) throw new InputError('from must be before to');
      if (to.getTime() - from.getTime() > MAX_PERIOD_MS) {
        throw new InputError('from..to must span at most 90 days');
      }
      if (!visibleIslandIds(await scopeOf(req), fleet).includes(id)) {
        throw new NotFoundError(`No island with id ${id}`);
      }
      res.json(await history.timeline(id, from, to));
    },
  );

  router.get('/v1/uplink', async (req, res) => {
    const { window } = parseQuery(rankingQuerySchema, req);
    const ids = visibleIslandIds(await scopeOf(req), fleet);
    res.json(await history.ranking(ids, window));
  });

  return router;
}
