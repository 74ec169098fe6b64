import { HttpAuthService } from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  kamajiFleetUpgradePermission,
  TenantNode,
} from '@kamaji-backstage/plugin-kamaji-common';
import express from 'express';
import Router from 'express-promise-router';
import { PlanAudit } from '../operations/planAudit';
import {
  planIdSchema,
  planListQuerySchema,
  upgradePlanBodySchema,
} from '../operations/planInputs';
import { PlanCommand, UpgradePlans } from '../operations/UpgradePlans';
import { FleetAuthorizer } from '../permissions';
import { etagMatches } from './fleetCache';
import { actorOf, callerCredentials } from './actor';
import { parseInput, parseQuery } from './inputs';
import { ReadScope } from './visibility';

export interface UpgradePlanRouteOptions {
  httpAuth: HttpAuthService;
  authorizer: FleetAuthorizer;
  plans: UpgradePlans;
  audit: PlanAudit;
}

/** Which tenants a plan of this caller may select; undefined: all. */
function visibilityOf(
  scope: ReadScope,
): ((tenant: TenantNode) => boolean) | undefined {
  if (scope.kind === 'all') return undefined;
  if (scope.kind === 'none') return () => false;
  return scope.predicate;
}

/**
 * `/v1/upgrade-plans`: fleet upgrade plans behind `kamaji.fleet.upgrade` (reading them too:
 * a plan lists many teams' clusters). Every change, and every denied attempt, is audited.
 * `GET /v1/upgrade-plans/{id}` has an ETag (the plan's revision); progress also comes as `upgrade-plan`
 * events on `GET /v1/events`.
 */
export function createUpgradePlanRoutes(
  options: UpgradePlanRouteOptions,
): express.Router {
  const { httpAuth, authorizer, plans, audit } = options;
  const router = Router();

  async function authorize(req: express.Request, what: string, planId: string) {
    const credentials = await callerCredentials(httpAuth, req);
    const who = actorOf(credentials);
    if (!(await authorizer.allows(kamajiFleetUpgradePermission, credentials))) {
      const message = `You may not ${what} upgrade plans (permission ${kamajiFleetUpgradePermission.name})`;
      if (what !== 'read') {
        await audit({
          ...who,
          target: `upgrade-plan/${planId}`,
          planId,
          what,
          result: 'denied',
          status: 403,
          message,
        });
      }
      throw new NotAllowedError(message);
    }
    return { credentials, ...who };
  }

  router.post('/v1/upgrade-plans', async (req, res) => {
    const caller = await authorize(req, 'create', 'new');
    const body = parseInput(upgradePlanBodySchema, req.body, 'body');
    const visible = visibilityOf(
      await authorizer.readScope(caller.credentials),
    );
    const plan = await plans.create(body, caller.actor, visible);
    await audit({
      ...caller,
      target: `upgrade-plan/${plan.id}`,
      planId: plan.id,
      what: plan.status === 'running' ? 'create and start' : 'create',
      result: 'success',
      status: 201,
      details: {
        version: plan.version,
        waves: plan.waves.length,
        clusters: plan.steps.length,
      },
    });
    res.status(201).json(plan);
  });

  router.get('/v1/upgrade-plans', async (req, res) => {
    await authorize(req, 'read', 'list');
    const { limit, offset } = parseQuery(planListQuerySchema, req);
    const { items, total } = await plans.list(limit, offset);
    res.json({ items, page: { total, offset, limit } });
  });

  router.get('/v1/upgrade-plans/:planId', async (req, res) => {
    await authorize(req, 'read', req.params.planId);
    const { planId: id } = parseInput(planIdSchema, req.params, 'path');
    const plan = await plans.get(id);
    const etag = `"plan-${plan.revision}"`;
    res.setHeader('ETag', etag);
    res.setHeader('Cache-Control', 'private, no-cache');
    if (etagMatches(req.header('if-none-match'), etag)) {
      res.status(304).end();
      return;
    }
    res.json(plan);
  });

  for (const command of [
    'start',
    'pause',
    'resume',
    'abort',
  ] as PlanCommand[]) {
    router.post(`/v1/upgrade-plans/:planId/${command}`, async (req, res) => {
      const { planId: id } = parseInput(planIdSchema, req.params, 'path');
      const caller = await authorize(req, command, id);
      try {
        const plan = await plans.command(id, command, caller.actor);
        await audit({
          ...caller,
          target: `upgrade-plan/${id}`,
          planId: id,
          what: command,
          result: 'success',
          status: 200,
        });
        res.json(plan);
      } catch (e) {
        const status = (e as any)?.name === 'NotFoundError' ? 404 : 409;
        await audit({
          ...caller,
          target: `upgrade-plan/${id}`,
          planId: id,
          what: command,
          result: 'failure',
          status,
          message: (e as Error).message,
        });
        throw e;
      }
    });
  }
  return router;
}
