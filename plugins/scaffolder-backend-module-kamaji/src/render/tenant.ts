import {
  KAMAJI_LABELS,
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
  type FieldError,
} from './validation';
import { parseShape } from './shape';
import { KubeObject, Provenance, provenanceAnnotations } from './objects';
import { tenantClusterObjects } from './tenantObjects';

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
  const input = islandByName(
    parseShape(tenantClusterInputSchema, raw, problems, 'tenant cluster input'),
    problems,
  );
  const nameOk = checkTenantName(problems, input);
  const namespace = input.namespace ?? settings.namespaces.tenants;
  checkDnsLabel(problems, 'namespace', namespace);
  if (input.managementCluster !== undefined)
    checkDnsLabel(problems, 'managementCluster', input.managementCluster);
  const island = checkIsland(problems, input, settings);
  if (input.site !== undefined) checkLabelValue(problems, 'site', input.site);
  const controlPlane = checkControlPlane(problems, input, settings);
  checkWorkerPools(problems, input, nameOk, settings.limits);
  const addonSets = input.addonSets ?? [];
  checkAddonSetNames(problems, addonSets, settings.limits);
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
    version: controlPlane.version!,
    controlPlaneReplicas: controlPlane.replicas,
    dataStore: controlPlane.dataStore,
    workerPools: input.workerPools.map(pool => ({ ...pool })),
    addonSets: [...addonSets],
    owner: owner!,
    podCidr,
    serviceCidr,
    serviceDomain,
    notes: problems.notes,
  };
}

/** Checks the cluster name; returns whether it is valid. */
function checkTenantName(problems: Problems, input: TenantClusterInput) {
  const hosted = input.island !== undefined;
  return checkDnsLabel(problems, 'name', input.name, {
    startWithLetter: !hosted,
    why: hosted
      ? 'it names the Cluster, whose name must also be a valid label value'
      : 'without an island, Kamaji names the TenantControlPlane and its Service after the cluster',
  });
}

/** The control plane's Kubernetes version, number of pods and Kamaji DataStore. */
function checkControlPlane(
  problems: Problems,
  input: TenantClusterInput,
  settings: KamajiScaffolderSettings,
) {
  const version = checkKubernetesVersion(
    problems,
    'kubernetesVersion',
    input.kubernetesVersion,
    settings.kubernetesVersions,
  );
  const replicas = input.controlPlaneReplicas ?? 2;
  const { min, max } = settings.limits.controlPlaneReplicas;
  checkRange(
    problems,
    'controlPlaneReplicas',
    replicas,
    min,
    max,
    'control plane pods',
  );
  const dataStore = input.dataStore ?? 'default';
  checkDnsSubdomain(problems, 'dataStore', dataStore);
  return { version, replicas, dataStore };
}

/** The island hosting the control plane, if the input names a valid one. */
function checkIsland(
  problems: Problems,
  input: TenantClusterInput,
  settings: KamajiScaffolderSettings,
): TenantClusterSpec['island'] {
  if (input.island === undefined) {
    if (input.islandNamespace !== undefined) {
      problems.add(
        'islandNamespace',
        'is only used together with island: remove it, or also give the island',
      );
    }
    return undefined;
  }
  if (input.island === '') {
    problems.add(
      'island',
      'must not be empty: give an island name, or omit the field to host the control plane in the management cluster',
    );
    return undefined;
  }
  if (!checkDnsLabel(problems, 'island', input.island)) return undefined;
  const islandNamespace = input.islandNamespace ?? settings.namespaces.islands;
  if (!checkDnsLabel(problems, 'islandNamespace', islandNamespace))
    return undefined;
  return { name: input.island, namespace: islandNamespace };
}

/**
 * The worker pools: at most as many as the limits allow, each with a valid name that keeps its
 * MachineDeployment name (`<cluster>-<pool>`) within 63 characters, and replicas within bounds.
 */
function checkWorkerPools(
  problems: Problems,
  input: TenantClusterInput,
  nameOk: boolean,
  limits: KamajiScaffolderSettings['limits'],
) {
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
    input.workerPools.map(pool => pool.name),
    'pool name',
  );
}

/** The addon sets to opt in to: at most as many as the limits allow, each named once, validly. */
function checkAddonSetNames(
  problems: Problems,
  addonSets: string[],
  limits: KamajiScaffolderSettings['limits'],
) {
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
  return tenantClusterObjects({
    spec,
    profile: profileFor(settings, host),
    host,
    annotations: provenanceAnnotations(provenance),
  });
}
