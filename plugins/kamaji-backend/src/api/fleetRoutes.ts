import { HttpAuthService } from '@backstage/backend-plugin-api';
import { CustomErrorBase, NotAllowedError } from '@backstage/errors';
import {
  compactFleetResponse,
  FleetSnapshot,
} from '@kamaji-backstage/plugin-kamaji-common';
import { FleetService } from '@kamaji-backstage/plugin-kamaji-node';
import express from 'express';
import Router from 'express-promise-router';
import { FleetAuthorizer } from '../permissions';
import { callerCredentials } from './actor';
import { FleetEventHub } from './events';
import {
  CachedPage,
  etagMatches,
  FleetVersion,
  FleetVersions,
  PageBody,
} from './fleetCache';
import { hasFilters, pageKey, queryFleet } from './fleetQuery';
import {
  fleetQuerySchema,
  fleetSnapshotQuerySchema,
  ifNoneMatchSchema,
  parseInput,
  parseQuery,
} from './inputs';
import { sendStream } from './sendStream';
import { ConditionalView, ReadScope, SnapshotSource } from './visibility';

export interface FleetRouteOptions {
  fleet: FleetService;
  httpAuth: HttpAuthService;
  authorizer: FleetAuthorizer;
  hub: FleetEventHub;
}

/** A read at a model version the API no longer holds: start again from the current one. */
class FleetVersionGoneError extends CustomErrorBase {
  name = 'FleetVersionGoneError' as const;
  statusCode = 410;
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
  req: express.Request,
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
  if (req.acceptsEncodings(['gzip', 'identity']) === 'gzip') {
    res.append('Vary', 'Accept-Encoding');
    res.setHeader('Content-Encoding', 'gzip');
    res.send(await page.gzipped);
  } else {
    await sendStream(res, await page.uncompressed());
  }
}

/** The fleet's model versions as this API serves them to each caller. */
class FleetReads {
  private readonly versions: FleetVersions;

  constructor(private readonly options: FleetRouteOptions) {
    this.versions = new FleetVersions(options.hub.epoch);
  }

  /**
   * The fleet as this caller may see it at one model version: the current one, or the held
   * version `atVersion` names (410 when it is no longer held).
   */
  async read(req: express.Request, atVersion: number | undefined) {
    const { fleet, httpAuth, authorizer } = this.options;
    const scope = await authorizer.readScope(
      await callerCredentials(httpAuth, req),
    );
    if (scope.kind === 'none') {
      throw new NotAllowedError('You may not read the fleet');
    }
    const held = this.held(fleet.getSnapshot(), atVersion);
    const scopeKey = scope.kind === 'all' ? '' : scope.key;
    const visible =
      scope.kind === 'all'
        ? held.snapshot
        : held.view(scopeKey, () => conditionalSnapshot(held, scope));
    // A reader of whatever is current may be served a newer version's page.
    const latestWillDo = atVersion === undefined;
    return { held, visible, scopeKey, latestWillDo };
  }

  private held(
    current: FleetSnapshot,
    atVersion: number | undefined,
  ): FleetVersion {
    const latest = this.versions.current(current);
    if (atVersion === undefined || atVersion === latest.version) return latest;
    const held = this.versions.at(atVersion);
    if (held) return held;
    throw new FleetVersionGoneError(
      `fleet version ${atVersion} is no longer held (held: ${this.versions
        .heldVersions()
        .join(', ')}); read the fleet again from its first page`,
    );
  }

  /**
   * The whole unfiltered fleet of a fleet-wide reader, from the service's own serialisation in
   * pieces (the page's `page` and `epoch` joined to its last one).
   */
  wholeFleetJson(held: FleetVersion): Iterable<string> | undefined {
    const whole = this.options.fleet.getSnapshotJsonChunks?.();
    if (!whole || whole.version !== held.version) return undefined;
    const total = held.snapshot.tenants.length;
    const tail = JSON.stringify({
      page: { total, offset: 0, limit: total },
      epoch: this.options.hub.epoch,
    });
    return withTail(whole.chunks, tail);
  }

  /** The response of `held` under `key`, rendered once (see FleetVersions.page). */
  async send(
    req: express.Request,
    res: express.Response,
    read: { held: FleetVersion; latestWillDo: boolean },
    key: string,
    render: () => PageBody,
  ) {
    const { held, latestWillDo } = read;
    const cached = await this.versions.page(held, key, render, latestWillDo);
    await sendPage(req, res, cached);
  }
}

/** The path of the whole-fleet snapshot. */
export const SNAPSHOT_PATH = '/v1/fleet/snapshot';

/** The fleet's two read routes, sharing the versions they serve (see createFleetRoutes). */
export interface FleetRoutes {
  /**
   * `GET` of SNAPSHOT_PATH, for the router that mounts it before the OpenAPI router (a handler,
   * not a router of its own, which would answer OPTIONS itself with only GET and HEAD).
   */
  snapshot: express.RequestHandler;
  /** `GET /v1/fleet`, behind the OpenAPI validator like every other route. */
  pages: express.Router;
}

/**
 * `GET /v1/fleet/snapshot` and `GET /v1/fleet`: the fleet as the caller may see it at one model
 * version, each response serialised and gzipped once per version and key.
 *
 * The whole-fleet snapshot, read by every open fleet page and dashboard, is answered before the
 * OpenAPI router: express-openapi-validator 5.6 compiles path patterns and `$ref`'d parameter
 * schemas anew on every request, and the spec's method check, the body parser and the other
 * route modules in front of it cost the read as much again (`yarn bench:reads`). Its query is
 * checked by `fleetSnapshotQuerySchema`, strict and held to the spec by the compiler
 * (`schemasReadTheSpec`), its `If-None-Match` by `ifNoneMatchSchema` (the spec's maxLength); its
 * body is a cached Buffer, which response validation never read.
 */
export function createFleetRoutes(options: FleetRouteOptions): FleetRoutes {
  const epoch = options.hub.epoch;
  const reads = new FleetReads(options);
  const pages = Router();

  const snapshot = async (req: express.Request, res: express.Response) => {
    const { atVersion, ...filters } = parseQuery(fleetSnapshotQuerySchema, req);
    const ifNoneMatch = req.header('if-none-match');
    if (ifNoneMatch !== undefined)
      parseInput(ifNoneMatchSchema, ifNoneMatch, 'If-None-Match');
    const read = await reads.read(req, atVersion);
    const { held, visible, scopeKey } = read;
    const render = () =>
      (!scopeKey && !hasFilters(filters) && reads.wholeFleetJson(held)) ||
      JSON.stringify(
        compactFleetResponse({ ...queryFleet(visible, filters), epoch }),
      );
    await reads.send(req, res, read, pageKey(scopeKey, filters), render);
  };

  pages.get('/v1/fleet', async (req, res) => {
    const { limit, offset, atVersion, ...filters } = parseQuery(
      fleetQuerySchema,
      req,
    );
    const read = await reads.read(req, atVersion);
    const render = () =>
      JSON.stringify({
        ...queryFleet(read.visible, filters, { limit, offset }),
        epoch,
      });
    const key = pageKey(read.scopeKey, filters, { limit, offset });
    await reads.send(req, res, read, key, render);
  });

  return { snapshot, pages };
}
