import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  ActionContext,
  createTemplateAction,
} from '@backstage/plugin-scaffolder-node';
import { clusterId, IslandNode } from '@kamaji-backstage/plugin-kamaji-common';
import { makeIslandInputSchema } from '../render/schemas';
import {
  IslandSpec,
  parseIsland,
  renderIslandSpec,
  islandKamajiAddonSet,
} from '../render/island';
import { Problems } from '../render/validation';
import { ObjectClient } from '../kube/ObjectClient';
import {
  KamajiActionDeps,
  scaffolderSchema,
  PreparedObjects,
  authorizeCreate,
  checkCreateTarget,
  logNotes,
  provenanceOf,
} from './common';
import { createOnRecord } from './createAudit';

const ACTION_ID = 'kamaji:island:create';

/** Island names are unique in a management cluster: its Kamaji addon set is cluster-wide. */
function checkUniqueName(
  problems: Problems,
  spec: IslandSpec,
  islands: IslandNode[],
  managementCluster: string,
) {
  const sameName = islands.find(
    i =>
      i.name === spec.name &&
      i.managementCluster === managementCluster &&
      i.namespace !== spec.namespace,
  );
  if (sameName) {
    problems.add(
      'name',
      `an island named '${spec.name}' already exists in namespace ${sameName.namespace}: island names must be unique in a management cluster (its Kamaji addon set is cluster-wide)`,
    );
  }
}

/** An island declared before its ClusterClass exists is built by CAPI only once it does. */
async function warnWithoutClusterClass(
  ctx: ActionContext<any, any>,
  spec: IslandSpec,
  mc: { name: string; client: ObjectClient },
) {
  const clusterClass = await mc.client
    .get({
      apiVersion: 'cluster.x-k8s.io/v1beta2',
      kind: 'ClusterClass',
      metadata: { name: spec.clusterClass, namespace: spec.namespace },
    })
    .catch(() => undefined);
  if (!clusterClass) {
    ctx.logger.warn(
      `ClusterClass ${spec.namespace}/${spec.clusterClass} was not found in ${mc.name}: the island is declared, but CAPI builds it only once the ClusterClass exists`,
    );
  }
}

/**
 * Validates an island input (shape, then against the fleet and the catalog) and renders it.
 */
export async function prepareIsland(
  ctx: ActionContext<any, any>,
  deps: KamajiActionDeps,
  input: unknown,
  credentials: BackstageCredentials,
): Promise<PreparedObjects> {
  const spec = parseIsland(input, deps.settings);
  logNotes(ctx, spec.notes);
  const {
    snapshot,
    managementCluster: mc,
    problems,
  } = await checkCreateTarget(spec, 'island input', credentials, deps);
  checkUniqueName(problems, spec, snapshot.islands, mc.name);
  problems.throwIfAny('island input');
  await warnWithoutClusterClass(ctx, spec, mc);
  ctx.logger.info(
    `Island ${spec.namespace}/${spec.name} (site ${spec.site}) in ${mc.name}: Kubernetes ${spec.version.text}, ${spec.controlPlaneReplicas} control plane node(s), Kamaji chart ${spec.kamajiChartVersion}`,
  );
  const objects = renderIslandSpec(spec, deps.settings, {
    provenance: provenanceOf(ctx, credentials, deps),
  });
  return {
    objects,
    managementCluster: mc.name,
    client: mc.client,
    name: spec.name,
    outputs: {
      clusterId: clusterId({
        managementCluster: mc.name,
        namespace: spec.namespace,
        name: spec.name,
      }),
      managementCluster: mc.name,
      namespace: spec.namespace,
      name: spec.name,
      addonSet: islandKamajiAddonSet(spec.name),
    },
  };
}

/**
 * `kamaji:island:create`: a new island.
 *
 * @public
 */
export function createIslandCreateAction(deps: KamajiActionDeps) {
  return createTemplateAction({
    id: ACTION_ID,
    description:
      "Creates an island: a CAPI Cluster built from the islands' ClusterClass and labelled kamaji-backstage.io/role: island, with Kamaji delivered to it as an addon (a Sveltos ClusterProfile '<island>-kamaji' installing the Kamaji Helm chart and the namespace for tenant control planes). Validated, dry-run, then created all or nothing.",
    examples: [
      {
        description: 'An island for the Hamburg shop',
        example: `steps:
  - id: island
    action: kamaji:island:create
    input:
      name: island-c
      site: shop-hamburg
      kubernetesVersion: v1.34.2
      controlPlaneReplicas: 3
      owner: group:default/platform-team`,
      },
    ],
    supportsDryRun: true,
    schema: {
      input: scaffolderSchema(makeIslandInputSchema),
      output: scaffolderSchema(z =>
        z.object({
          clusterId: z.string(),
          managementCluster: z.string(),
          namespace: z.string(),
          name: z.string(),
          addonSet: z
            .string()
            .describe('The ClusterProfile that installs Kamaji on the island'),
          objects: z.array(z.string()),
          manifest: z.string(),
        }),
      ),
    },
    async handler(ctx) {
      await createOnRecord(ctx, deps, {
        actionId: ACTION_ID,
        kind: 'island',
        authorize: () => authorizeCreate(ctx, deps, 'create islands'),
        prepare: credentials =>
          prepareIsland(ctx, deps, ctx.input, credentials),
      });
    },
  });
}
