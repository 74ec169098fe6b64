import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  ActionContext,
  createTemplateAction,
} from '@backstage/plugin-scaffolder-node';
import { KAMAJI_LABELS } from '@kamaji-backstage/plugin-kamaji-common';
import { makeAddonSetInputSchema } from '../render/schemas';
import { parseAddonSet, renderAddonSetSpec } from '../render/addonSet';
import {
  KamajiActionDeps,
  scaffolderSchema,
  PreparedObjects,
  authorizeCreate,
  checkCreateTarget,
  provenanceOf,
} from './common';
import { createOnRecord } from './createAudit';

const ACTION_ID = 'kamaji:addonset:create';

/**
 * Validates an addon set input (shape, then against the fleet and the catalog) and renders it.
 */
export async function prepareAddonSet(
  ctx: ActionContext<any, any>,
  deps: KamajiActionDeps,
  input: unknown,
  credentials: BackstageCredentials,
): Promise<PreparedObjects> {
  const spec = parseAddonSet(input, deps.settings);
  const {
    snapshot,
    managementCluster: mc,
    problems,
  } = await checkCreateTarget(spec, 'addon set input', credentials, deps);
  const clash = snapshot.addonSets.find(
    a =>
      a.managementCluster === mc.name &&
      a.name === spec.name &&
      (a.kind !== spec.kind ||
        (spec.kind !== 'ClusterProfile' && a.namespace !== spec.namespace)),
  );
  if (clash) {
    problems.add(
      'name',
      `an addon set '${spec.name}' already exists as ${clash.kind}${
        clash.namespace ? ` in ${clash.namespace}` : ''
      }: clusters with the label ${KAMAJI_LABELS.addonSetPrefix}${
        spec.name
      } would get both; pick another name`,
    );
  }
  problems.throwIfAny('addon set input');
  const label = `${KAMAJI_LABELS.addonSetPrefix}${spec.name}`;
  ctx.logger.info(
    `Addon set ${spec.name} (${spec.kind}) in ${
      mc.name
    }, selecting clusters labelled ${label}: enabled${
      spec.kind === 'ClusterProfile'
        ? ' in every namespace'
        : ` in ${spec.namespace}`
    }`,
  );
  const objects = renderAddonSetSpec(spec, {
    provenance: provenanceOf(ctx, credentials, deps),
  });
  return {
    objects,
    managementCluster: mc.name,
    client: mc.client,
    name: spec.name,
    outputs: {
      managementCluster: mc.name,
      name: spec.name,
      kind: spec.kind,
      label,
    },
  };
}

/** Examples of `kamaji:addonset:create` in a template. */
const addonSetCreateExamples = [
  {
    description: 'metrics-server on every cluster that opts in (Sveltos)',
    example: `steps:
  - id: addons
    action: kamaji:addonset:create
    input:
      name: metrics
      kind: ClusterProfile
      owner: platform-team
      chart:
        repositoryURL: https://kubernetes-sigs.github.io/metrics-server/
        chartName: metrics-server
        chartVersion: 3.12.2
        releaseNamespace: kube-system`,
  },
  {
    description: 'A default-deny NetworkPolicy through a ClusterResourceSet',
    example: `steps:
  - id: addons
    action: kamaji:addonset:create
    input:
      name: default-deny
      kind: ClusterResourceSet
      namespace: fleet-tenants
      owner: platform-team
      manifests: |
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata:
          name: default-deny
          namespace: default
        spec:
          podSelector: {}
          policyTypes: [Ingress]`,
  },
];

/**
 * `kamaji:addonset:create`: an addon set.
 *
 * @public
 */
export function createAddonSetCreateAction(deps: KamajiActionDeps) {
  return createTemplateAction({
    id: ACTION_ID,
    description: `Creates an addon set that clusters opt into with the label '${KAMAJI_LABELS.addonSetPrefix}<name>: enabled': a Sveltos ClusterProfile (default), a CAPI Helm addon HelmChartProxy or a CAPI ClusterResourceSet. Validated, dry-run, then created all or nothing.`,
    examples: addonSetCreateExamples,
    supportsDryRun: true,
    schema: {
      input: scaffolderSchema(makeAddonSetInputSchema),
      output: scaffolderSchema(z =>
        z.object({
          managementCluster: z.string(),
          name: z.string(),
          kind: z.string(),
          label: z
            .string()
            .describe('The label clusters carry to get this addon set'),
          objects: z.array(z.string()),
          manifest: z.string(),
        }),
      ),
    },
    async handler(ctx) {
      await createOnRecord(ctx, deps, {
        actionId: ACTION_ID,
        kind: 'addon-set',
        authorize: () => authorizeCreate(ctx, deps, 'create addon sets'),
        prepare: credentials =>
          prepareAddonSet(ctx, deps, ctx.input, credentials),
      });
    },
  });
}
