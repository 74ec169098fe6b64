import {
  BackstageCredentials,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  kamajiFleetUpgradePermission,
  TenantNode,
} from '@kamaji-backstage/plugin-kamaji-common';
import express from 'express';
import Router from 'express-promise-router';
import { PlanAudit, PlanAuditEvent } from '../operations/planAudit';
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

type Actor = ReturnType<typeof actorOf>;

/** A plan's audit event: `who` did `what` to plan `planId`, with this outcome. */
function planEvent(
  who: Actor,
  planId: string,
  what: string,
  outcome: Pick<PlanAuditEvent, 'result' | 'status' | 'message' | 'details'>,
): PlanAuditEvent {
  return { ...who, target: `upgrade-plan/${planId}`, planId, what, ...outcome };
}

/**
 * The caller, when `kamaji.fleet.upgrade` allows it to `what` upgrade plans; else 403, audited
 * unless it only reads.
 */
async function authorize(
  options: UpgradePlanRouteOptions,
  req: express.Request,
  what: string,
  planId: string,
): Promise<{ credentials: BackstageCredentials; who: Actor }> {
  const { httpAuth, authorizer, audit } = options;
  const credentials = await callerCredentials(httpAuth, req);
  const who = actorOf(credentials);
  if (await authorizer.allows(kamajiFleetUpgradePermission, credentials)) {
    return { credentials, who };
  }
  const message = `You may not ${what} upgrade plans (permission ${kamajiFleetUpgradePermission.name})`;
  if (what !== 'read') {
    await audit(
      planEvent(who, planId, what, { result: 'denied', status: 403, message }),
    );
  }
  throw new NotAllowedError(message);
}

/** `POST /v1/upgrade-plans/{id}/{command}`: the command, audited whatever its outcome. */
function commandRoute(options: UpgradePlanRouteOptions, command: PlanCommand) {
  return async (req: express.Request, res: express.Response) => {
    const { planId: id } = parseInput(planIdSchema, req.params, 'path');
    const { who } = await authorize(options, req, command, id);
    try {
      const plan = await options.plans.command(id, command, who.actor);
      await options.audit(
        planEvent(who, id, command, { result: 'success', status: 200 }),
      );
      res.json(plan);
    } catch (e) {
      const status = (e as any)?.name === 'NotFoundError' ? 404 : 409;
      const message = (e as Error).message;
      await options.audit(
        planEvent(who, id, command, { result: 'failure', status, message }),
      );
      throw e;
    }
  };
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
  const { authorizer, plans, audit } = options;
  const router = Router();

  router.post('/v1/upgrade-plans', async (req, res) => {
    const { credentials, who } = await authorize(options, req, 'create', 'new');
    const body = parseInput(upgradePlanBodySchema, req.body, 'body');
    const visible = visibilityOf(await authorizer.readScope(credentials));
    const plan = await plans.create(body, who.actor, visible);
    const what = plan.status === 'running' ? 'create and start' : 'create';
    const details = {
      version: plan.version,
      waves: plan.waves.length,
      clusters: plan.steps.length,
    };
    await audit(
      planEvent(who, plan.id, what, {
        result: 'success',
        status: 201,
        details,
      }),
    );
    res.status(201).json(plan);
  });

  router.get('/v1/upgrade-plans', async (req, res) => {
    await authorize(options, req, 'read', 'list');
    const { limit, offset } = parseQuery(planListQuerySchema, req);
    const { items, total } = await plans.list(limit, offset);
    res.json({ items, page: { total, offset, limit } });
  });

  router.get('/v1/upgrade-plans/:planId', async (req, res) => {
    await authorize(options, req, 'read', req.params.planId);
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

  for (const command of ['start', 'pause', 'resume', 'abort'] as const) {
    router.post(
      `/v1/upgrade-plans/:planId/${command}`,
      commandRoute(options, command),
    );
  }
  return router;
}
