import {
  FLEET_KINDS,
  ISLAND_ROLE_VALUE,
  KAMAJI_LABELS,
  apiVersionOf,
} from '@kamaji-backstage/plugin-kamaji-common';
import { stringify } from 'yaml';
import type { z } from 'zod';
import { islandInputSchema } from './schemas';
import {
  KamajiScaffolderSettings,
  defaultScaffolderSettings,
  profileFor,
} from './settings';
import {
  KubernetesVersion,
  OwnerRef,
  Problems,
  checkClusterNetwork,
  checkDnsLabel,
  checkDnsSubdomain,
  checkKubernetesVersion,
  checkLabelValue,
  checkOwner,
  type FieldError,
} from './validation';
import { parseShape } from './shape';
import { clusterNetworkSpec } from './specParts';
import { addonSetOptIn, clusterProfileObject } from './addonObjects';
import { KubeObject, meta, provenanceAnnotations } from './objects';
import { RenderOptions } from './tenant';
import { checkChartVersion } from './addonSet';

/**
 * An island input after validation, with every default filled in.
 *
 * @public
 */
export interface IslandSpec {
  name: string;
  namespace: string;
  managementCluster?: string;
  site: string;
  owner: OwnerRef;
  version: KubernetesVersion;
  controlPlaneReplicas: number;
  clusterClass: string;
  tenantControlPlaneNamespace: string;
  kamajiChartVersion: string;
  podCidr: string;
  serviceCidr: string;
  serviceDomain: string;
  /** What was read differently from how it was written (a version without its leading `v`), for the task log. */
  notes: FieldError[];
}

/** The addon set that installs Kamaji on one island: `<island>-kamaji`. @public */
export function islandKamajiAddonSet(island: string): string {
  return `${island}-kamaji`;
}

type IslandInput = z.infer<typeof islandInputSchema>;

/** The island's own control plane and the Kamaji it runs, defaults filled in. */
function islandControlPlane(
  problems: Problems,
  input: IslandInput,
  settings: KamajiScaffolderSettings,
) {
  const controlPlaneReplicas = input.controlPlaneReplicas ?? 1;
  if (![1, 3, 5].includes(controlPlaneReplicas)) {
    problems.add(
      'controlPlaneReplicas',
      `must be 1, 3 or 5 (an odd number of control plane nodes keeps etcd's quorum); got ${controlPlaneReplicas}`,
    );
  }
  const clusterClass = input.clusterClass ?? settings.island.clusterClass;
  checkDnsSubdomain(problems, 'clusterClass', clusterClass);
  const tenantControlPlaneNamespace =
    input.tenantControlPlaneNamespace ??
    profileFor(settings, input.name).controlPlane.deploymentNamespace;
  checkDnsLabel(
    problems,
    'tenantControlPlaneNamespace',
    tenantControlPlaneNamespace,
  );
  const kamajiChartVersion =
    input.kamajiChartVersion ?? settings.island.kamajiChart.chartVersion;
  checkChartVersion(problems, 'kamajiChartVersion', kamajiChartVersion);
  return {
    controlPlaneReplicas,
    clusterClass,
    tenantControlPlaneNamespace,
    kamajiChartVersion,
  };
}

/** The island's pod and service networks and DNS domain, defaults filled in. */
function islandNetwork(problems: Problems, input: IslandInput) {
  const network = {
    podCidr: input.podCidr ?? '192.168.0.0/16',
    serviceCidr: input.serviceCidr ?? '10.128.0.0/12',
    serviceDomain: input.serviceDomain ?? 'cluster.local',
  };
  checkClusterNetwork(problems, network);
  return network;
}

/**
 * Validates an island input and fills in defaults; throws a {@link KamajiInputError}.
 *
 * @public
 */
