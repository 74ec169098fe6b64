import {
  ActionContext,
  createTemplateAction,
} from '@backstage/plugin-scaffolder-node';
import { InputError, NotAllowedError, ResponseError } from '@backstage/errors';
import {
  KamajiApiClient,
  kamajiFleetUpgradePermission,
  parseKubeVersion,
  withoutVNote,
  type UpgradePlan,
  type UpgradePlanRequest,
} from '@kamaji-backstage/plugin-kamaji-common';
import { z as zod } from 'zod';
import { Zod } from '../render/schemas';
import { Problems } from '../render/validation';
import { parseShape } from '../render/shape';
import { KamajiActionDeps, logNotes, scaffolderSchema } from './common';

const ACTION_ID = 'kamaji:upgradeplan:create';

/** Where the Upgrades view of the kamaji frontend plugin lives. */
export const UPGRADES_PAGE_PATH = '/kamaji/upgrades';

/** The plan's tenants and their target version. */
const selectionFields = (z: Zod) => ({
  version: z.string().describe("Target Kubernetes version, e.g. 'v1.35.2'."),
  managementCluster: z
    .string()
    .optional()
    .describe('Only tenants of this management cluster.'),
  island: z
    .string()
    .optional()
    .describe(
      'Only tenants hosted on this island (<management cluster>/<namespace>/<name>).',
    ),
  owner: z
    .string()
    .optional()
    .describe(
      "Only tenants of this group ('team-retail' or 'group:default/team-retail').",
    ),
  currentVersion: z
    .string()
    .optional()
    .describe("Only tenants now at this version or prefix, e.g. 'v1.34'."),
});

/** How the plan's waves run. */
const waveFields = (z: Zod) => ({
  canary: z
    .number()
    .optional()
    .describe('Clusters in the first (canary) wave; 0 for none (default 1).'),
  groupBy: z
    .enum(['island', 'site'])
    .optional()
    .describe(
      'The waves after the canary: one per island or per site (default island).',
    ),
  maxConcurrent: z
    .number()
    .optional()
    .describe(
      'At most this many clusters upgrading at once in a wave (default 1).',
    ),
  soakSeconds: z
    .number()
    .optional()
    .describe('Seconds to wait after a wave before the next (default 0).'),
  gateTimeoutSeconds: z
    .number()
    .optional()
    .describe(
      'Seconds a cluster may take to pass its health gate (default 900).',
    ),
  workers: z
    .boolean()
    .optional()
    .describe('Also upgrade the worker pools (default true).'),
  whenDisconnected: z
    .enum(['wait', 'skip'])
    .optional()
    .describe(
      'A cluster whose island is disconnected waits for the uplink or is skipped (default wait).',
    ),
  start: z
    .boolean()
    .optional()
    .describe(
      'Start the plan at once (default false: a draft with its preview, started from the Upgrades view).',
    ),
});

/** The input of `kamaji:upgradeplan:create`, built with the scaffolder's zod or this package's. */
export function makeUpgradePlanCreateInputSchema(z: Zod) {
  return z.object({ ...selectionFields(z), ...waveFields(z) }).strict();
}

const inputSchema = makeUpgradePlanCreateInputSchema(zod);
type UpgradePlanCreateInput = zod.infer<typeof inputSchema>;

export const upgradePlanCreateExamples = [
  {
    description:
      "A draft plan upgrading team-retail's v1.34 tenants to v1.35.2, canary first, then island by island",
    example: `steps:
  - id: plan
    name: Plan the upgrade
    action: kamaji:upgradeplan:create
    input:
      version: v1.35.2
      owner: team-retail
      currentVersion: v1.34
      canary: 1
      maxConcurrent: 2
      soakSeconds: 600`,
  },
  {
    description:
      'Start the plan at once, skipping clusters whose island is disconnected',
    example: `steps:
  - id: plan
    action: kamaji:upgradeplan:create
    input:
      version: v1.35.2
      island: central/fleet-islands/island-a
      whenDisconnected: skip
      start: true`,
  },
];

/** The plan request for the input; a version without its leading v is read with it, noted. */
export function planRequestOf(raw: unknown): {
  request: UpgradePlanRequest;
  notes: Problems['notes'];
} {
  const problems = new Problems();
  const input: UpgradePlanCreateInput = parseShape(
    inputSchema,
    raw,
    problems,
    'upgrade plan input',
  );
  const version = parseKubeVersion(input.version, { lenient: true });
  if (!version || version.prerelease.length) {
    problems.add(
      'version',
      `must be a Kubernetes version like 'v1.35.2'; got ${JSON.stringify(
        input.version.slice(0, 64),
      )}`,
    );
    problems.throwIfAny('upgrade plan input');
  }
  if (version!.text !== input.version)
    problems.note('version', withoutVNote(input.version, version!.text));
  const selection = {
    managementCluster: input.managementCluster,
    island: input.island,
    owner: input.owner,
    version: input.currentVersion,
  };
  const waves = { canary: input.canary, groupBy: input.groupBy };
  return {
    request: JSON.parse(
      JSON.stringify({
        version: version!.text,
        selection,
        waves,
        maxConcurrent: input.maxConcurrent,
        soakSeconds: input.soakSeconds,
        gateTimeoutSeconds: input.gateTimeoutSeconds,
        workers: input.workers,
        whenDisconnected: input.whenDisconnected,
        dryRun: !input.start,
      }),
    ),
    notes: problems.notes,
  };
}

