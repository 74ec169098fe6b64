import {
  FLEET_KINDS,
  KAMAJI_LABELS,
  apiVersionOf,
  impersonatorObjects,
  ownerBindingObject,
  parseClusterId,
} from '@kamaji-backstage/plugin-kamaji-common';
import { TenantClusterInput, tenantClusterInputSchema } from './schemas';
import {
  KamajiScaffolderSettings,
  defaultScaffolderSettings,
  fillName,
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
  checkRange,
  checkUnique,
  pathOf,
  shown,
  zodProblems,
  type FieldError,
} from './validation';
import {
  KubeObject,
  Provenance,
  meta,
  provenanceAnnotations,
  toYaml,
} from './objects';

/**
 * A tenant cluster input after validation, with every default filled in.
 *
 * @public
 */
export interface TenantClusterSpec {
  name: string;
  namespace: string;
  managementCluster?: string;
  /** The island hosting the control plane; absent when the management cluster hosts it. */
  island?: { name: string; namespace: string };
  site?: string;
  version: KubernetesVersion;
  controlPlaneReplicas: number;
  dataStore: string;
  workerPools: Array<{ name: string; replicas: number }>;
  addonSets: string[];
  owner: OwnerRef;
  podCidr: string;
  serviceCidr: string;
  serviceDomain: string;
  /** What was read differently from how it was written (a version without its leading `v`), for the task log. */
  notes: FieldError[];
}

/**
 * Options of the render functions.
 *
 * @public
 */
export interface RenderOptions {
  /** Configuration; default {@link defaultScaffolderSettings}. */
  settings?: KamajiScaffolderSettings;
  /** Who asked, written as annotations on every object. */
  provenance?: Provenance;
}

/**
 * An island given by id (`<management cluster>/<namespace>/<name>`, what the island picker
 * writes) becomes the name, namespace and management cluster it stands for, so that islands of
 * the same name in two management clusters stay apart. Fields given besides must agree.
 */
function islandByName(
  input: TenantClusterInput,
  problems: Problems,
): TenantClusterInput {
  if (!input.island?.includes('/')) return input;
  const id = parseClusterId(input.island);
  if (id?.kind !== 'declared') return input; // the name check says what is wrong
  const implied = {
    managementCluster: id.managementCluster,
    islandNamespace: id.namespace,
  };
  for (const field of ['managementCluster', 'islandNamespace'] as const) {
    const given = input[field];
    if (given !== undefined && given !== implied[field]) {
      problems.add(
        field,
        `is ${shown(given)} but the island ${input.island} is in ${shown(
          implied[field],
        )}: remove ${field}, or pick an island of ${shown(given)}`,
      );
    }
  }
  return { ...input, ...implied, island: id.name };
}

/**
 * Validates a tenant cluster input and fills in defaults. Throws a {@link KamajiInputError}
 * naming every invalid field. Checks only what the input itself says; the actions also check
 * it against the fleet (island, data store, owner group, existing objects).
 *
 * @public
 */
