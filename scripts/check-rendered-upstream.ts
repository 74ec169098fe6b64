// CI step: the objects the Kamaji scaffolder actions render are accepted by the UPSTREAM CRDs
// (shared/upstream-crds: Cluster API, Kamaji CAPI provider, CAPI Helm addon provider, Sveltos, Kamaji)
// on a real API server: server-side apply as a dry run (dryRun=All) with strict field validation,
// so neither an invalid value nor a silently pruned unknown field passes.
// Inputs: every examples/rendered/<kind>/<case>.values.yaml, plus variations rendered here
// (provenance annotations, island profiles, many pools, OCI charts...), plus 60 generated inputs
// per kind (scripts/generatedRenderInputs.ts; KB_RENDER_SEED and KB_RENDER_PER_KIND for others):
// an input with a field made invalid on purpose must be rejected with an error naming that field.
// Usage: node --require ./node_modules/@backstage/cli/config/nodeTransform.cjs scripts/check-rendered-upstream.ts <upstream-crds dir>
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { LocalControlPlane } from '@internal/test-kube';
import { KubeApiError, KubeClient } from '@kamaji-backstage/plugin-kamaji-node';
import {
  KamajiInputError,
  KubeObject,
  RENDER_KINDS,
  RenderKind,
  defaultScaffolderSettings,
  renderKind,
} from '@kamaji-backstage/plugin-scaffolder-backend-module-kamaji';
import { generatedRenderInputs } from './generatedRenderInputs';

/** The upstream CRD sets the rendered objects need (dirs of shared/upstream-crds). */
const SETS = [
  'cluster-api',
  'cluster-api-control-plane-provider-kamaji',
  'cluster-api-addon-provider-helm',
  'sveltos-addon-controller',
  'kamaji',
];
const ROOT = resolve(__dirname, '..');
const EXAMPLES = join(ROOT, 'examples', 'rendered');

interface Input {
  name: string;
  kind: RenderKind;
  values: unknown;
  options?: Parameters<typeof renderKind>[2];
  /** A field made invalid on purpose: the render must reject it, naming it. */
  invalidField?: string;
}

/** Generated inputs: KB_RENDER_SEED picks others than CI's (the seed is printed either way). */
const SEED = Number(process.env.KB_RENDER_SEED ?? 20261205);
const GENERATED_PER_KIND = Number(process.env.KB_RENDER_PER_KIND ?? 60);

function inputs(): Input[] {
  const out: Input[] = [];
  for (const kind of RENDER_KINDS) {
    for (const file of readdirSync(join(EXAMPLES, kind)).sort()) {
      if (!file.endsWith('.values.yaml')) continue;
      out.push({
        name: `examples/rendered/${kind}/${file}`,
        kind,
        values: parse(readFileSync(join(EXAMPLES, kind, file), 'utf8'), {
          merge: true,
        }),
      });
    }
  }
  const provenance = {
    requestedBy: 'user:default/alice',
    taskId: '0b6c1f0e-7d1b-4d53-9a4e-0c1d2e3f4a5b',
  };
  const nodePort = defaultScaffolderSettings();
  nodePort.islandProfiles['island-a'] = {
    infrastructureCluster: {
      apiGroup: 'infrastructure.cluster.x-k8s.io',
      kind: 'Metal3Cluster',
    },
    workers: {
      bootstrap: {
        apiGroup: 'bootstrap.cluster.x-k8s.io',
        kind: 'KubeadmConfigTemplate',
        name: 'lyon-join',
      },
      infrastructure: {
        apiGroup: 'infrastructure.cluster.x-k8s.io',
        kind: 'Metal3MachineTemplate',
        name: '{cluster}-{pool}',
      },
    },
    controlPlane: { serviceType: 'NodePort', deploymentNamespace: 'tcp-lyon' },
  };
  const chartValues = defaultScaffolderSettings();
  chartValues.island.kamajiChart = {
    repositoryURL: 'oci://ghcr.io/clastix/charts',
    repositoryName: 'clastix',
    chartName: 'kamaji',
    chartVersion: '26.8.2',
    releaseNamespace: 'kamaji-system',
    values: 'image:\n  tag: edge-26.8.2\n',
  };
  out.push(
    {
      name: 'tenant with provenance, 10 pools, every addon label',
      kind: 'tenant',
      values: {
        name: 'berlin-everything',
        island: 'island-b',
        site: 'shop-berlin',
        kubernetesVersion: 'v1.31.0',
        controlPlaneReplicas: 5,
        dataStore: 'etcd-berlin.primary',
        workerPools: Array.from({ length: 10 }, (_, i) => ({
          name: `pool-${i}`,
          replicas: i * 10,
        })),
        addonSets: ['observability', 'cilium', 'edge-baseline', 'metrics'],
        owner: 'group:edge/team-retail',
      },
      options: { provenance },
    },
    {
      name: 'tenant on an island with a NodePort profile and a shared bootstrap template',
      kind: 'tenant',
      values: {
        name: 'lyon-np',
        island: 'island-a',
        kubernetesVersion: 'v1.36.0',
        workerPools: [{ name: 'edge', replicas: 0 }],
        owner: 'team-factory',
      },
      options: { settings: nodePort, provenance },
    },
    {
      name: 'island with an OCI Kamaji chart and values',
      kind: 'island',
      values: {
        name: 'island-munich',
        site: 'factory-munich',
        owner: 'platform-team',
        kubernetesVersion: 'v1.35.0',
        controlPlaneReplicas: 5,
        podCidr: 'fd00:10:244::/48',
        serviceCidr: 'fd00:10:96::/112',
      },
      options: { settings: chartValues, provenance },
    },
    {
      name: 'ClusterProfile with manifests only',
      kind: 'addonset',
      values: {
        name: 'quotas',
        owner: 'platform-team',
        manifests:
          'apiVersion: v1\nkind: ResourceQuota\nmetadata:\n  name: q\n  namespace: default\nspec:\n  hard:\n    pods: "50"\n',
      },
      options: { provenance },
    },
    {
      name: 'HelmChartProxy from an OCI registry without values',
      kind: 'addonset',
      values: {
        name: 'podinfo',
        kind: 'HelmChartProxy',
        owner: 'platform-team',
        chart: {
          repositoryURL: 'oci://ghcr.io/stefanprodan/charts',
          chartName: 'podinfo',
          chartVersion: '6.7.1',
          releaseNamespace: 'podinfo',
        },
      },
      options: { provenance },
    },
    {
      name: 'ClusterProfile with an OCI chart',
      kind: 'addonset',
      values: {
        name: 'podinfo-everywhere',
        owner: 'platform-team',
        chart: {
          repositoryURL: 'oci://ghcr.io/stefanprodan/charts',
          repositoryName: 'podinfo',
          chartName: 'podinfo',
          chartVersion: '6.7.1',
        },
      },
      options: { provenance },
    },
  );
  out.push(...generatedRenderInputs(SEED, GENERATED_PER_KIND));
  return out;
}

