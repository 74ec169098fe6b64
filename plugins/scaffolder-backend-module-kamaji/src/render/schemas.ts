import { z as zod } from 'zod';

/** The zod namespace the schema builders use (the scaffolder passes its own). @public */
export type Zod = typeof zod;

/*
 * Input schemas of the render functions, the actions and the CLI's values files.
 *
 * They check the shape (field names and types). Everything else (name formats, versions, CIDRs,
 * bounds) is checked by the parse functions next to each renderer, which name the field and say
 * how to fix it; keeping those rules out of the schema keeps the messages of the scaffolder's
 * own JSON-schema check short and leaves the explanations to one place.
 */

const managementCluster = (z: Zod) =>
  z
    .string()
    .optional()
    .describe(
      'Management cluster to create the objects in, by its configured name (kamaji.managementClusters[].name). Default: the only one configured.',
    );

const owner = (z: Zod) =>
  z
    .string()
    .describe(
      "Catalog group that owns it: 'group:default/team-retail' or 'team-retail'. Written as the label kamaji-backstage.io/owner. Must be one of your groups unless you are a fleet admin.",
    );

const kubernetesVersion = (z: Zod) =>
  z
    .string()
    .describe(
      "Kubernetes version, 'v1.MINOR.PATCH' (e.g. 'v1.34.2'), within the supported range (default v1.31 to v1.36).",
    );

/** The pod and service networks and the DNS domain of a cluster, each with its description. */
const clusterNetworkFields = (
  z: Zod,
  descriptions: { podCidr: string; serviceCidr: string; serviceDomain: string },
) => ({
  podCidr: z.string().optional().describe(descriptions.podCidr),
  serviceCidr: z.string().optional().describe(descriptions.serviceCidr),
  serviceDomain: z.string().optional().describe(descriptions.serviceDomain),
});

/** @public */
export function makeWorkerPoolSchema(z: Zod) {
  return z
    .object({
      name: z
        .string()
        .describe(
          "Pool name, a DNS-1123 label. The MachineDeployment is named '<cluster>-<pool>' (at most 63 characters).",
        ),
      replicas: z
        .number()
        .describe('Number of worker machines (default bounds 0 to 100).'),
    })
    .strict();
}

/** @public */
export const workerPoolSchema = makeWorkerPoolSchema(zod);

/** Where the tenant cluster goes: its name and namespace, management cluster, island and site. */
const tenantPlacementFields = (z: Zod) => ({
  name: z
    .string()
    .describe(
      'Name of the tenant cluster: a DNS-1123 label of at most 63 characters. It names the CAPI Cluster and its KamajiControlPlane.',
    ),
  namespace: z
    .string()
    .optional()
    .describe(
      'Namespace of the Cluster in the management cluster (default fleet-tenants). It must exist.',
    ),
  managementCluster: managementCluster(z),
  island: z
    .string()
    .optional()
    .describe(
      "Island whose Kamaji hosts the control plane: its CAPI Cluster name, or its fleet id '<management cluster>/<namespace>/<name>' (what the island picker gives; it sets managementCluster and islandNamespace). Omit it to host the control plane in the management cluster itself.",
    ),
  islandNamespace: z
    .string()
    .optional()
    .describe(
      "Namespace of the island's Cluster and kubeconfig Secret in the management cluster (default: where the fleet finds the island, else fleet-islands).",
    ),
  site: z
    .string()
    .optional()
    .describe(
      "Site label (kamaji-backstage.io/site). Default: the island's site.",
    ),
});

/** What the tenant cluster is made of: its version, control plane, data store, workers, addons and owner. */
const tenantCompositionFields = (z: Zod) => ({
  kubernetesVersion: kubernetesVersion(z),
  controlPlaneReplicas: z
    .number()
    .optional()
    .describe(
      'Control plane pods (KamajiControlPlane replicas), default 2, bounds 1 to 5.',
    ),
  dataStore: z
    .string()
    .optional()
    .describe(
      "Kamaji DataStore on the island (or in the management cluster) that stores the tenant's state (default 'default').",
    ),
  workerPools: z
    .array(workerPoolSchema)
    .describe(
      'Worker pools, one MachineDeployment each (0 to 10; none for a control plane only, whose edge nodes join later). Bootstrap and machine templates come from the island profile.',
    ),
  addonSets: z
    .array(z.string())
    .optional()
    .describe(
      "Addon sets to attach: each adds the label 'addons.kamaji-backstage.io/<set>: enabled' that the addon set selects.",
    ),
  owner: owner(z),
});

/**
 * Input of {@link renderTenantCluster} and `kamaji:tenant:create`.
 *
 * @public
 */
export function makeTenantClusterInputSchema(z: Zod) {
  return z
    .object({
      ...tenantPlacementFields(z),
      ...tenantCompositionFields(z),
      ...clusterNetworkFields(z, {
        podCidr: 'Pod network, IPv4 or IPv6 CIDR (default 10.244.0.0/16).',
        serviceCidr:
          'Service network, same IP family as the pods, not overlapping them (default 10.96.0.0/16).',
        serviceDomain:
          'Cluster DNS domain (default cluster.local). It cannot be changed later.',
      }),
    })
    .strict();
}