export function parseIsland(
  raw: unknown,
  settings: KamajiScaffolderSettings = defaultScaffolderSettings(),
): IslandSpec {
  const problems = new Problems();
  const input = parseShape(islandInputSchema, raw, problems, 'island input');

  checkDnsLabel(problems, 'name', input.name, {
    max: 56,
    why: `its Kamaji addon set '<name>-kamaji' must stay within 63 characters`,
  });
  const namespace = input.namespace ?? settings.namespaces.islands;
  checkDnsLabel(problems, 'namespace', namespace);
  if (input.managementCluster !== undefined)
    checkDnsLabel(problems, 'managementCluster', input.managementCluster);
  checkLabelValue(problems, 'site', input.site);
  const owner = checkOwner(problems, 'owner', input.owner);
  const version = checkKubernetesVersion(
    problems,
    'kubernetesVersion',
    input.kubernetesVersion,
    settings.kubernetesVersions,
  );
  const controlPlane = islandControlPlane(problems, input, settings);
  const network = islandNetwork(problems, input);
  problems.throwIfAny('island input');

  return {
    name: input.name,
    namespace,
    managementCluster: input.managementCluster,
    site: input.site,
    owner: owner!,
    version: version!,
    ...controlPlane,
    ...network,
    notes: problems.notes,
  };
}

/**
 * Renders a new island:
 * - the CAPI Cluster (labelled `kamaji-backstage.io/role: island`, site and owner), built from a
 *   ClusterClass (`spec.topology`), so the site's control plane and infrastructure templates stay
 *   in the platform team's ClusterClass;
 * - Kamaji delivered as an addon: a Sveltos ClusterProfile `<island>-kamaji` that installs the
 *   Kamaji Helm chart on the clusters carrying `addons.kamaji-backstage.io/<island>-kamaji: enabled`
 *   (only this island carries it, so each island's Kamaji version can move on its own);
 * - the namespace for tenant control planes on the island, delivered by the same ClusterProfile
 *   from a ConfigMap `<island>-kamaji-resources` (Sveltos applies the manifests it holds).
 *
 * @public
 */
export function renderIsland(
  input: unknown,
  options: RenderOptions = {},
): KubeObject[] {
  const settings = options.settings ?? defaultScaffolderSettings();
  return renderIslandSpec(parseIsland(input, settings), settings, options);
}

/**
 * Renders an already validated {@link IslandSpec}.
 *
 * @public
 */
export function renderIslandSpec(
  spec: IslandSpec,
  settings: KamajiScaffolderSettings = defaultScaffolderSettings(),
  options: Pick<RenderOptions, 'provenance'> = {},
): KubeObject[] {
  const annotations = provenanceAnnotations(options.provenance);
  const addonSet = islandKamajiAddonSet(spec.name);
  const ownerLabel = { [KAMAJI_LABELS.owner]: spec.owner.labelValue };
  const resourcesName = `${addonSet}-resources`;
  return [
    islandClusterObject(spec, addonSet, ownerLabel, annotations),
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta(
        resourcesName,
        spec.namespace,
        { ...ownerLabel, [KAMAJI_LABELS.capiClusterName]: spec.name },
        annotations,
      ),
      data: {
        'tenant-control-plane-namespace.yaml':
          tenantControlPlaneNamespaceManifest(spec),
      },
    },
    clusterProfileObject({
      name: addonSet,
      labels: ownerLabel,
      annotations,
      chart: {
        ...settings.island.kamajiChart,
        chartVersion: spec.kamajiChartVersion,
        releaseName: 'kamaji',
      },
      configMap: { name: resourcesName, namespace: spec.namespace },
    }),
  ];
}

/** The island's Cluster, built from its ClusterClass and opted in to its Kamaji addon set. */
function islandClusterObject(
  spec: IslandSpec,
  addonSet: string,
  ownerLabel: Record<string, string>,
  annotations: Record<string, string> | undefined,
): KubeObject {
  const { Cluster } = FLEET_KINDS;
  const labels = {
    [KAMAJI_LABELS.role]: ISLAND_ROLE_VALUE,
    [KAMAJI_LABELS.site]: spec.site,
    ...ownerLabel,
    ...addonSetOptIn(addonSet),
  };
  return {
    apiVersion: apiVersionOf(Cluster),
    kind: Cluster.kind,
    metadata: meta(spec.name, spec.namespace, labels, annotations),
    spec: {
      clusterNetwork: clusterNetworkSpec(spec),
      topology: {
        classRef: { name: spec.clusterClass },
        version: spec.version.text,
        controlPlane: { replicas: spec.controlPlaneReplicas },
      },
    },
  };
}

/** The namespace on the island for the tenant control planes it will host. */
function tenantControlPlaneNamespaceManifest(spec: IslandSpec): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: spec.tenantControlPlaneNamespace,
      labels: { 'kamaji-backstage.io/purpose': 'tenant-control-planes' },
    },
  });
}