/** The backend's refusal in words the template user can act on. */
async function refusal(response: Response): Promise<Error> {
  const error = await ResponseError.fromResponse(response);
  const said = error.body?.error?.message ?? error.message;
  if (response.status === 403) {
    return new NotAllowedError(
      `You are not allowed to create fleet upgrade plans: it needs the permission '${kamajiFleetUpgradePermission.name}' (the example policy gives it to the platform team). No plan was created. The backend said: ${said}`,
    );
  }
  if (response.status === 400) {
    return new InputError(`Invalid upgrade plan input: ${said}`);
  }
  return error;
}

/** Each wave and what is refused, for the task log. */
function logPreview(
  logger: { info(m: string): void; warn(m: string): void },
  plan: UpgradePlan,
) {
  for (const wave of plan.waves) {
    logger.info(
      `Wave ${wave.index + 1} (${wave.name}): ${wave.clusterIds.join(', ')}`,
    );
  }
  for (const step of plan.steps.filter(s => s.state === 'refused')) {
    logger.warn(`Refused: ${step.clusterId}: ${step.message ?? ''}`);
  }
}

type UpgradePlanContext = ActionContext<UpgradePlanCreateInput, any>;

/** Creates the plan through the kamaji backend's REST API as the user who runs the template. */
async function createPlanAsInitiator(
  ctx: UpgradePlanContext,
  deps: KamajiActionDeps,
  request: UpgradePlanRequest,
): Promise<UpgradePlan> {
  if (!deps.discovery)
    throw new Error(
      'kamaji:upgradeplan:create needs the discovery service (coreServices.discovery)',
    );
  const credentials = await ctx.getInitiatorCredentials();
  const { token } = await deps.auth.getPluginRequestToken({
    onBehalfOf: credentials,
    targetPluginId: 'kamaji',
  });
  const api = new KamajiApiClient({
    discoveryApi: deps.discovery,
    fetchApi: {
      fetch: (input, init) => fetch(input, { ...init, signal: ctx.signal }),
    },
  });
  const response = await api.createUpgradePlan({ body: request }, { token });
  if (!response.ok) throw await refusal(response as Response);
  return response.json();
}

/** The plan in the task log, and the action's outputs. */
function reportPlan(ctx: UpgradePlanContext, plan: UpgradePlan) {
  const refused = plan.steps.filter(s => s.state === 'refused').length;
  ctx.logger.info(
    `Upgrade plan ${plan.id} (${plan.status}) to ${plan.version}: ${
      plan.steps.length - refused
    } cluster(s) in ${plan.waves.length} wave(s), ${refused} refused`,
  );
  logPreview(ctx.logger, plan);
  ctx.output('planId', plan.id);
  ctx.output('status', plan.status);
  ctx.output(
    'url',
    `${UPGRADES_PAGE_PATH}?plan=${encodeURIComponent(plan.id)}`,
  );
  ctx.output('clusters', plan.steps.length - refused);
  ctx.output('refused', refused);
}

/**
 * `kamaji:upgradeplan:create`: a fleet upgrade plan (a draft with its preview, or started),
 * created through the kamaji backend's REST API as the user who runs the template, so the
 * backend checks `kamaji.fleet.upgrade` for that user and audits the attempt.
 *
 * @public
 */
export function createUpgradePlanCreateAction(deps: KamajiActionDeps) {
  return createTemplateAction({
    id: ACTION_ID,
    description: `Creates a fleet upgrade plan as the user running the template (permission '${kamajiFleetUpgradePermission.name}', checked by the kamaji backend): the selected tenants in waves (canary, then per island or site), with what is refused in words. A draft by default, started from the Upgrades view; or started at once.`,
    examples: upgradePlanCreateExamples,
    supportsDryRun: true,
    schema: {
      input: scaffolderSchema(makeUpgradePlanCreateInputSchema),
      output: scaffolderSchema(z =>
        z.object({
          planId: z.string(),
          status: z.string(),
          url: z.string().describe('The plan in the Upgrades view'),
          clusters: z.number().describe('Clusters the plan will upgrade'),
          refused: z
            .number()
            .describe('Clusters refused, with the reason in the log'),
        }),
      ),
    },
    async handler(ctx) {
      const { request, notes } = planRequestOf(ctx.input);
      logNotes(ctx, notes);
      if (ctx.isDryRun) {
        ctx.logger.info('Dry run of the template: no plan was created');
        return;
      }
      reportPlan(ctx, await createPlanAsInitiator(ctx, deps, request));
    },
  });
}