export function parseTenantCluster(
  raw: unknown,
  settings: KamajiScaffolderSettings = defaultScaffolderSettings(),
): TenantClusterSpec {
  const problems = new Problems();
  const parsed = tenantClusterInputSchema.safeParse(raw);
  if (!parsed.success) {
    zodProblems(parsed.error, raw, problems);
    problems.throwIfAny('tenant cluster input');
  }
  const input = islandByName(parsed.data as TenantClusterInput, problems);
  const limits = settings.limits;

  const hosted = input.island !== undefined;
  const nameOk = checkDnsLabel(problems, 'name', input.name, {
    startWithLetter: !hosted,
    why: hosted
      ? 'it names the Cluster, whose name must also be a valid label value'
      : 'without an island, Kamaji names the TenantControlPlane and its Service after the cluster',
  });
  const namespace = input.namespace ?? settings.namespaces.tenants;
  checkDnsLabel(problems, 'namespace', namespace);
  if (input.managementCluster !== undefined)
    checkDnsLabel(problems, 'managementCluster', input.managementCluster);

  let island: TenantClusterSpec['island'];
  if (input.island !== undefined) {
    if (input.island === '') {
      problems.add(
        'island',
        'must not be empty: give an island name, or omit the field to host the control plane in the management cluster',
      );
    } else if (checkDnsLabel(problems, 'island', input.island)) {
      const islandNamespace =
        input.islandNamespace ?? settings.namespaces.islands;
      if (checkDnsLabel(problems, 'islandNamespace', islandNamespace)) {
        island = { name: input.island, namespace: islandNamespace };
      }
    }
  } else if (input.islandNamespace !== undefined) {
    problems.add(
      'islandNamespace',
      'is only used together with island: remove it, or also give the island',
    );
  }
  if (input.site !== undefined) checkLabelValue(problems, 'site', input.site);

  const version = checkKubernetesVersion(
    problems,
    'kubernetesVersion',
    input.kubernetesVersion,
    settings.kubernetesVersions,
  );
  const controlPlaneReplicas = input.controlPlaneReplicas ?? 2;
  checkRange(
    problems,
    'controlPlaneReplicas',
    controlPlaneReplicas,
    limits.controlPlaneReplicas.min,
    limits.controlPlaneReplicas.max,
    'control plane pods',
  );
  const dataStore = input.dataStore ?? 'default';
  checkDnsSubdomain(problems, 'dataStore', dataStore);

  // No pool is fine: a control plane only, whose edge nodes join later.
  if (input.workerPools.length > limits.workerPools) {
    problems.add(
      'workerPools',
      `must list at most ${limits.workerPools} worker pools; got ${input.workerPools.length}`,
    );
  }
  input.workerPools.forEach((pool, i) => {
    const mdName = `${input.name}-${pool.name}`;
    if (
      checkDnsLabel(problems, pathOf('workerPools', i, 'name'), pool.name) &&
      nameOk &&
      mdName.length > 63
    ) {
      problems.add(
        pathOf('workerPools', i, 'name'),
        `the MachineDeployment name ${shown(
          mdName,
        )} is longer than the 63 characters CAPI allows: shorten the pool or cluster name`,
      );
    }
    checkRange(
      problems,
      pathOf('workerPools', i, 'replicas'),
      pool.replicas,
      limits.workerReplicas.min,
      limits.workerReplicas.max,
      'worker machines per pool',
    );
  });
  checkUnique(
    problems,
    'workerPools',
    input.workerPools.map(p => p.name),
    'pool name',
  );

  const addonSets = input.addonSets ?? [];
  if (addonSets.length > limits.addonSets) {
    problems.add(
      'addonSets',
      `may list at most ${limits.addonSets} addon sets; got ${addonSets.length}`,
    );
  }
  addonSets.forEach((set, i) =>
    checkDnsLabel(problems, pathOf('addonSets', i), set, {
      why: `it becomes the label ${KAMAJI_LABELS.addonSetPrefix}<set>`,
    }),
  );
  checkUnique(problems, 'addonSets', addonSets, 'addon set');

  const owner = checkOwner(problems, 'owner', input.owner);

  const podCidr = input.podCidr ?? '10.244.0.0/16';
  const serviceCidr = input.serviceCidr ?? '10.96.0.0/16';
  const serviceDomain = input.serviceDomain ?? 'cluster.local';
  checkClusterNetwork(problems, { podCidr, serviceCidr, serviceDomain });

  if (problems.empty) checkProfileNames(problems, input, settings);
  problems.throwIfAny('tenant cluster input');

  return {
    name: input.name,
    namespace,
    managementCluster: input.managementCluster,
    island,
    site: input.site,
    version: version!,
    controlPlaneReplicas,
    dataStore,
    workerPools: input.workerPools.map(p => ({ ...p })),
    addonSets: [...addonSets],
    owner: owner!,
    podCidr,
    serviceCidr,
    serviceDomain,
    notes: problems.notes,
  };
}

/** The host key of the profile: the island, else the management cluster. */
function hostOf(spec: {
  island?: string | { name: string };
  managementCluster?: string;
}) {
  const island =
    typeof spec.island === 'string' ? spec.island : spec.island?.name;
  return island ?? spec.managementCluster ?? 'management';
}

