import {
  AuditorService,
  AuthService,
  BackstageCredentials,
  DiscoveryService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { ActionContext } from '@backstage/plugin-scaffolder-node';
import {
  FleetSnapshot,
  isOwnerAmong,
  kamajiClusterCreatePermission,
  ownerEntityRef,
} from '@kamaji-backstage/plugin-kamaji-common';
import {
  FleetService,
  KamajiAuditService,
} from '@kamaji-backstage/plugin-kamaji-node';
import { KamajiScaffolderSettings } from '../render/settings';
import { Zod } from '../render/schemas';
import { FieldError, OwnerRef, Problems, shown } from '../render/validation';
import { KubeObject, Provenance, toYaml } from '../render/objects';
import {
  ObjectClient,
  ObjectClientFactory,
  defaultObjectClientFactory,
} from '../kube/ObjectClient';
import {
  ApplyPlan,
  KamajiApplyError,
  ObjectResult,
  explainApiError,
} from '../kube/ApplyPlan';

/**
 * What the Kamaji actions need from the backend.
 *
 * @public
 */
export interface KamajiActionDeps {
  fleet: FleetService;
  permissions: PermissionsService;
  userInfo: UserInfoService;
  auth: AuthService;
  catalog: CatalogService;
  /** The Kamaji audit trail: one record per create, denied and failed ones included. */
  audit: KamajiAuditService;
  /** The scaffolder's auditor service: the same creates as auditor events. */
  auditor: AuditorService;
  settings: KamajiScaffolderSettings;
  /** Finds the kamaji backend's REST API (`kamaji:upgradeplan:create` calls it as the user). */
  discovery?: DiscoveryService;
  /** How to talk to a cluster; tests swap it. Default: @kubernetes/client-node. */
  clientFactory?: ObjectClientFactory;
  /** Waits between polls of `kamaji:cluster:wait`; tests swap it. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** The clock of `kamaji:cluster:wait`; tests swap it. */
  now?: () => number;
  /** How long to wait for the fleet model to be read once (default 30 s). */
  fleetReadyTimeoutMs?: number;
}

type AnyContext = ActionContext<any, any>;

/**
 * Checks `kamaji.cluster.create` for the user who started the task; returns their credentials.
 */
export async function authorizeCreate(
  ctx: AnyContext,
  deps: KamajiActionDeps,
  what: string,
): Promise<BackstageCredentials> {
  const credentials = await ctx.getInitiatorCredentials();
  const [decision] = await deps.permissions.authorize(
    [{ permission: kamajiClusterCreatePermission }],
    { credentials },
  );
  if (decision.result !== AuthorizeResult.ALLOW) {
    throw new NotAllowedError(
      `You are not allowed to ${what}: it needs the permission '${kamajiClusterCreatePermission.name}'. Ask the platform team for access.`,
    );
  }
  return credentials;
}

/** Tells the user, in the task log, what was read differently from how it was written. */
export function logNotes(ctx: AnyContext, notes: FieldError[]): void {
  for (const n of notes) ctx.logger.warn(`Note: ${n.path}: ${n.message}`);
}

/** The user entity ref of the task's initiator, for the requested-by annotation. */
export function requesterOf(
  ctx: AnyContext,
  credentials: BackstageCredentials,
  deps: KamajiActionDeps,
): string | undefined {
  if (ctx.user?.ref) return ctx.user.ref;
  if (deps.auth.isPrincipal(credentials, 'user'))
    return credentials.principal.userEntityRef;
  return undefined;
}

export function provenanceOf(
  ctx: AnyContext,
  credentials: BackstageCredentials,
  deps: KamajiActionDeps,
): Provenance {
  return {
    requestedBy: requesterOf(ctx, credentials, deps),
    taskId: ctx.task?.id,
  };
}

/**
 * The owner must be a Group in the catalog, and one of the user's groups unless the user is in a
 * fleet admin group (`kamaji.scaffolder.fleetAdminGroups`).
 */
export async function checkOwnerAllowed(
  owner: OwnerRef,
  credentials: BackstageCredentials,
  deps: KamajiActionDeps,
  problems: Problems,
): Promise<void> {
  const entity = await deps.catalog.getEntityByRef(owner.entityRef, {
    credentials,
  });
  if (!entity) {
    problems.add(
      'owner',
      `there is no group '${owner.entityRef}' in the catalog: pick one of the catalog's groups`,
    );
    return;
  }
  if (entity.kind.toLocaleLowerCase('en-US') !== 'group') {
    problems.add(
      'owner',
      `'${owner.entityRef}' is a ${entity.kind}, not a Group`,
    );
    return;
  }
  if (!deps.auth.isPrincipal(credentials, 'user')) {
    throw new NotAllowedError(
      "Only a signed-in user can create clusters: the owner group is checked against the user's groups.",
    );
  }
  const info = await deps.userInfo.getUserInfo(credentials);
  const admin = deps.settings.fleetAdminGroups.some(g =>
    isOwnerAmong(g, info.ownershipEntityRefs),
  );
  if (!admin && !isOwnerAmong(owner.entityRef, info.ownershipEntityRefs)) {
    const groups = info.ownershipEntityRefs.filter(r => ownerEntityRef(r));
    throw new NotAllowedError(
      `owner: you may only create clusters owned by one of your own groups (${
        groups.length ? groups.join(', ') : 'you are in no group'
      }), not '${
        owner.entityRef
      }'. A fleet admin can create them for any group.`,
    );
  }
}

/** Waits for the fleet model to be read once, within a bound. */
export async function fleetSnapshot(
  deps: KamajiActionDeps,
): Promise<FleetSnapshot> {
  const timeout = deps.fleetReadyTimeoutMs ?? 30_000;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    deps.fleet.ready(),
    new Promise<void>(done => {
      timer = setTimeout(done, timeout);
    }),
  ]);
  if (timer) clearTimeout(timer);
  return deps.fleet.getSnapshot();
}

