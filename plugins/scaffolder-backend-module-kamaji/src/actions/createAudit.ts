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

/** Options of createOnRecord. */
interface CreateOptions {
  actionId: string;
  kind: CreateKind;
  /** Checks the permission (throws NotAllowedError) and returns the credentials. */
  authorize: () => Promise<BackstageCredentials>;
  prepare: (credentials: BackstageCredentials) => Promise<PreparedObjects>;
}

/** One create attempt's row of the Kamaji audit trail, filled in as the attempt goes. */
class CreateTrail {
  readonly started = Date.now();
  readonly request: Record<string, unknown>;
  credentials?: BackstageCredentials;
  prepared?: PreparedObjects;

  constructor(
    private readonly ctx: AnyContext,
    private readonly deps: KamajiActionDeps,
    private readonly options: CreateOptions,
  ) {
    this.request = requestOf(ctx, options.actionId, options.kind);
  }

  target(): string {
    const input = (this.ctx.input ?? {}) as Record<string, unknown>;
    return targetOf(this.options.kind, input, this.prepared);
  }

  /** Writes the row; a trail that cannot be written is logged. */
  async write(
    result: AuditResult,
    status: number,
    extra: { message?: string; details?: Record<string, unknown> },
  ): Promise<void> {
    const target = this.target();
    try {
      await this.deps.audit.record({
        occurredAt: new Date(this.started).toISOString(),
        ...actorOf(this.ctx, this.credentials),
        action: 'create',
        target,
        request: this.request,
        result,
        status,
        ...extra,
        durationMs: Date.now() - this.started,
      });
    } catch (e) {
      this.ctx.logger.error(
        `Could not write the audit trail for ${target}: ${
          (e as Error).message
        }`,
      );
    }
  }
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
  options: CreateOptions,
): Promise<void> {
  if (ctx.isDryRun) {
    await applyPrepared(ctx, await options.prepare(await options.authorize()));
    return;
  }
  const trail = new CreateTrail(ctx, deps, options);
  const auditorEvent = await deps.auditor.createEvent({
    eventId: 'kamaji-create',
    severityLevel: 'medium',
    meta: trail.request as any,
  });
  try {
    trail.credentials = await options.authorize();
    trail.prepared = await options.prepare(trail.credentials);
    const { results } = await applyPrepared(ctx, trail.prepared);
    await trail.write('success', 201, {
      details: { objects: results.map(r => `${r.outcome}: ${r.object}`) },
    });
    await auditorEvent.success({ meta: { target: trail.target() } });
  } catch (e) {
    trail.credentials ??= await ctx
      .getInitiatorCredentials()
      .catch(() => undefined);
    const { result, status } = outcomeOf(e);
    await trail.write(result, status, {
      message: String((e as Error)?.message ?? e).slice(0, 2000),
    });
    await auditorEvent.fail({ error: e as Error });
    throw e;
  }
}
