import {
  FLEET_KINDS,
  KAMAJI_LABELS,
  apiVersionOf,
  impersonatorObjects,
  ownerBindingObject,
} from '@kamaji-backstage/plugin-kamaji-common';
import { IslandProfile, fillName } from './settings';
import { clusterNetworkSpec } from './specParts';
import { KubeObject, meta, provenanceAnnotations, toYaml } from './objects';
import { addonSetOptIn, clusterResourceSetObject } from './addonObjects';
import type { TenantClusterSpec } from './tenant';

/** What the objects of one tenant cluster are rendered from. */
export interface TenantObjectsInput {
  spec: TenantClusterSpec;
  /** The profile of the host. */
  profile: IslandProfile;
  /** The island hosting the control plane, else the management cluster: fills `{island}`. */
  host: string;
  annotations: ReturnType<typeof provenanceAnnotations>;
}

/** Besides the input, the cluster-name label that every object but the Cluster carries. */
interface TenantObjectsContext extends TenantObjectsInput {
  clusterLabel: Record<string, string>;
}

type WorkerPool = TenantClusterSpec['workerPools'][number];

/** The objects of a tenant cluster, in the order they are rendered. */
export function tenantClusterObjects(input: TenantObjectsInput): KubeObject[] {
  const { spec } = input;
  const tenant: TenantObjectsContext = {
    ...input,
    clusterLabel: { [KAMAJI_LABELS.capiClusterName]: spec.name },
  };
  const objects = [clusterObject(tenant), controlPlaneObject(tenant)];
  const infrastructureCluster = infrastructureClusterObject(tenant);
  if (infrastructureCluster) objects.push(infrastructureCluster);
  for (const pool of spec.workerPools)
    objects.push(...workerPoolObjects(tenant, pool));
  objects.push(...tenantAccessObjects(tenant));
  return objects;
}

function clusterObject(tenant: TenantObjectsContext): KubeObject {
  const { spec, profile, annotations } = tenant;
  const { Cluster, KamajiControlPlane } = FLEET_KINDS;
  const infra = profile.infrastructureCluster;
  return {
    apiVersion: apiVersionOf(Cluster),
    kind: Cluster.kind,
    metadata: meta(
      spec.name,
      spec.namespace,
      clusterLabels(tenant),
      annotations,
    ),
    spec: {
      clusterNetwork: clusterNetworkSpec(spec),
      controlPlaneRef: {
        apiGroup: KamajiControlPlane.group,
        kind: KamajiControlPlane.kind,
        name: spec.name,
      },
      infrastructureRef: {
        apiGroup: infra.apiGroup,
        kind: infra.kind,
        name: spec.name,
      },
    },
  };
}

/** The Cluster's labels: owner, cluster name, island, site and one per addon set. */
function clusterLabels({
  spec,
  clusterLabel,
}: TenantObjectsContext): Record<string, string> {
  const labels: Record<string, string> = {
    [KAMAJI_LABELS.owner]: spec.owner.labelValue,
    // Selects this Cluster for its access ClusterResourceSet.
    ...clusterLabel,
  };
  if (spec.island) labels[KAMAJI_LABELS.island] = spec.island.name;
  if (spec.site) labels[KAMAJI_LABELS.site] = spec.site;
  for (const set of spec.addonSets) Object.assign(labels, addonSetOptIn(set));
  return labels;
}

function controlPlaneObject({
  spec,
  profile,
  annotations,
  clusterLabel,
}: TenantObjectsContext): KubeObject {
  const { KamajiControlPlane } = FLEET_KINDS;
  const kcpSpec: Record<string, unknown> = {
    version: spec.version.text,
    replicas: spec.controlPlaneReplicas,
    dataStoreName: spec.dataStore,
    network: { serviceType: profile.controlPlane.serviceType },
    addons: { coreDNS: {}, kubeProxy: {}, konnectivity: {} },
  };
  if (spec.island) {
    kcpSpec.deployment = {
      externalClusterReference: islandReference(spec, spec.island, profile),
    };
  }
  return {
    apiVersion: apiVersionOf(KamajiControlPlane),
    kind: KamajiControlPlane.kind,
    metadata: meta(spec.name, spec.namespace, clusterLabel, annotations),
    spec: kcpSpec,
  };
}

/** Where Kamaji on the island finds the island's kubeconfig, and where it puts the control plane. */
function islandReference(
  spec: TenantClusterSpec,
  island: NonNullable<TenantClusterSpec['island']>,
  profile: IslandProfile,
): Record<string, string> {
  const ref: Record<string, string> = {
    deploymentNamespace: profile.controlPlane.deploymentNamespace,
    kubeconfigSecretName: `${island.name}-kubeconfig`,
    kubeconfigSecretKey: 'value',
  };
  // Unset means "the KCP's namespace": only written when it differs (v1beta2 style).
  if (island.namespace !== spec.namespace)
    ref.kubeconfigSecretNamespace = island.namespace;
  return ref;
}