/** The management cluster to write to, and a client for it. */
export function managementClusterOf(
  requested: string | undefined,
  snapshot: FleetSnapshot,
  deps: KamajiActionDeps,
  problems: Problems,
): { name: string; client: ObjectClient } | undefined {
  const known = snapshot.managementClusters.map(m => m.name);
  let name = requested;
  if (name === undefined) {
    if (known.length === 1) name = known[0];
    else {
      problems.add(
        'managementCluster',
        known.length
          ? `is required when several management clusters are configured: pick one of ${known.join(
              ', ',
            )}`
          : 'no management cluster is configured (kamaji.managementClusters): ask the platform team',
      );
      return undefined;
    }
  } else if (!known.includes(name)) {
    problems.add(
      'managementCluster',
      `no management cluster named ${shown(name)}: pick one of ${
        known.join(', ') || '(none configured)'
      }`,
    );
    return undefined;
  }
  const access = deps.fleet.getManagementClusterAccess(name);
  if (!access) {
    problems.add(
      'managementCluster',
      `'${name}' is configured but the backend has no access to it right now`,
    );
    return undefined;
  }
  const factory = deps.clientFactory ?? defaultObjectClientFactory;
  return { name, client: factory(access.kubeConfig) };
}

/** Checks that a namespace exists in the management cluster. */
export async function checkNamespaceExists(
  client: ObjectClient,
  managementCluster: string,
  namespace: string,
  path: string,
  problems: Problems,
): Promise<void> {
  try {
    const ns = await client.get({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: namespace },
    });
    if (!ns) {
      problems.add(
        path,
        `namespace '${namespace}' does not exist in ${managementCluster}: pick an existing one or ask the platform team to create it`,
      );
    }
  } catch (e) {
    throw new KamajiApplyError(
      `Could not read the management cluster ${managementCluster}: ${explainApiError(
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
        e,
      )}`,
    );
  }
}

/** Where a create input will be written, once {@link checkCreateTarget} accepted it. */
export interface CreateTarget {
  snapshot: FleetSnapshot;
  managementCluster: { name: string; client: ObjectClient };
  /** Problems found so far: the caller adds its own checks, then throws them together. */
  problems: Problems;
}

/**
 * The fleet as the actions see it, and the management cluster an input names (else the only one)
 * with a client for it. Throws, as `Invalid <what>`, when there is no such management cluster.
 */
