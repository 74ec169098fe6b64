import { Config } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import { readKubernetesVersionRange } from '@kamaji-backstage/plugin-kamaji-common';
import {
  IslandProfile,
  KamajiScaffolderSettings,
  defaultScaffolderSettings,
} from './render/settings';
import {
  Problems,
  checkDnsLabel,
  checkDnsSubdomain,
} from './render/validation';

const KIND = /^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
const PREFIX = 'kamaji.scaffolder';

/** An island profile from config, on top of `base`; `path` is its config key, for problems. */
function readProfile(
  config: Config | undefined,
  base: IslandProfile,
  path: string,
  problems: Problems,
): IslandProfile {
  if (!config) return base;
  const { infrastructureCluster: infra, workers, controlPlane } = base;
  const infraSpec = config.getOptional<JsonObject>(
    'infrastructureCluster.spec',
  );
  const profile: IslandProfile = {
    infrastructureCluster: {
      ...readKind(config, 'infrastructureCluster', infra),
      version: stringOr(config, 'infrastructureCluster.version', infra.version),
      spec: infraSpec ?? infra.spec,
    },
    workers: {
      bootstrap: {
        ...readKind(config, 'workers.bootstrap', workers.bootstrap),
        name: stringOr(
          config,
          'workers.bootstrap.name',
          workers.bootstrap.name,
        ),
      },
      infrastructure: {
        ...readKind(config, 'workers.infrastructure', workers.infrastructure),
        name: stringOr(
          config,
          'workers.infrastructure.name',
          workers.infrastructure.name,
        ),
      },
    },
    controlPlane: {
      serviceType: stringOr(
        config,
        'controlPlane.serviceType',
        controlPlane.serviceType,
      ) as IslandProfile['controlPlane']['serviceType'],
      deploymentNamespace: stringOr(
        config,
        'controlPlane.deploymentNamespace',
        controlPlane.deploymentNamespace,
      ),
    },
  };
  checkProfile(profile, path, problems);
  return profile;
}

/** The string at `key`, else the fallback. */
function stringOr<Fallback extends string | undefined>(
  config: Config,
  key: string,
  fallback: Fallback,
): string | Fallback {
  return config.getOptionalString(key) ?? fallback;
}

/** `<key>.apiGroup` and `<key>.kind`, each else the base's. */
function readKind(
  config: Config,
  key: string,
  base: { apiGroup: string; kind: string },
) {
  return {
    apiGroup: stringOr(config, `${key}.apiGroup`, base.apiGroup),
    kind: stringOr(config, `${key}.kind`, base.kind),
  };
}

/** Adds a problem for every value of the profile that cannot work, named by its config key. */
function checkProfile(
  profile: IslandProfile,
  path: string,
  problems: Problems,
) {
  for (const [key, ref] of [
    ['infrastructureCluster', profile.infrastructureCluster],
    ['workers.bootstrap', profile.workers.bootstrap],
    ['workers.infrastructure', profile.workers.infrastructure],
  ] as const) {
    checkDnsSubdomain(problems, `${path}.${key}.apiGroup`, ref.apiGroup);
    if (!KIND.test(ref.kind) || ref.kind.length > 63)
      problems.add(
        `${path}.${key}.kind`,
        `must be a Kubernetes kind like 'Metal3Cluster'; got '${ref.kind}'`,
      );
  }
  if (
    !['LoadBalancer', 'NodePort', 'ClusterIP'].includes(
      profile.controlPlane.serviceType,
    )
  )
    problems.add(
      `${path}.controlPlane.serviceType`,
      'must be LoadBalancer, NodePort or ClusterIP',
    );
  checkDnsLabel(
    problems,
    `${path}.controlPlane.deploymentNamespace`,
    profile.controlPlane.deploymentNamespace,
  );
  if (
    profile.infrastructureCluster.spec &&
    !profile.infrastructureCluster.version
  )
    problems.add(
      `${path}.infrastructureCluster.version`,
      'is required together with spec (the API version of the kind)',
    );
}

/**
 * Reads `kamaji.scaffolder` from the app config (or a config holding it), on top of
 * {@link defaultScaffolderSettings}. Throws naming the config key of any invalid value.
 *
 * @public
 */
