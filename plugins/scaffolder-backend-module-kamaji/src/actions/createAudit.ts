import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import { ActionContext } from '@backstage/plugin-scaffolder-node';
import { AuditResult } from '@kamaji-backstage/plugin-kamaji-common';
import { KamajiActionDeps, PreparedObjects, applyPrepared } from './common';

/** What a create action makes, as the audit trail names it. */
export type CreateKind = 'tenant' | 'island' | 'addon-set';

type AnyContext = ActionContext<any, any>;

/** The input fields worth keeping in the trail (never values files or other free text). */
const REQUEST_FIELDS = [
  'name',
  'namespace',
  'managementCluster',
  'owner',
  'island',
  'kubernetesVersion',
  'kind',
];

function requestOf(ctx: AnyContext, actionId: string, kind: CreateKind) {
  const request: Record<string, unknown> = {
    action: actionId,
    kind,
    template: ctx.templateInfo?.entityRef,
    taskId: ctx.task?.id,
  };
  const input = (ctx.input ?? {}) as Record<string, unknown>;
  for (const field of REQUEST_FIELDS) {
    const value = input[field];
    if (typeof value === 'string') request[field] = value.slice(0, 256);
  }
  return request;
}

/** The cluster id (an addon set's own id) once resolved; the requested name before. */
function targetOf(
  kind: CreateKind,
  input: Record<string, unknown>,
  prepared?: PreparedObjects,
): string {
  if (prepared?.outputs.clusterId) return prepared.outputs.clusterId;
  if (prepared && kind === 'addon-set') {
    return `addon-set/${prepared.managementCluster}/${prepared.name}`;
  }
  return `${kind}/${String(input.name ?? '(no name)').slice(0, 253)}`;
}

function actorOf(ctx: AnyContext, credentials?: BackstageCredentials) {
  const principal = credentials?.principal as any;
  if (ctx.user?.ref) return { actor: ctx.user.ref, actorType: 'user' as const };
  if (principal?.type === 'user') {
    return {
      actor: String(principal.userEntityRef),
      actorType: 'user' as const,
    };
  }
  return {
    actor: String(principal?.subject ?? 'unknown'),
    actorType: 'service' as const,
  };
}

function outcomeOf(e: unknown): { result: AuditResult; status: number } {
  if (e instanceof NotAllowedError) return { result: 'denied', status: 403 };
  if (e instanceof InputError) return { result: 'failure', status: 400 };
  return { result: 'failure', status: 500 };
}

/**
 * Runs a create action and puts it on the record: one row of the Kamaji audit trail (who, which
 * template and task, which objects, the result; denied and failed attempts with the reason) and
 * one event of the scaffolder's auditor service. A dry run of the template changes nothing and is
 * not recorded. A trail that cannot be written is logged; the create's own outcome stands.
 */
export async function createOnRecord(
  ctx: AnyContext,
  deps: KamajiActionDeps,
  options: {
    actionId: string;
    kind: CreateKind;
    /** Checks the permission (throws NotAllowedError) and returns the credentials. */
    authorize: () => Promise<BackstageCredentials>;
    prepare: (credentials: BackstageCredentials) => Promise<PreparedObjects>;
  },
): Promise<void> {
  if (ctx.isDryRun) {
    await applyPrepared(ctx, await options.prepare(await options.authorize()));
    return;
  }
  const started = Date.now();
  const input = (ctx.input ?? {}) as Record<string, unknown>;
  const request = requestOf(ctx, options.actionId, options.kind);
  const auditorEvent = await deps.auditor.createEvent({
    eventId: 'kamaji-create',
    severityLevel: 'medium',
    meta: request as any,
  });
  let credentials: BackstageCredentials | undefined;
  let prepared: PreparedObjects | undefined;

  const record = async (
    result: AuditResult,
    status: number,
    extra: { message?: string; details?: Record<string, unknown> },
  ) => {
    const target = targetOf(options.kind, input, prepared);
    try {
      await deps.audit.record({
        occurredAt: new Date(started).toISOString(),
        ...actorOf(ctx, credentials),
        action: 'create',
        target,
        request,
        result,
        status,
        ...extra,
        durationMs: Date.now() - started,
      });
    } catch (e) {
      ctx.logger.error(
        `Could not write the audit trail for ${target}: ${
          (e as Error).message
        }`,
      );
    }
  };

  try {
    credentials = await options.authorize();
    prepared = await options.prepare(credentials);
    const { results } = await applyPrepared(ctx, prepared);
    await record('success', 201, {
      details: { objects: results.map(r => `${r.outcome}: ${r.object}`) },
    });
    await auditorEvent.success({
      meta: { target: targetOf(options.kind, input, prepared) },
    });
  } catch (e) {
    credentials ??= await ctx.getInitiatorCredentials().catch(() => undefined);
    const { result, status } = outcomeOf(e);
    await record(result, status, {
      message: String((e as Error)?.message ?? e).slice(0, 2000),
    });
    await auditorEvent.fail({ error: e as Error });
    throw e;
  }
}
