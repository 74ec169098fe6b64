import {
  BackstageCredentials,
  HttpAuthService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { ActionContext } from '@backstage/plugin-scaffolder-node';
import { CreatePreview } from '@kamaji-backstage/plugin-kamaji-common';
import express from 'express';
import Router from 'express-promise-router';
import { prepareAddonSet } from '../actions/addonSetCreate';
import {
  authorizeCreate,
  KamajiActionDeps,
  PreparedObjects,
} from '../actions/common';
import { prepareIsland } from '../actions/islandCreate';
import { prepareTenant } from '../actions/tenantCreate';
import { ApplyPlan } from '../kube/ApplyPlan';

const PREPARE = {
  tenant: prepareTenant,
  island: prepareIsland,
  addonSet: prepareAddonSet,
};

/** An object as the server would store it, without managedFields, uid and versions. */
function withoutBookkeeping(o: object): Record<string, unknown> {
  const { metadata, status, ...rest } = o as any;
  const {
    managedFields,
    uid,
    resourceVersion,
    generation,
    creationTimestamp,
    ...meta
  } = metadata ?? {};
  return { ...rest, metadata: meta };
}

/** A logger that keeps the warnings the action would log, for the preview to show. */
function warningCollector(logger: LoggerService, warnings: string[]) {
  const collector: LoggerService = {
    ...logger,
    warn: message => {
      warnings.push(message);
    },
    child: () => collector,
  };
  return collector;
}

/**
 * The objects a create action would apply, from its own prepare function (checks and render),
 * each dry-run by the management cluster: what the apply would do, or the server's refusal.
 * Nothing is written.
 */
export async function previewCreate(
  kind: keyof typeof PREPARE,
  input: unknown,
  credentials: BackstageCredentials,
  deps: KamajiActionDeps,
  logger: LoggerService,
): Promise<CreatePreview> {
  const warnings: string[] = [];
  // The prepare functions read only the logger and who asked from the action context.
  const ctx = {
    logger: warningCollector(logger, warnings),
    user: undefined,
    task: undefined,
    isDryRun: true,
  } as unknown as ActionContext<any, any>;
  const prepared: PreparedObjects = await PREPARE[kind](
    ctx,
    deps,
    input,
    credentials,
  );
  const plan = await ApplyPlan.prepare(prepared.client, prepared.objects);
  const problems = [
    ...plan.checkExisting(),
    ...(prepared.extraChecks?.(plan) ?? []),
  ];
  const results = await plan.dryRunEach();
  return {
    managementCluster: prepared.managementCluster,
    objects: results.map(({ object, result, outcome, refusal }) => ({
      apiVersion: object.apiVersion,
      kind: object.kind,
      ...(object.metadata.namespace
        ? { namespace: object.metadata.namespace }
        : {}),
      name: object.metadata.name,
      ...(outcome ? { outcome } : {}),
      ...(refusal ? { refusal } : {}),
      object: withoutBookkeeping(result ?? object),
    })),
    problems,
    warnings,
    ok: problems.length === 0 && results.every(r => !r.refusal),
  };
}

/**
 * `POST /api/scaffolder/kamaji/v1/create-preview` with `{ kind, input }` (the template's step
 * input): the create preview the template form shows before the user presses Create. Same
 * checks as the action: `kamaji.cluster.create`, an owner group the user may create for.
 */
export function createPreviewRouter(options: {
  httpAuth: HttpAuthService;
  logger: LoggerService;
  deps: KamajiActionDeps;
}): express.Router {
  const router = Router();
  router.use(express.json({ limit: '64kb' }));
  router.post('/kamaji/v1/create-preview', async (req, res) => {
    const credentials = await options.httpAuth.credentials(req, {
      allow: ['user'],
    });
    const kind = req.body?.kind;
    if (!Object.hasOwn(PREPARE, kind)) {
      throw new InputError(
        `kind must be one of ${Object.keys(PREPARE).join(
          ', ',
        )} (got ${JSON.stringify(String(kind).slice(0, 40))})`,
      );
    }
    await authorizeCreate(
      { getInitiatorCredentials: async () => credentials } as any,
      options.deps,
      'create clusters',
    );
    res.json(
      await previewCreate(
        kind,
        req.body.input,
        credentials,
        options.deps,
        options.logger,
      ),
    );
  });
  return router;
}