/**
 * The objects of an input; `rejected` when it was rejected as it must be (an input with a fault,
 * the error naming that field); `problem` (recorded in `problems`) for anything else.
 */
function rendered(
  input: Input,
  problems: string[],
): KubeObject[] | 'rejected' | 'problem' {
  const values = `\n    values: ${JSON.stringify(input.values)}`;
  let objects: KubeObject[];
  try {
    objects = renderKind(input.kind, input.values, input.options);
  } catch (e: any) {
    const named =
      e instanceof KamajiInputError &&
      e.errors.some(err => err.path === input.invalidField);
    if (input.invalidField && named) return 'rejected';
    problems.push(
      `${input.name}: does not render: ${e?.message ?? e}${values}`,
    );
    return 'problem';
  }
  if (input.invalidField) {
    problems.push(
      `${input.name}: rendered although ${input.invalidField} is invalid${values}`,
    );
    return 'problem';
  }
  return objects;
}

/**
 * A directory of `<set>/` folders with the upstream CRD files linked one by one: kubeplane --crds
 * does not follow directory symlinks.
 */
function linkUpstreamCrds(upstream: string): string {
  const crds = mkdtempSync(join(tmpdir(), 'upstream-crds-'));
  for (const set of SETS) {
    mkdirSync(join(crds, set));
    for (const f of readdirSync(join(upstream, set)).filter(f =>
      /\.ya?ml$/.test(f),
    ))
      symlinkSync(resolve(upstream, set, f), join(crds, set, f));
  }
  return crds;
}

/** Dry-run applies of rendered objects to the upstream CRDs, with what was refused and why. */
class DryRunCheck {
  readonly problems: string[] = [];
  accepted = 0;
  objects = 0;
  rejected = 0;
  private readonly namespaces = new Set<string>();

  constructor(private readonly client: KubeClient) {}

  async check(input: Input) {
    const objectsOfInput = rendered(input, this.problems);
    if (objectsOfInput === 'rejected') this.rejected++;
    if (!Array.isArray(objectsOfInput)) return;
    for (const obj of objectsOfInput) {
      this.objects++;
      await this.ensureNamespace(obj.metadata.namespace);
      try {
        await this.client.apply(obj, {
          fieldManager: 'kamaji-backstage',
          dryRun: true,
        });
        this.accepted++;
      } catch (e) {
        const why =
          e instanceof KubeApiError
            ? `${e.statusCode ?? e.kind} ${e.reason ?? ''}: ${e.message}`
            : String(e);
        this.problems.push(
          `${input.name}: ${obj.kind} ${obj.metadata.name}: ${why}`,
        );
      }
    }
  }

  private async ensureNamespace(namespace: string | undefined) {
    if (!namespace || this.namespaces.has(namespace)) return;
    this.namespaces.add(namespace);
    await this.client.apply(
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
      { fieldManager: 'check-rendered-upstream', force: true },
    );
  }

  summary(inputCount: number): string {
    const generated = GENERATED_PER_KIND * RENDER_KINDS.length;
    return `rendered objects vs upstream CRDs (${SETS.join(
      ', ',
    )}): ${inputCount} inputs (${
      inputCount - generated
    } written, ${generated} generated with seed ${SEED}), ${
      this.rejected
    } rejected naming the field made invalid on purpose, ${this.accepted} of ${
      this.objects
    } objects accepted with strict field validation, ${
      this.problems.length
    } problems`;
  }
}

async function main(): Promise<number> {
  const upstream = process.argv[2];
  if (!upstream || !existsSync(upstream)) {
    console.log(
      `rendered objects vs upstream CRDs: ${
        upstream ?? '(no dir given)'
      } not found, skipped`,
    );
    return 0;
  }
  const crds = linkUpstreamCrds(upstream);
  const plane = await LocalControlPlane.start({
    clusters: { central: SETS },
    crdsDir: crds,
  });
  try {
    const check = new DryRunCheck(new KubeClient(plane.kubeConfig('central')));
    const all = inputs();
    for (const input of all) await check.check(input);
    console.log(check.summary(all.length));
    for (const p of check.problems) console.log(`  ${p}`);
    return check.problems.length ? 1 : 0;
  } finally {
    await plane.stop();
    rmSync(crds, { recursive: true, force: true });
  }
}

main().then(
  code => process.exit(code),
  err => {
    console.error(err);
    process.exit(1);
  },
);
