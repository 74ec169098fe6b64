import { HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import { kamajiFleetUpgradePermission } from '@kamaji-backstage/plugin-kamaji-common';
import express from 'express';
import Router from 'express-promise-router';
import { FleetAuthorizer } from '../permissions';
import { FleetEventHub } from './events';
import { eventsQuerySchema, parseQuery } from './inputs';

export interface EventRouteOptions {
  httpAuth: HttpAuthService;
  authorizer: FleetAuthorizer;
  hub: FleetEventHub;
  /** Whether the plugin has upgrade plans, whose changes go to the callers that may see them. */
  upgradePlans: boolean;
}

/** The version to continue from: `since`, else the `Last-Event-ID` an EventSource sends back. */
function resumeVersion(
  req: express.Request,
  since: number | undefined,
): number | undefined {
  const lastEventId = req.header('last-event-id');
  if (since !== undefined || lastEventId === undefined || lastEventId === '')
    return since;
  if (!/^\d{1,15}$/.test(lastEventId)) {
    throw new InputError('Last-Event-ID must be a model version (an integer)');
  }
  return Number(lastEventId);
}

/** `GET /v1/events`: the fleet's changes as server-sent events, as the caller may see them. */
export function createEventRoutes(options: EventRouteOptions): express.Router {
  const { httpAuth, authorizer, hub } = options;
  const router = Router();

  router.get('/v1/events', async (req, res) => {
    // The only route that also takes the plugin's user cookie (for EventSource).
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
      allowLimitedAccess: true,
    });
    const query = parseQuery(eventsQuerySchema, req);
    const since = resumeVersion(req, query.since);
    const scope = await authorizer.readScope(credentials);
    if (scope.kind === 'none') {
      throw new NotAllowedError('You may not read the fleet');
    }
    const seesPlans =
      options.upgradePlans &&
      (await authorizer.allows(kamajiFleetUpgradePermission, credentials));
    hub.open(res, scope, since, query.epoch, seesPlans);
  });

  return router;
}
