import {
  AuditorService,
  AuditorServiceEvent,
  BackstageCredentials,
  HttpAuthService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { ResourcePermission } from '@backstage/plugin-permission-common';
import {
  kamajiClusterDeletePermission,
  kamajiClusterScalePermission,
  kamajiClusterUpgradePermission,
  parseKubeVersion,
  withoutVNote,
} from '@kamaji-backstage/plugin-kamaji-common';
import { FleetService } from '@kamaji-backstage/plugin-kamaji-node';
import express from 'express';
import Router from 'express-promise-router';
import { ClusterActions, DeclaredCluster } from '../actions/ClusterActions';
import { scrub } from '../actions/kubeErrors';
import { AuditAction, AuditStore } from '../database/AuditStore';
import { FleetAuthorizer } from '../permissions';
import { actionTarget, mayAct } from './actionTarget';
import { actorOf } from './actor';
import {
  deleteQuerySchema,
  parseInput,
  parseQuery,
  scaleBodySchema,
  upgradeBodySchema,
} from './inputs';

export interface ActionRouteOptions {
  fleet: FleetService;
  logger: LoggerService;
  httpAuth: HttpAuthService;
  authorizer: FleetAuthorizer;
  auditor: AuditorService;
  auditStore: AuditStore;
  actions: ClusterActions;
}

const CLUSTER = '/v1/clusters/:managementCluster/:namespace/:name';

/** The HTTP status an error is answered with (Backstage's error handler maps the same). */
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

type AuditResult = 'success' | 'failure' | 'denied';

/** One action attempt, as the audit trail records it. */
interface Attempt {
  action: AuditAction;
  target: string;
  credentials: BackstageCredentials;
  request: Record<string, unknown>;
  started: number;
}

/** Writes the attempt's outcome to the audit trail; a failed write is logged, not thrown. */
async function audit(
  { auditStore, logger }: ActionRouteOptions,
  attempt: Attempt,
  result: AuditResult,
  status: number,
  message?: string,
  details?: Record<string, unknown>,
): Promise<void> {
  const { actor, actorType } = actorOf(attempt.credentials);
  try {
    await auditStore.record({
      occurredAt: new Date(attempt.started).toISOString(),
      actor,
      actorType,
      action: attempt.action,
      target: attempt.target,
      request: attempt.request,
      result,
      status,
      message,
      details,
      durationMs: Date.now() - attempt.started,
    });
  } catch (e) {
    logger.error(
      `could not write the audit trail for ${attempt.action} on ${
        attempt.target
      } by ${actor}: ${(e as Error).message}`,
    );
  }
}

/** An attempt on the record: the audit trail's row and the auditor service's event. */
interface RecordedAttempt {
  options: ActionRouteOptions;
  attempt: Attempt;
  auditorEvent: AuditorServiceEvent;
}

/** Records a refused or failed attempt in both trails; returns its status and scrubbed message. */
async function recordUnsuccessful(
  { options, attempt, auditorEvent }: RecordedAttempt,
  result: 'denied' | 'failure',
  e: unknown,
): Promise<{ status: number; message: string }> {
  const status = statusOf(e);
  const message = scrub((e as Error).message ?? String(e), 1000);
  await audit(options, attempt, result, status, message);
  await auditorEvent.fail({ error: e as Error });
  return { status, message };
}

/** Throws NotAllowedError, recorded as denied, unless `permission` allows the action on `target`. */
async function ensureMayAct(
  recorded: RecordedAttempt,
  permission: ResourcePermission<'kamaji-cluster'>,
  target: DeclaredCluster,
): Promise<void> {
  const { options, attempt } = recorded;
  const { action, credentials } = attempt;
  try {
    if (!(await mayAct(options.authorizer, permission, credentials, target))) {
      throw new NotAllowedError(
        `You may not ${action} cluster ${attempt.target} (permission ${permission.name})`,
      );
    }
  } catch (e) {
    await recordUnsuccessful(recorded, 'denied', e);
    throw e;
  }
}

/** Runs the action and records its success or failure. */
async function runRecorded<T extends object>(
  recorded: RecordedAttempt,
  run: () => Promise<T>,
): Promise<T> {
  const { options, attempt, auditorEvent } = recorded;
  const { action } = attempt;
  try {
    const result = await run();
    const status = action === 'delete' ? 202 : 200;
    await audit(options, attempt, 'success', status, undefined, {
      ...(result as Record<string, unknown>),
    });
    await auditorEvent.success({ meta: { ...(result as any) } });
    return result;
  } catch (e) {
    const { status, message } = await recordUnsuccessful(
      recorded,
      'failure',
      e,
    );
    if (status >= 500 && status !== 502 && status !== 503) {
      options.logger.error(`${action} on ${attempt.target} failed: ${message}`);
    }
    throw e;
  }
}

/**
 * Runs one day-2 action: the target must be visible to the caller (else 404), the action's
 * permission must allow it on that cluster (else 403), and every outcome from there on —
 * denied, failed or done — is written to the audit trail and the auditor service.
 */
async function runAction<T extends object>(
  options: ActionRouteOptions,
  req: express.Request,
  action: AuditAction,
  permission: ResourcePermission<'kamaji-cluster'>,
  request: Record<string, unknown>,
  run: (cluster: DeclaredCluster) => Promise<T>,
): Promise<T> {
  const started = Date.now();
  const { credentials, id, target } = await actionTarget(options, req);
  const attempt: Attempt = {
    action,
    target: id,
    credentials,
    request,
    started,
  };
  const auditorEvent = await options.auditor.createEvent({
    eventId: `cluster-${action}`,
    severityLevel: action === 'delete' ? 'high' : 'medium',
    request: req,
    meta: { clusterId: id, action, ...(request as any) },
  });
  const recorded = { options, attempt, auditorEvent };
  await ensureMayAct(recorded, permission, target);
  return runRecorded(recorded, () => run(target));
}

/**
 * `POST …/upgrade`, `POST …/scale` and `DELETE` of a cluster: the day-2 actions, each behind its
 * own permission, every outcome audited.
 */
export function createActionRoutes(
  options: ActionRouteOptions,
): express.Router {
  const { actions } = options;
  const router = Router();

  router.post(`${CLUSTER}/upgrade`, async (req, res) => {
    const written = parseInput(upgradeBodySchema, req.body, 'body');
    // A version without its leading v is read with it, and the answer says so.
    const version = parseKubeVersion(written.version, {
      lenient: true,
    })!.text;
    const body = { ...written, version };
    const result = await runAction(
      options,
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
  });

  router.post(`${CLUSTER}/scale`, async (req, res) => {
    const body = parseInput(scaleBodySchema, req.body, 'body');
    const result = await runAction(
      options,
      req,
      'scale',
      kamajiClusterScalePermission,
      { pool: body.pool, replicas: body.replicas },
      cluster => actions.scale(cluster, body),
    );
    res.json(result);
  });

  router.delete(CLUSTER, async (req, res) => {
    const query = parseQuery(deleteQuerySchema, req);
    const result = await runAction(
      options,
      req,
      'delete',
      kamajiClusterDeletePermission,
      { confirm: query.confirm },
      cluster => actions.delete(cluster, query),
    );
    res.status(202).json(result);
  });

  return router;
}
