import { InputError, NotFoundError } from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import type { UplinkHistory } from '../durable/UplinkHistory';
import {
  createPlacementRoutes,
  PlacementRouteOptions,
} from '../placement/placementRoutes';
import { createOpenApiRouter, spec } from '../schema/openapi';
import { ActionRouteOptions, createActionRoutes } from './actionRoutes';
import { createAuditRoutes } from './auditRoutes';
import { createClusterRoutes } from './clusterRoutes';
import { createEventRoutes } from './eventRoutes';
import { FleetEventHub } from './events';
import { createFleetRoutes, SNAPSHOT_PATH } from './fleetRoutes';
import { parseInput, scaleBodySchema, upgradeBodySchema } from './inputs';
import { createPreviewRoutes } from './previewRoutes';
import {
  createUpgradePlanRoutes,
  UpgradePlanRouteOptions,
} from './upgradePlanRoutes';
import { createUplinkRoutes } from './uplinkRoutes';

export interface RouterOptions extends ActionRouteOptions {
  hub: FleetEventHub;
  /** Fleet upgrade plans (`/v1/upgrade-plans`); absent: no such routes. */
  upgradePlans?: Pick<UpgradePlanRouteOptions, 'plans' | 'audit'>;
  /** The uplink history (`/v1/uplink`, `/v1/islands/.../uplink`); absent: no such routes. */
  uplinkHistory?: UplinkHistory;
  /** Placement advice (`/v1/placement`); absent: no such route. */
  placement?: Pick<PlacementRouteOptions, 'defaultCapacity' | 'uplink'>;
  /** Validate response bodies against the OpenAPI spec (tests and development). */
  validateResponses?: boolean;
}

/** The spec's paths as express patterns, with their methods. */
const SPEC_ROUTES = Object.entries(spec.paths).map(([path, item]) => ({
  pattern: new RegExp(
    `^${path.replace(/\{[^}]+\}/g, '[^/]+').replace(/\//g, '\\/')}/?$`,
  ),
  methods: ['get', 'post', 'put', 'delete', 'patch'].filter(
    m => m in (item as object),
  ),
}));

/** The methods the spec declares on `path` (HEAD with GET), upper case; undefined for a path it lacks. */
function allowedMethods(path: string): string[] | undefined {
  const routes = SPEC_ROUTES.filter(r => r.pattern.test(path));
  if (routes.length === 0) return undefined;
  const methods = new Set(routes.flatMap(r => r.methods));
  if (methods.has('get')) methods.add('head');
  return [...methods].map(m => m.toUpperCase());
}

/**
 * For a path the spec knows: OPTIONS answers with its methods (one route module may serve a
 * path's GET and another its DELETE, which express's own answer would miss), and a method the
 * spec does not declare there gets 405 with an Allow header (the OpenAPI validator would answer
 * those with 400). CORS preflights are answered before this router.
 */
function enforceSpecMethods(
  req: express.Request,
  res: express.Response,
  next: express.NextFunction,
) {
  const allow = allowedMethods(req.path);
  if (!allow || allow.includes(req.method)) {
    next();
    return;
  }
  if (req.method === 'OPTIONS') {
    res.status(204).setHeader('Allow', [...allow, 'OPTIONS'].join(', '));
    res.end();
    return;
  }
  res
    .status(405)
    .setHeader('Allow', allow.join(', '))
    .json({
      error: {
        name: 'MethodNotAllowedError',
        message: `${req.method} is not allowed here; allowed: ${allow.join(
          ', ',
        )}`,
      },
      request: { method: req.method, url: req.url },
      response: { statusCode: 405 },
    });
}

const jsonParser = express.json({ limit: '64kb' });

/** JSON bodies up to 64 kB; a parse failure is a plain 400 that does not echo the body. */
function parseJsonBodies(
  req: express.Request,
  res: express.Response,
  next: express.NextFunction,
) {
  jsonParser(req, res, err => {
    if (!err) {
      next();
    } else if (err.type === 'entity.too.large') {
      next(new InputError('body is larger than 64 kB'));
    } else if (err.type === 'entity.parse.failed') {
      next(new InputError('body is not valid JSON'));
    } else {
      next(new InputError(`body could not be read (${err.type ?? 'unknown'})`));
    }
  });
}

/** Checks action bodies with the zod schemas (see createRouter). */
function precheckBodies(
  req: express.Request,
  _res: express.Response,
  next: express.NextFunction,
) {
  try {
    if (req.method === 'POST' && /\/upgrade(\/preview)?\/?$/.test(req.path)) {
      parseInput(upgradeBodySchema, req.body, 'body');
    } else if (
      req.method === 'POST' &&
      /\/scale(\/preview)?\/?$/.test(req.path)
    ) {
      parseInput(scaleBodySchema, req.body, 'body');
    }
    next();
  } catch (e) {
    next(e);
  }
}

/** The API's route modules, in the order they are tried. */
function useRouteModules(
  api: express.Router,
  options: RouterOptions,
  fleetPages: express.Router,
) {
  const { fleet, httpAuth, authorizer, auditStore, actions, hub } = options;
  api.use(createAuditRoutes({ httpAuth, authorizer, fleet, auditStore }));
  if (options.upgradePlans)
    api.use(
      createUpgradePlanRoutes({
        httpAuth,
        authorizer,
        ...options.upgradePlans,
      }),
    );
  if (options.uplinkHistory)
    api.use(
      createUplinkRoutes({
        fleet,
        httpAuth,
        authorizer,
        history: options.uplinkHistory,
      }),
    );
  api.use(createPreviewRoutes({ fleet, httpAuth, authorizer, actions }));
  if (options.placement)
    api.use(
      createPlacementRoutes({
        fleet,
        httpAuth,
        authorizer,
        ...options.placement,
      }),
    );
  api.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  api.use(fleetPages);
  api.use(createClusterRoutes({ fleet, httpAuth, authorizer }));
  api.use(
    createEventRoutes({
      httpAuth,
      authorizer,
      hub,
      upgradePlans: !!options.upgradePlans,
    }),
  );
  api.use(createActionRoutes(options));
}

export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { fleet, httpAuth, authorizer, hub } = options;
  const fleetRoutes = createFleetRoutes({ fleet, httpAuth, authorizer, hub });
  const api = await createOpenApiRouter({
    // Bodies are parsed (at most 64 kB) and checked with the handlers' own schemas before the
    // OpenAPI validator runs, so a rejected body gets a message naming the offending field.
    middleware: [enforceSpecMethods, parseJsonBodies, precheckBodies],
    validatorOptions: {
      // Backstage's httpAuth authenticates every request; the spec's `security` documents it.
      validateSecurity: false,
      ...(options.validateResponses ? { validateResponses: true } : {}),
    },
  });
  useRouteModules(api, options, fleetRoutes.pages);
  // A path the API does not have gets a Backstage error body, as every other error does.
  api.use((req: express.Request) => {
    throw new NotFoundError(`The API has no ${req.method} ${req.path}`);
  });

  // The whole-fleet snapshot first, before the spec's middleware (see createFleetRoutes).
  const router = Router();
  router.get(SNAPSHOT_PATH, fleetRoutes.snapshot);
  router.use(api);
  return router;
}
