import {
  AuditorService,
  HttpAuthService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  CustomErrorBase,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { ResourcePermission } from '@backstage/plugin-permission-common';
import {
  compactFleetResponse,
  FleetSnapshot,
  IslandNode,
  kamajiClusterDeletePermission,
  kamajiClusterScalePermission,
  kamajiClusterUpgradePermission,
  kamajiFleetUpgradePermission,
  parseClusterId,
  parseKubeVersion,
  withoutVNote,
  TenantNode,
} from '@kamaji-backstage/plugin-kamaji-common';
import { FleetService } from '@kamaji-backstage/plugin-kamaji-node';
import express from 'express';

/** The typed router's requests are express requests with narrower types. */
type AnyRequest = express.Request<any, any, any, any, any>;
const expressRequest = (req: AnyRequest) => req as unknown as express.Request;
import { ClusterActions, DeclaredCluster } from '../actions/ClusterActions';
import { scrub } from '../actions/kubeErrors';
import { AuditAction, AuditStore } from '../database/AuditStore';
import { FleetAuthorizer } from '../permissions';
import { createOpenApiRouter, spec } from '../schema/openapi';
import { actorOf } from './actor';
import { FleetEventHub } from './events';
import {
  CachedPage,
  etagMatches,
  FleetVersion,
  FleetVersions,
} from './fleetCache';
import { hasFilters, pageKey, queryFleet } from './fleetQuery';
import {
  byIdQuerySchema,
  deleteQuerySchema,
  eventsQuerySchema,
  fleetQuerySchema,
  fleetSnapshotQuerySchema,
  parseInput,
  parseQuery,
  scaleBodySchema,
  upgradeBodySchema,
} from './inputs';
import { ConditionalView, ReadScope, SnapshotSource } from './visibility';
import { createAuditRoutes } from './auditRoutes';
import {
  actionTarget,
  clusterAtPath,
  mayAct,
  scopeAllows,
  visibleCluster,
} from './actionTarget';
import { createPreviewRoutes } from './previewRoutes';
import {
  createPlacementRoutes,
  PlacementRouteOptions,
} from '../placement/placementRoutes';
import {
  createUpgradePlanRoutes,
  UpgradePlanRouteOptions,
} from './upgradePlanRoutes';
import { createUplinkRoutes } from './uplinkRoutes';
import type { UplinkHistory } from '../durable/UplinkHistory';

export interface RouterOptions {
  fleet: FleetService;
  logger: LoggerService;
  httpAuth: HttpAuthService;
  authorizer: FleetAuthorizer;
  auditor: AuditorService;
  auditStore: AuditStore;
  actions: ClusterActions;
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

/** A read at a model version the API no longer holds: start again from the current one. */
class FleetVersionGoneError extends CustomErrorBase {
  name = 'FleetVersionGoneError' as const;
  statusCode = 410;
}

function statusOf(e: unknown): number {
  const err = e as any;
  for (const f of ['statusCode', 'status']) {
    if (typeof err?.[f] === 'number') return err[f];
  }
  switch (err?.name) {
    case 'InputError':
      return 400;
    case 'AuthenticationError':
      return 401;
    case 'NotAllowedError':
      return 403;
    case 'NotFoundError':
      return 404;
    case 'ConflictError':
      return 409;
    case 'ServiceUnavailableError':
      return 503;
    default:
      return 500;
  }
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

/**
 * 405 with an Allow header for a method the spec does not declare on a path it knows (the
 * OpenAPI validator would answer those with 400). HEAD follows GET; OPTIONS is left to CORS.
 */
function methodNotAllowed(
  req: express.Request,
  res: express.Response,
  next: express.NextFunction,
) {
  const method = req.method.toLowerCase();
  if (method === 'options') {
    next();
    return;
  }
  const route = SPEC_ROUTES.find(r => r.pattern.test(req.path));
  if (
    !route ||
    route.methods.includes(method) ||
    (method === 'head' && route.methods.includes('get'))
  ) {
    next();
    return;
  }
  const allow = route.methods.map(m => m.toUpperCase());
  if (allow.includes('GET')) allow.push('HEAD');
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

/** A JSON object in pieces with the members of `tail` (an object's JSON) added at its end. */
function* withTail(pieces: Iterable<string>, tail: string): Generator<string> {
  let last: string | undefined;
  for (const piece of pieces) {
    if (last !== undefined) yield last;
    last = piece;
  }
  if (last === undefined || !last.endsWith('}')) {
    throw new Error('the serialised snapshot is not a JSON object');
  }
  yield `${last.slice(0, -1)},${tail.slice(1)}`;
}

/**
 * The whole-fleet snapshot, read by every open fleet page and dashboard, skips the OpenAPI
 * validator: express-openapi-validator 5.6 compiles path patterns and `$ref`'d parameter schemas
 * anew on every request, 0.4 of the route's 1.0 ms of CPU per read (`yarn bench:reads`). Its
 * query is checked by `fleetSnapshotQuerySchema`, strict and held to the spec by the compiler
 * (`schemasReadTheSpec`); its body is a cached Buffer, which response validation never read.
 */
const unvalidatedPath = (path: string) => path.endsWith('/v1/fleet/snapshot');

export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const {
    fleet,
    logger,
    httpAuth,
    authorizer,
    auditor,
    auditStore,
    actions,
    hub,
  } = options;
  const router = await createOpenApiRouter({
    // Bodies are parsed (at most 64 kB) and checked with the handlers' own schemas before the
    // OpenAPI validator runs, so a rejected body gets a message naming the offending field.
    middleware: [methodNotAllowed, parseJsonBodies, precheckBodies],
    validatorOptions: {
      // Backstage's httpAuth authenticates every request; the spec's `security` documents it.
      validateSecurity: false,
      ignorePaths: unvalidatedPath,
      ...(options.validateResponses ? { validateResponses: true } : {}),
    },
  });
  const versions = new FleetVersions(hub.epoch);

  const credentialsOf = (req: AnyRequest) =>
    httpAuth.credentials(expressRequest(req), { allow: ['user', 'service'] });

  router.use(createAuditRoutes({ httpAuth, authorizer, fleet, auditStore }));

  if (options.upgradePlans)
    router.use(
      createUpgradePlanRoutes({
        httpAuth,
        authorizer,
        ...options.upgradePlans,
      }),
    );
  if (options.uplinkHistory)
    router.use(
      createUplinkRoutes({
        fleet,
        httpAuth,
        authorizer,
        history: options.uplinkHistory,
      }),
    );

  router.use(createPreviewRoutes({ fleet, httpAuth, authorizer, actions }));
  if (options.placement)
    router.use(
      createPlacementRoutes({
        fleet,
        httpAuth,
        authorizer,
        ...options.placement,
      }),
    );

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  /**
   * The fleet as this caller may see it at one model version: the current one, or the held
   * version `atVersion` names (410 when it is no longer held).
   */
  async function readFleet(req: AnyRequest, atVersion: number | undefined) {
    const scope = await authorizer.readScope(await credentialsOf(req));
    if (scope.kind === 'none') {
      throw new NotAllowedError('You may not read the fleet');
    }
    const current = versions.current(fleet.getSnapshot());
    const held =
      atVersion === undefined || atVersion === current.version
        ? current
        : versions.at(atVersion);
    if (!held) {
      throw new FleetVersionGoneError(
        `fleet version ${atVersion} is no longer held (held: ${versions
          .heldVersions()
          .join(', ')}); read the fleet again from its first page`,
      );
    }
    const scopeKey = scope.kind === 'all' ? '' : scope.key;
    const visible =
      scope.kind === 'all'
        ? held.snapshot
        : held.view(scopeKey, () => conditionalSnapshot(held, scope));
    return { held, visible, scopeKey };
  }

  function conditionalSnapshot(
    held: FleetVersion,
    scope: Extract<ReadScope, { kind: 'conditional' }>,
  ): FleetSnapshot {
    const source = SnapshotSource.of(held.snapshot);
    return {
      version: held.version,
      generatedAt: held.snapshot.generatedAt,
      ...new ConditionalView(scope.predicate).load(source).snapshot(source),
    };
  }

  /** One serialised response of a version, with its ETag, 304 and gzip handled. */
  async function sendPage(
    req: AnyRequest,
    res: express.Response,
    page: CachedPage,
  ): Promise<void> {
    res.setHeader('Cache-Control', 'private, no-cache');
    res.setHeader('Vary', 'Authorization, Cookie');
    res.setHeader('ETag', page.etag);
    if (etagMatches(req.header('if-none-match'), page.etag)) {
      res.status(304).end();
      return;
    }
    res.type('application/json');
    if (expressRequest(req).acceptsEncodings(['gzip', 'identity']) === 'gzip') {
      res.append('Vary', 'Accept-Encoding');
      res.setHeader('Content-Encoding', 'gzip');
      res.send(await page.gzipped);
    } else {
      res.send(await page.uncompressed());
    }
  }

  /**
   * The whole unfiltered fleet of a fleet-wide reader, from the service's own serialisation in
   * pieces (the page's `page` and `epoch` joined to its last one).
   */
  function wholeFleetJson(held: FleetVersion): Iterable<string> | undefined {
    const whole = fleet.getSnapshotJsonChunks?.();
    if (!whole || whole.version !== held.version) return undefined;
    const total = held.snapshot.tenants.length;
    const tail = JSON.stringify({
      page: { total, offset: 0, limit: total },
      epoch: hub.epoch,
    });
    return withTail(whole.chunks, tail);
  }

  router.get('/v1/fleet/snapshot', async (req, res) => {
    const { atVersion, ...filters } = parseQuery(fleetSnapshotQuerySchema, req);
    const { held, visible, scopeKey } = await readFleet(req, atVersion);
    const render = () =>
      (!scopeKey && !hasFilters(filters) && wholeFleetJson(held)) ||
      JSON.stringify(
        compactFleetResponse({
          ...queryFleet(visible, filters),
          epoch: hub.epoch,
        }),
      );
    await sendPage(
      req,
      res as express.Response,
      await versions.page(
        held,
        pageKey(scopeKey, filters),
        render,
        atVersion === undefined,
      ),
    );
  });

  router.get('/v1/fleet', async (req, res) => {
    const { limit, offset, atVersion, ...filters } = parseQuery(
      fleetQuerySchema,
      req,
    );
    const { held, visible, scopeKey } = await readFleet(req, atVersion);
    const render = () =>
      JSON.stringify({
        ...queryFleet(visible, filters, { limit, offset }),
        epoch: hub.epoch,
      });
    await sendPage(
      req,
      res as express.Response,
      await versions.page(
        held,
        pageKey(scopeKey, filters, { limit, offset }),
        render,
        atVersion === undefined,
      ),
    );
  });

  router.get('/v1/clusters/by-id', async (req, res) => {
    const credentials = await credentialsOf(req);
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
      const { id, cluster } = await clusterAtPath(
        fleet,
        authorizer,
        await credentialsOf(req),
        req.params,
      );
      if (!cluster) throw new NotFoundError(`No cluster with id ${id}`);
      res.json(cluster);
    },
  );

  router.get(
    '/v1/islands/:managementCluster/:namespace/:name',
    async (req, res) => {
      const {
        id,
        scope,
        cluster: island,
      } = await clusterAtPath(
        fleet,
        authorizer,
        await credentialsOf(req),
        req.params,
      );
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

  router.get('/v1/events', async (req, res) => {
    // The only route that also takes the plugin's user cookie (for EventSource).
    const credentials = await httpAuth.credentials(expressRequest(req), {
      allow: ['user', 'service'],
      allowLimitedAccess: true,
    });
    const query = parseQuery(eventsQuerySchema, req);
    let since = query.since;
    const lastEventId = req.header('last-event-id');
    if (
      since === undefined &&
      lastEventId !== undefined &&
      lastEventId !== ''
    ) {
      if (!/^\d{1,15}$/.test(lastEventId)) {
        throw new InputError(
          'Last-Event-ID must be a model version (an integer)',
        );
      }
      since = Number(lastEventId);
    }
    const scope = await authorizer.readScope(credentials);
    if (scope.kind === 'none') {
      throw new NotAllowedError('You may not read the fleet');
    }
    const seesPlans =
      !!options.upgradePlans &&
      (await authorizer.allows(kamajiFleetUpgradePermission, credentials));
    hub.open(res, scope, since, query.epoch, seesPlans);
  });

  /**
   * Runs one day-2 action: the target must be visible to the caller (else 404), the action's
   * permission must allow it on that cluster (else 403), and every outcome from there on —
   * denied, failed or done — is written to the audit trail and the auditor service.
   */
  async function runAction<T extends object>(
    req: AnyRequest,
    action: AuditAction,
    permission: ResourcePermission<'kamaji-cluster'>,
    request: Record<string, unknown>,
    run: (cluster: DeclaredCluster) => Promise<T>,
  ): Promise<T> {
    const started = Date.now();
    const credentials = await credentialsOf(req);
    const { id, target } = await actionTarget(
      fleet,
      authorizer,
      credentials,
      req.params,
    );
    const { actor, actorType } = actorOf(credentials);
    const auditorEvent = await auditor.createEvent({
      eventId: `cluster-${action}`,
      severityLevel: action === 'delete' ? 'high' : 'medium',
      request: expressRequest(req),
      meta: { clusterId: id, action, ...(request as any) },
    });
    const audit = async (
      result: 'success' | 'failure' | 'denied',
      status: number,
      message?: string,
      details?: Record<string, unknown>,
    ) => {
      try {
        await auditStore.record({
          occurredAt: new Date(started).toISOString(),
          actor,
          actorType,
          action,
          target: id,
          request,
          result,
          status,
          message,
          details,
          durationMs: Date.now() - started,
        });
      } catch (e) {
        logger.error(
          `could not write the audit trail for ${action} on ${id} by ${actor}: ${
            (e as Error).message
          }`,
        );
      }
    };

    try {
      if (!(await mayAct(authorizer, permission, credentials, target))) {
        throw new NotAllowedError(
          `You may not ${action} cluster ${id} (permission ${permission.name})`,
        );
      }
    } catch (e) {
      await audit('denied', statusOf(e), scrub((e as Error).message, 1000));
      await auditorEvent.fail({ error: e as Error });
      throw e;
    }

    try {
      const result = await run(target);
      await audit('success', action === 'delete' ? 202 : 200, undefined, {
        ...(result as Record<string, unknown>),
      });
      await auditorEvent.success({ meta: { ...(result as any) } });
      return result;
    } catch (e) {
      const status = statusOf(e);
      const message = scrub((e as Error).message ?? String(e), 1000);
      await audit('failure', status, message);
      await auditorEvent.fail({ error: e as Error });
      if (status >= 500 && status !== 502 && status !== 503) {
        logger.error(`${action} on ${id} failed: ${message}`);
      }
      throw e;
    }
  }

  router.post(
    '/v1/clusters/:managementCluster/:namespace/:name/upgrade',
    async (req, res) => {
      const written = parseInput(upgradeBodySchema, req.body, 'body');
      // A version without its leading v is read with it, and the answer says so.
      const version = parseKubeVersion(written.version, {
        lenient: true,
      })!.text;
      const body = { ...written, version };
      const result = await runAction(
        req,
        'upgrade',
        kamajiClusterUpgradePermission,
        { version, workers: body.workers ?? false },
        cluster => actions.upgrade(cluster, body),
      );
      res.json(
        version === written.version
          ? result
          : { ...result, notes: [withoutVNote(written.version, version)] },
      );
    },
  );

  router.post(
    '/v1/clusters/:managementCluster/:namespace/:name/scale',
    async (req, res) => {
      const body = parseInput(scaleBodySchema, req.body, 'body');
      const result = await runAction(
        req,
        'scale',
        kamajiClusterScalePermission,
        { pool: body.pool, replicas: body.replicas },
        cluster => actions.scale(cluster, body),
      );
      res.json(result);
    },
  );

  router.delete(
    '/v1/clusters/:managementCluster/:namespace/:name',
    async (req, res) => {
      const query = parseQuery(deleteQuerySchema, req);
      const result = await runAction(
        req,
        'delete',
        kamajiClusterDeletePermission,
        { confirm: query.confirm },
        cluster => actions.delete(cluster, query),
      );
      res.status(202).json(result);
    },
  );

  // A path the API does not have gets a Backstage error body, as every other error does.
  router.use((req: AnyRequest) => {
    throw new NotFoundError(`The API has no ${req.method} ${req.path}`);
  });

  return router;
}