export function readScaffolderSettings(
  config: Config,
): KamajiScaffolderSettings {
  const settings = defaultScaffolderSettings();
  const scaffolder = config.getOptionalConfig(PREFIX);
  if (!scaffolder) return settings;
  const problems = new Problems();
  readKubernetesVersions(scaffolder, settings, problems);
  readNamespaces(scaffolder, settings, problems);
  settings.fleetAdminGroups =
    scaffolder.getOptionalStringArray('fleetAdminGroups') ?? [];
  readIslandProfiles(scaffolder, settings, problems);
  readIsland(scaffolder, settings);
  readLimits(scaffolder, settings.limits, problems);
  problems.throwIfAny('configuration');
  return settings;
}

function readKubernetesVersions(
  scaffolder: Config,
  settings: KamajiScaffolderSettings,
  problems: Problems,
) {
  const versions = readKubernetesVersionRange({
    min: scaffolder.getOptionalString('kubernetesVersions.min'),
    max: scaffolder.getOptionalString('kubernetesVersions.max'),
  });
  settings.kubernetesVersions = versions.range;
  for (const problem of versions.problems)
    problems.add(`${PREFIX}.${problem.key}`, problem.message);
}

function readNamespaces(
  scaffolder: Config,
  settings: KamajiScaffolderSettings,
  problems: Problems,
) {
  for (const key of ['tenants', 'islands', 'addons'] as const) {
    const namespace = scaffolder.getOptionalString(`namespaces.${key}`);
    if (
      namespace !== undefined &&
      checkDnsLabel(problems, `${PREFIX}.namespaces.${key}`, namespace)
    )
      settings.namespaces[key] = namespace;
  }
}

/** The default island profile, then each island's own on top of it. */
function readIslandProfiles(
  scaffolder: Config,
  settings: KamajiScaffolderSettings,
  problems: Problems,
) {
  settings.defaultIslandProfile = readProfile(
    scaffolder.getOptionalConfig('defaultIslandProfile'),
    settings.defaultIslandProfile,
    `${PREFIX}.defaultIslandProfile`,
    problems,
  );
  const profiles = scaffolder.getOptionalConfig('islandProfiles');
  for (const host of profiles?.keys() ?? []) {
    settings.islandProfiles[host] = readProfile(
      profiles!.getConfig(host),
      settings.defaultIslandProfile,
      `${PREFIX}.islandProfiles.${host}`,
      problems,
    );
  }
}

/** How new islands are built: their ClusterClass and the Kamaji chart. */
function readIsland(scaffolder: Config, settings: KamajiScaffolderSettings) {
  const clusterClass = scaffolder.getOptionalString('island.clusterClass');
  if (clusterClass !== undefined) settings.island.clusterClass = clusterClass;
  const chart = settings.island.kamajiChart;
  for (const key of [
    'repositoryURL',
    'repositoryName',
    'chartName',
    'chartVersion',
    'releaseNamespace',
    'values',
  ] as const) {
    const value = scaffolder.getOptionalString(`island.kamajiChart.${key}`);
    if (value !== undefined) chart[key] = value;
  }
}

function readLimits(
  scaffolder: Config,
  limits: KamajiScaffolderSettings['limits'],
  problems: Problems,
) {
  const limit = (key: string, fallback: number) =>
    readLimit(scaffolder, key, fallback, problems);
  limits.controlPlaneReplicas.min = Math.max(
    1,
    limit('controlPlaneReplicas.min', limits.controlPlaneReplicas.min),
  );
  limits.controlPlaneReplicas.max = limit(
    'controlPlaneReplicas.max',
    limits.controlPlaneReplicas.max,
  );
  limits.workerReplicas.min = limit(
    'workerReplicas.min',
    limits.workerReplicas.min,
  );
  limits.workerReplicas.max = limit(
    'workerReplicas.max',
    limits.workerReplicas.max,
  );
  limits.workerPools = limit('workerPools', limits.workerPools);
  limits.addonSets = limit('addonSets', limits.addonSets);
}

/** The whole number ≥ 0 at `limits.<key>`, else the fallback. */
function readLimit(
  scaffolder: Config,
  key: string,
  fallback: number,
  problems: Problems,
): number {
  const value = scaffolder.getOptionalNumber(`limits.${key}`);
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0) {
    problems.add(`${PREFIX}.limits.${key}`, 'must be a whole number ≥ 0');
    return fallback;
  }
  return value;
}