/** The machine template names the profile gives must be valid object names once filled in. */
function checkProfileNames(
  problems: Problems,
  input: TenantClusterInput,
  settings: KamajiScaffolderSettings,
) {
  const host = hostOf(input);
  const profile = profileFor(settings, host);
  const key = settings.islandProfiles[host]
    ? `kamaji.scaffolder.islandProfiles.${host}`
    : 'kamaji.scaffolder.defaultIslandProfile';
  input.workerPools.forEach((pool, i) => {
    const name = fillName(profile.workers.infrastructure.name, {
      island: host,
      cluster: input.name,
      pool: pool.name,
    });
    const sub = new Problems();
    if (!checkDnsSubdomain(sub, 'x', name)) {
      problems.add(
        pathOf('workerPools', i, 'name'),
        `the machine template name '${name}' made from ${key}.workers.infrastructure.name is not a valid object name: fix the profile or shorten the names`,
      );
    }
  });
}

/**
 * Renders a tenant cluster: the CAPI Cluster, its KamajiControlPlane (placed on the island through
 * `externalClusterReference`, or in the management cluster), per worker pool a MachineDeployment
 * (and a KubeadmConfigTemplate when the profile says so), and the infrastructure cluster when the
 * profile gives its spec. Pure: no I/O, same input → same objects.
 *
 * @public
 */
export function renderTenantCluster(
  input: unknown,
  options: RenderOptions = {},
): KubeObject[] {
  const settings = options.settings ?? defaultScaffolderSettings();
  return renderTenantClusterSpec(
    parseTenantCluster(input, settings),
    settings,
    options.provenance,
  );
}

/**
 * Renders an already validated {@link TenantClusterSpec}.
 *
 * @public
 */