/** @public */
export const tenantClusterInputSchema = makeTenantClusterInputSchema(zod);

/** @public */
export type TenantClusterInput = zod.infer<typeof tenantClusterInputSchema>;

/**
 * Input of {@link renderIsland} and `kamaji:island:create`.
 *
 * @public
 */
export function makeIslandInputSchema(z: Zod) {
  return z
    .object({
      name: z
        .string()
        .describe(
          'Name of the island: a DNS-1123 label of at most 56 characters (its Kamaji addon set is named <island>-kamaji).',
        ),
      namespace: z
        .string()
        .optional()
        .describe(
          'Namespace of the island Cluster in the management cluster (default fleet-islands). It must exist.',
        ),
      managementCluster: managementCluster(z),
      site: z
        .string()
        .describe(
          "The edge site the island serves, as a label value, e.g. 'shop-hamburg'.",
        ),
      owner: owner(z),
      kubernetesVersion: kubernetesVersion(z),
      controlPlaneReplicas: z
        .number()
        .optional()
        .describe(
          "Control plane nodes of the island: 1, 3 or 5 (default 1). An odd number keeps etcd's quorum.",
        ),
      clusterClass: z
        .string()
        .optional()
        .describe(
          'ClusterClass the island is built from, in the island namespace (default from kamaji.scaffolder.island.clusterClass).',
        ),
      tenantControlPlaneNamespace: z
        .string()
        .optional()
        .describe(
          'Namespace on the island for the tenant control planes it will host (default from the island profile, kamaji-tenants).',
        ),
      kamajiChartVersion: z
        .string()
        .optional()
        .describe(
          'Version of the Kamaji Helm chart to install (default from kamaji.scaffolder.island.kamajiChart).',
        ),
      ...clusterNetworkFields(z, {
        podCidr: "The island's pod network (default 192.168.0.0/16).",
        serviceCidr: "The island's service network (default 10.128.0.0/12).",
        serviceDomain: 'Cluster DNS domain (default cluster.local).',
      }),
    })
    .strict();
}

/** @public */
export const islandInputSchema = makeIslandInputSchema(zod);

/** @public */
export type IslandInput = zod.infer<typeof islandInputSchema>;

/** The kinds an addon set can be delivered with. @public */
export const ADDON_SET_KINDS = [
  'ClusterProfile',
  'HelmChartProxy',
  'ClusterResourceSet',
] as const;

/** @public */
export function makeHelmChartSchema(z: Zod) {
  return z
    .object({
      repositoryURL: z
        .string()
        .describe(
          'Helm repository URL (https://… or oci://…), e.g. https://kubernetes-sigs.github.io/metrics-server/.',
        ),
      repositoryName: z
        .string()
        .optional()
        .describe(
          'Short name of the repository (Sveltos ClusterProfile only; default: the chart name).',
        ),
      chartName: z.string().describe("Chart name, e.g. 'metrics-server'."),
      chartVersion: z.string().describe("Chart version, e.g. '3.12.2'."),
      releaseName: z
        .string()
        .optional()
        .describe(
          'Helm release name, a DNS-1123 label of at most 53 characters (default: the chart name).',
        ),
      releaseNamespace: z
        .string()
        .optional()
        .describe(
          'Namespace of the release in each cluster (default kube-system).',
        ),
      values: z
        .string()
        .optional()
        .describe(
          'Helm values as YAML. Go templates ({{ .Cluster.metadata.name }}) are passed through to the addon controller.',
        ),
    })
    .strict();
}

/** @public */
export const helmChartSchema = makeHelmChartSchema(zod);

/**
 * Input of {@link renderAddonSet} and `kamaji:addonset:create`.
 *
 * @public
 */
export function makeAddonSetInputSchema(z: Zod) {
  return z
    .object({
      name: z
        .string()
        .describe(
          "Name of the addon set: a DNS-1123 label. Clusters opt in with the label 'addons.kamaji-backstage.io/<name>: enabled'.",
        ),
      kind: z
        .enum(ADDON_SET_KINDS)
        .optional()
        .describe(
          'How it is delivered: a Sveltos ClusterProfile (default; selects clusters in every namespace), a CAPI Helm addon HelmChartProxy or a CAPI ClusterResourceSet (both select clusters in their own namespace).',
        ),
      namespace: z
        .string()
        .optional()
        .describe(
          'Namespace of the HelmChartProxy/ClusterResourceSet and of the clusters they select (default fleet-tenants), or of the ConfigMap a ClusterProfile deploys (default fleet-addons).',
        ),
      managementCluster: managementCluster(z),
      owner: owner(z),
      chart: makeHelmChartSchema(z)
        .optional()
        .describe(
          'A Helm chart to install (ClusterProfile or HelmChartProxy).',
        ),
      manifests: z
        .string()
        .optional()
        .describe(
          'Kubernetes manifests (multi-document YAML) to apply to each cluster, stored in a ConfigMap (ClusterProfile or ClusterResourceSet). No Secrets.',
        ),
    })
    .strict();
}

/** @public */
export const addonSetInputSchema = makeAddonSetInputSchema(zod);

/** @public */
export type AddonSetInput = zod.infer<typeof addonSetInputSchema>;
