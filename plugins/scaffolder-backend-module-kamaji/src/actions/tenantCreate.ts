import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { clusterId } from '@kamaji-backstage/plugin-kamaji-common';
import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { ActionContext } from '@backstage/plugin-scaffolder-node';
import { makeTenantClusterInputSchema } from '../render/schemas';
import {
  TenantClusterSpec,
  parseTenantCluster,
  renderTenantClusterSpec,
} from '../render/tenant';
import { compareVersions, parseKubernetesVersion } from '../render/validation';
import { ApplyPlan } from '../kube/ApplyPlan';
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
import { checkTenantAgainstFleet } from './tenantFleetChecks';

const ACTION_ID = 'kamaji:tenant:create';

export const tenantCreateExamples = [
  {
    description: 'An edge tenant cluster whose control plane runs on island-b',
    example: `steps:
  - id: tenant
    name: Create the tenant cluster
    action: kamaji:tenant:create
    input:
      name: berlin-scales
      island: island-b
      kubernetesVersion: v1.34.2
      controlPlaneReplicas: 2
      dataStore: default
      workerPools:
        - name: edge
          replicas: 2
      addonSets: [observability, cilium]
      owner: group:default/team-retail`,
  },
  {
    description:
      'A tenant cluster with its control plane in the management cluster, IPv6 networks',
    example: `steps:
  - id: tenant
    action: kamaji:tenant:create
    input:
      name: tools-v6
      kubernetesVersion: v1.35.0
      workerPools: [{ name: workers, replicas: 3 }]
      owner: platform-team
      podCidr: fd00:10:244::/56
      serviceCidr: fd00:10:96::/112`,
  },
];

/**
 * Whether the input names the island's namespace: with `islandNamespace`, or with an island id
 * (which holds it).
 */
function namesIslandNamespace(raw: unknown): boolean {
  const input = raw as { island?: unknown; islandNamespace?: unknown };
  return (
    input?.islandNamespace !== undefined ||
    (typeof input?.island === 'string' && input.island.includes('/'))
  );
}

/** An existing cluster may be moved one minor version up, never down. */
export function checkVersionChange(
  spec: TenantClusterSpec,
  plan: ApplyPlan,
): string[] {
  const kcp = plan.existing('KamajiControlPlane', spec.name);
  const current = kcp && (kcp as any).spec?.version;
  if (typeof current !== 'string') return [];
  const have = parseKubernetesVersion(
    current.startsWith('v') ? current : `v${current}`,
  );
  if (!have) return [];
  const want = spec.version;
  if (compareVersions(want, have) < 0) {
    return [
      `kubernetesVersion: ${want.text} is older than ${have.text}, the version the existing cluster declares: Kubernetes cannot be downgraded; use ${have.text} or newer`,
    ];
  }
  if (want.minor > have.minor + 1) {
    return [
      `kubernetesVersion: the existing cluster declares ${
        have.text
      }; upgrade one minor version at a time (v1.${have.minor + 1} next)`,
    ];
  }
  return [];
}

/**
 * Validates a tenant input (shape, then against the fleet and the catalog) and renders it.
 * Shared by `kamaji:tenant:create` and `kamaji:manifests:render`.
 */
export async function prepareTenant(
  ctx: ActionContext<any, any>,
  deps: KamajiActionDeps,
  input: unknown,
  credentials: BackstageCredentials,
): Promise<PreparedObjects> {
  const spec = parseTenantCluster(input, deps.settings);
  logNotes(ctx, spec.notes);
  const {
    snapshot,
    managementCluster: mc,
    problems,
  } = await checkCreateTarget(spec, 'tenant cluster input', credentials, deps);
  await checkTenantAgainstFleet(
    spec,
    namesIslandNamespace(input),
    snapshot,
    mc.name,
    mc.client,
    problems,
    ctx.logger,
  );
  problems.throwIfAny('tenant cluster input');
  ctx.logger.info(
    `Tenant ${spec.namespace}/${spec.name} in ${mc.name}: control plane ${
      spec.island
        ? `on island ${spec.island.name}`
        : 'in the management cluster'
    }, Kubernetes ${spec.version.text}, ${
      spec.workerPools.length
    } worker pool(s), owner ${spec.owner.entityRef}`,
  );
  const objects = renderTenantClusterSpec(
    { ...spec, managementCluster: spec.managementCluster ?? mc.name },
    deps.settings,
    provenanceOf(ctx, credentials, deps),
  );
  return {
    objects,
    managementCluster: mc.name,
    client: mc.client,
    name: spec.name,
    extraChecks: plan => checkVersionChange(spec, plan),
    outputs: {
      clusterId: clusterId({
        managementCluster: mc.name,
        namespace: spec.namespace,
        name: spec.name,
      }),
      managementCluster: mc.name,
      namespace: spec.namespace,
      name: spec.name,
    },
  };
}

/**
 * `kamaji:tenant:create`: an edge tenant cluster.
 *
 * @public
 */
export function createTenantCreateAction(deps: KamajiActionDeps) {
  return createTemplateAction({
    id: ACTION_ID,
    description:
      'Creates an edge tenant cluster: a CAPI Cluster (v1beta2) with a KamajiControlPlane (v1alpha2) hosted on an island (or in the management cluster), worker pools from the island profile, owner and addon-set labels. Validates everything first, dry-runs every object on the management cluster, then creates them all or nothing. Re-running with the same input changes nothing.',
    examples: tenantCreateExamples,
    supportsDryRun: true,
    schema: {
      input: scaffolderSchema(makeTenantClusterInputSchema),
      output: scaffolderSchema(z =>
        z.object({
          clusterId: z
            .string()
            .describe('Fleet id: <management cluster>/<namespace>/<name>'),
          managementCluster: z.string(),
          namespace: z.string(),
          name: z.string(),
          objects: z
            .array(z.string())
            .describe("'<outcome>: <Kind> <namespace>/<name>' per object"),
          manifest: z.string().describe('The objects as multi-document YAML'),
        }),
      ),
    },
    async handler(ctx) {
      await createOnRecord(ctx, deps, {
        actionId: ACTION_ID,
        kind: 'tenant',
        authorize: () => authorizeCreate(ctx, deps, 'create tenant clusters'),
        prepare: credentials =>
          prepareTenant(ctx, deps, ctx.input, credentials),
      });
    },
  });
}