export async function targetManagementCluster(
  requested: string | undefined,
  what: string,
  deps: KamajiActionDeps,
): Promise<Omit<CreateTarget, 'problems'>> {
  const problems = new Problems();
  const snapshot = await fleetSnapshot(deps);
  const managementCluster = managementClusterOf(
    requested,
    snapshot,
    deps,
    problems,
  );
  problems.throwIfAny(what);
  return { snapshot, managementCluster: managementCluster! };
}

/**
 * The checks every create input gets once its shape is valid: the management cluster exists,
 * the owner is a group the requester may create for, and the namespace exists there.
 * `what` names the input in the error ("tenant cluster input").
 */
export async function checkCreateTarget(
  spec: { managementCluster?: string; owner: OwnerRef; namespace: string },
  what: string,
  credentials: BackstageCredentials,
  deps: KamajiActionDeps,
): Promise<CreateTarget> {
  const { snapshot, managementCluster: mc } = await targetManagementCluster(
    spec.managementCluster,
    what,
    deps,
  );
  const problems = new Problems();
  await checkOwnerAllowed(spec.owner, credentials, deps, problems);
  await checkNamespaceExists(
    mc.client,
    mc.name,
    spec.namespace,
    'namespace',
    problems,
  );
  return { snapshot, managementCluster: mc, problems };
}

/**
 * The common tail of the create actions: re-check existing objects, dry run everything, then
 * (unless the task itself is a dry run) apply all or nothing.
 */
export async function dryRunAndApply(
  ctx: AnyContext,
  client: ObjectClient,
  objects: KubeObject[],
  extraChecks?: (plan: ApplyPlan) => string[],
): Promise<{ results: ObjectResult[]; applied: boolean; yaml: string }> {
  const plan = await ApplyPlan.prepare(client, objects);
  const existing = [...plan.checkExisting(), ...(extraChecks?.(plan) ?? [])];
  if (existing.length) {
    throw new KamajiApplyError(
      `Nothing was written:\n${existing.map(p => `- ${p}`).join('\n')}`,
    );
  }
  ctx.logger.info(
    `Dry run of ${plan.entries.length} objects against the management cluster`,
  );
  const preview = await plan.dryRun();
  for (const r of preview)
    ctx.logger.info(`  would be ${r.outcome}: ${r.object}`);
  const yaml = toYaml(plan.entries.map(e => e.object));
  if (ctx.isDryRun) {
    ctx.logger.info('Dry run of the template: nothing was written');
    return { results: preview, applied: false, yaml };
  }
  const results = await plan.apply(line => ctx.logger.info(line));
  const count = (o: string) => results.filter(r => r.outcome === o).length;
  ctx.logger.info(
    `Done: ${count('created')} created, ${count('updated')} updated, ${count(
      'unchanged',
    )} unchanged`,
  );
  return { results, applied: true, yaml };
}

/** A validated, rendered request, ready for a dry run and an apply (or for files). */
export interface PreparedObjects {
  objects: KubeObject[];
  managementCluster: string;
  client: ObjectClient;
  /** Name of the main object (file name of the render action). */
  name: string;
  /** Checks against objects that already exist (e.g. no Kubernetes downgrade). */
  extraChecks?: (plan: ApplyPlan) => string[];
  /** Step outputs besides `objects` and `manifest`. */
  outputs: Record<string, string>;
}

/**
 * The end of every create action: dry run and apply what `prepare*` made (all or nothing), then
 * set the action's outputs (the prepared ones, each object's outcome, and the manifest).
 */
export async function applyPrepared(
  ctx: AnyContext,
  prepared: PreparedObjects,
): Promise<{ results: ObjectResult[]; applied: boolean }> {
  const { results, applied, yaml } = await dryRunAndApply(
    ctx,
    prepared.client,
    prepared.objects,
    prepared.extraChecks,
  );
  for (const [k, v] of Object.entries(prepared.outputs)) ctx.output(k, v);
  ctx.output(
    'objects',
    results.map(r => `${r.outcome}: ${r.object}`),
  );
  ctx.output('manifest', yaml);
  return { results, applied };
}

/**
 * Hands a schema builder to the scaffolder, which calls it with its own copy of zod (so the JSON
 * schema shown in the template editor is made by the scaffolder's converter). The builders are
 * the same the render functions use with this package's zod.
 */
export function scaffolderSchema(build: (z: Zod) => unknown): any {
  return (z: unknown) => build(z as Zod);
}