/** The infrastructure cluster, when the profile gives its version and spec. */
function infrastructureClusterObject({
  spec,
  profile,
  annotations,
  clusterLabel,
}: TenantObjectsContext): KubeObject | undefined {
  const infra = profile.infrastructureCluster;
  if (!infra.version || !infra.spec) return undefined;
  return {
    apiVersion: `${infra.apiGroup}/${infra.version}`,
    kind: infra.kind,
    metadata: meta(spec.name, spec.namespace, clusterLabel, annotations),
    spec: infra.spec,
  };
}

/**
 * A worker pool's MachineDeployment `<cluster>-<pool>`, after its KubeadmConfigTemplate of the
 * same name when the profile names no bootstrap template of its own.
 */
function workerPoolObjects(
  tenant: TenantObjectsContext,
  pool: WorkerPool,
): KubeObject[] {
  const { spec, profile, host } = tenant;
  const mdName = `${spec.name}-${pool.name}`;
  const names = { island: host, cluster: spec.name, pool: pool.name };
  const bootstrap = profile.workers.bootstrap;
  const renderBootstrap =
    !bootstrap.name &&
    bootstrap.kind === FLEET_KINDS.KubeadmConfigTemplate.kind;
  const machineDeployment = machineDeploymentObject(tenant, pool, mdName, {
    bootstrap: renderBootstrap
      ? mdName
      : fillName(bootstrap.name ?? mdName, names),
    infrastructure: fillName(profile.workers.infrastructure.name, names),
  });
  return renderBootstrap
    ? [bootstrapTemplateObject(tenant, pool, mdName), machineDeployment]
    : [machineDeployment];
}

/** A KubeadmConfigTemplate that labels the pool's nodes with their pool and site. */
function bootstrapTemplateObject(
  { spec, profile, annotations, clusterLabel }: TenantObjectsContext,
  pool: WorkerPool,
  name: string,
): KubeObject {
  const { KubeadmConfigTemplate } = FLEET_KINDS;
  const nodeLabels = [`kamaji-backstage.io/pool=${pool.name}`];
  if (spec.site) nodeLabels.push(`${KAMAJI_LABELS.site}=${spec.site}`);
  return {
    apiVersion: `${profile.workers.bootstrap.apiGroup}/${KubeadmConfigTemplate.version}`,
    kind: KubeadmConfigTemplate.kind,
    metadata: meta(name, spec.namespace, clusterLabel, annotations),
    spec: {
      template: {
        spec: {
          joinConfiguration: {
            nodeRegistration: {
              kubeletExtraArgs: [
                { name: 'node-labels', value: nodeLabels.join(',') },
              ],
            },
          },
        },
      },
    },
  };
}

function machineDeploymentObject(
  { spec, profile, annotations, clusterLabel }: TenantObjectsContext,
  pool: WorkerPool,
  name: string,
  templateNames: { bootstrap: string; infrastructure: string },
): KubeObject {
  const { MachineDeployment } = FLEET_KINDS;
  const { bootstrap, infrastructure } = profile.workers;
  // What the CAPI defaulting webhook would add (a bare API server has none): the cluster-name
  // label on the MD, and cluster-name + deployment-name on the selector and machine template.
  const selectorLabels = {
    [KAMAJI_LABELS.capiClusterName]: spec.name,
    [KAMAJI_LABELS.capiDeploymentName]: name,
  };
  return {
    apiVersion: apiVersionOf(MachineDeployment),
    kind: MachineDeployment.kind,
    metadata: meta(name, spec.namespace, clusterLabel, annotations),
    spec: {
      clusterName: spec.name,
      replicas: pool.replicas,
      selector: { matchLabels: selectorLabels },
      template: {
        metadata: { labels: selectorLabels },
        spec: {
          clusterName: spec.name,
          version: spec.version.text,
          bootstrap: {
            configRef: {
              apiGroup: bootstrap.apiGroup,
              kind: bootstrap.kind,
              name: templateNames.bootstrap,
            },
          },
          infrastructureRef: {
            apiGroup: infrastructure.apiGroup,
            kind: infrastructure.kind,
            name: templateNames.infrastructure,
          },
        },
      },
    },
  };
}

/**
 * Who may use the tenant cluster, delivered into it by a ClusterResourceSet (with a ConfigMap of
 * the manifests): the owner group's workload role (`edit`, the group named as the Kubernetes
 * plugin impersonates it, `group:<namespace>/<name>`), and the Kubernetes plugin's impersonating
 * ServiceAccount with its impersonate-only role. So the owning team can use its Kubernetes tab as
 * soon as the cluster is up, and other teams cannot.
 */
function tenantAccessObjects({
  spec,
  annotations,
  clusterLabel,
}: TenantObjectsContext): KubeObject[] {
  const name = `${spec.name}-access`;
  const manifests = [
    ownerBindingObject(spec.owner.entityRef),
    ...impersonatorObjects(),
  ];
  return [
    clusterResourceSetObject(
      meta(name, spec.namespace, clusterLabel, annotations),
      { matchLabels: clusterLabel },
      name,
    ),
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta(name, spec.namespace, clusterLabel, annotations),
      data: { 'access.yaml': toYaml(manifests as KubeObject[]) },
    },
  ];
}