export function renderTenantClusterSpec(
  spec: TenantClusterSpec,
  settings: KamajiScaffolderSettings = defaultScaffolderSettings(),
  provenance?: Provenance,
): KubeObject[] {
  const host = hostOf(spec);
  const profile = profileFor(settings, host);
  const annotations = provenanceAnnotations(provenance);
  const {
    Cluster,
    KamajiControlPlane,
    MachineDeployment,
    KubeadmConfigTemplate,
  } = FLEET_KINDS;
  const ns = spec.namespace;
  const clusterLabel = { [KAMAJI_LABELS.capiClusterName]: spec.name };

  const clusterLabels: Record<string, string> = {
    [KAMAJI_LABELS.owner]: spec.owner.labelValue,
    // Selects this Cluster for its access ClusterResourceSet.
    ...clusterLabel,
  };
  if (spec.island) clusterLabels[KAMAJI_LABELS.island] = spec.island.name;
  if (spec.site) clusterLabels[KAMAJI_LABELS.site] = spec.site;
  for (const set of spec.addonSets)
    clusterLabels[`${KAMAJI_LABELS.addonSetPrefix}${set}`] = 'enabled';

  const infra = profile.infrastructureCluster;
  const objects: KubeObject[] = [
    {
      apiVersion: apiVersionOf(Cluster),
      kind: Cluster.kind,
      metadata: meta(spec.name, ns, clusterLabels, annotations),
      spec: {
        clusterNetwork: {
          pods: { cidrBlocks: [spec.podCidr] },
          services: { cidrBlocks: [spec.serviceCidr] },
          serviceDomain: spec.serviceDomain,
        },
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
    },
  ];

  const kcpSpec: Record<string, unknown> = {
    version: spec.version.text,
    replicas: spec.controlPlaneReplicas,
    dataStoreName: spec.dataStore,
    network: { serviceType: profile.controlPlane.serviceType },
    addons: { coreDNS: {}, kubeProxy: {}, konnectivity: {} },
  };
  if (spec.island) {
    const ref: Record<string, string> = {
      deploymentNamespace: profile.controlPlane.deploymentNamespace,
      kubeconfigSecretName: `${spec.island.name}-kubeconfig`,
      kubeconfigSecretKey: 'value',
    };
    // Unset means "the KCP's namespace": only written when it differs (v1beta2 style).
    if (spec.island.namespace !== ns)
      ref.kubeconfigSecretNamespace = spec.island.namespace;
    kcpSpec.deployment = { externalClusterReference: ref };
  }
  objects.push({
    apiVersion: apiVersionOf(KamajiControlPlane),
    kind: KamajiControlPlane.kind,
    metadata: meta(spec.name, ns, clusterLabel, annotations),
    spec: kcpSpec,
  });

  if (infra.version && infra.spec) {
    objects.push({
      apiVersion: `${infra.apiGroup}/${infra.version}`,
      kind: infra.kind,
      metadata: meta(spec.name, ns, clusterLabel, annotations),
      spec: infra.spec,
    });
  }

  for (const pool of spec.workerPools) {
    const mdName = `${spec.name}-${pool.name}`;
    const bootstrap = profile.workers.bootstrap;
    const renderBootstrap =
      !bootstrap.name && bootstrap.kind === KubeadmConfigTemplate.kind;
    if (renderBootstrap) {
      const nodeLabels = [`kamaji-backstage.io/pool=${pool.name}`];
      if (spec.site) nodeLabels.push(`${KAMAJI_LABELS.site}=${spec.site}`);
      objects.push({
        apiVersion: `${bootstrap.apiGroup}/${KubeadmConfigTemplate.version}`,
        kind: KubeadmConfigTemplate.kind,
        metadata: meta(mdName, ns, clusterLabel, annotations),
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
      });
    }
    const names = { island: host, cluster: spec.name, pool: pool.name };
    // What the CAPI defaulting webhook would add (a bare API server has none): the cluster-name
    // label on the MD, and cluster-name + deployment-name on the selector and machine template.
    const selectorLabels = {
      [KAMAJI_LABELS.capiClusterName]: spec.name,
      [KAMAJI_LABELS.capiDeploymentName]: mdName,
    };
    objects.push({
      apiVersion: apiVersionOf(MachineDeployment),
      kind: MachineDeployment.kind,
      metadata: meta(mdName, ns, clusterLabel, annotations),
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
                name: renderBootstrap
                  ? mdName
                  : fillName(bootstrap.name ?? mdName, names),
              },
            },
            infrastructureRef: {
              apiGroup: profile.workers.infrastructure.apiGroup,
              kind: profile.workers.infrastructure.kind,
              name: fillName(profile.workers.infrastructure.name, names),
            },
          },
        },
      },
    });
  }
  objects.push(...tenantAccessObjects(spec, annotations));
  return objects;
}

/**
 * Who may use the tenant cluster, delivered into it by a ClusterResourceSet (with a ConfigMap of
 * the manifests): the owner group's workload role (`edit`, the group named as the Kubernetes
 * plugin impersonates it, `group:<namespace>/<name>`), and the Kubernetes plugin's impersonating
 * ServiceAccount with its impersonate-only role. So the owning team can use its Kubernetes tab as
 * soon as the cluster is up, and other teams cannot.
 */
function tenantAccessObjects(
  spec: TenantClusterSpec,
  annotations: ReturnType<typeof provenanceAnnotations>,
): KubeObject[] {
  const { ClusterResourceSet } = FLEET_KINDS;
  const name = `${spec.name}-access`;
  const labels = { [KAMAJI_LABELS.capiClusterName]: spec.name };
  const manifests = [
    ownerBindingObject(spec.owner.entityRef),
    ...impersonatorObjects(),
  ];
  return [
    {
      apiVersion: apiVersionOf(ClusterResourceSet),
      kind: ClusterResourceSet.kind,
      metadata: meta(name, spec.namespace, labels, annotations),
      spec: {
        strategy: 'Reconcile',
        clusterSelector: { matchLabels: labels },
        resources: [{ kind: 'ConfigMap', name }],
      },
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta(name, spec.namespace, labels, annotations),
      data: { 'access.yaml': toYaml(manifests as KubeObject[]) },
    },
  ];
}
