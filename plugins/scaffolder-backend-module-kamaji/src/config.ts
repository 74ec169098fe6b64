import { Config } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import { readKubernetesVersionRange } from '@kamaji-backstage/plugin-kamaji-common';
import {
  IslandProfile,
  KamajiScaffolderSettings,
  defaultScaffolderSettings,
} from './render/settings';
import {
  KamajiInputError,
  Problems,
  checkDnsLabel,
  checkDnsSubdomain,
} from './render/validation';

const KIND = /^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/;

function readProfile(
  config: Config | undefined,
  base: IslandProfile,
  path: string,
  problems: Problems,
): IslandProfile {
  if (!config) return base;
  const str = (key: string, fallback: string) =>
    config.getOptionalString(key) ?? fallback;
  const infraSpec = config.getOptional<JsonObject>(
    'infrastructureCluster.spec',
  );
  const profile: IslandProfile = {
    infrastructureCluster: {
      apiGroup: str(
        'infrastructureCluster.apiGroup',
        base.infrastructureCluster.apiGroup,
      ),
      kind: str('infrastructureCluster.kind', base.infrastructureCluster.kind),
      version:
        config.getOptionalString('infrastructureCluster.version') ??
        base.infrastructureCluster.version,
      spec: infraSpec ?? base.infrastructureCluster.spec,
    },
    workers: {
      bootstrap: {
        apiGroup: str(
          'workers.bootstrap.apiGroup',
          base.workers.bootstrap.apiGroup,
        ),
        kind: str('workers.bootstrap.kind', base.workers.bootstrap.kind),
        name:
          config.getOptionalString('workers.bootstrap.name') ??
          base.workers.bootstrap.name,
      },
      infrastructure: {
        apiGroup: str(
          'workers.infrastructure.apiGroup',
          base.workers.infrastructure.apiGroup,
        ),
        kind: str(
          'workers.infrastructure.kind',
          base.workers.infrastructure.kind,
        ),
        name: str(
          'workers.infrastructure.name',
          base.workers.infrastructure.name,
        ),
      },
    },
    controlPlane: {
      serviceType: (config.getOptionalString('controlPlane.serviceType') ??
        base.controlPlane
          .serviceType) as IslandProfile['controlPlane']['serviceType'],
      deploymentNamespace: str(
        'controlPlane.deploymentNamespace',
        base.controlPlane.deploymentNamespace,
      ),
    },
  };
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
  return profile;
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
  const c = config.getOptionalConfig('kamaji.scaffolder');
  if (!c) return settings;
  const problems = new Problems();
  const prefix = 'kamaji.scaffolder';

  const versions = readKubernetesVersionRange({
    min: c.getOptionalString('kubernetesVersions.min'),
    max: c.getOptionalString('kubernetesVersions.max'),
  });
  settings.kubernetesVersions = versions.range;
  for (const p of versions.problems)
    problems.add(`${prefix}.${p.key}`, p.message);

  for (const key of ['tenants', 'islands', 'addons'] as const) {
    const v = c.getOptionalString(`namespaces.${key}`);
    if (
      v !== undefined &&
      checkDnsLabel(problems, `${prefix}.namespaces.${key}`, v)
    )
      settings.namespaces[key] = v;
  }
  settings.fleetAdminGroups =
    c.getOptionalStringArray('fleetAdminGroups') ?? [];

  settings.defaultIslandProfile = readProfile(
    c.getOptionalConfig('defaultIslandProfile'),
    settings.defaultIslandProfile,
    `${prefix}.defaultIslandProfile`,
    problems,
  );
  const profiles = c.getOptionalConfig('islandProfiles');
  for (const host of profiles?.keys() ?? []) {
    settings.islandProfiles[host] = readProfile(
      profiles!.getConfig(host),
      settings.defaultIslandProfile,
      `${prefix}.islandProfiles.${host}`,
      problems,
    );
  }

  const clusterClass = c.getOptionalString('island.clusterClass');
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
    const v = c.getOptionalString(`island.kamajiChart.${key}`);
    if (v !== undefined) chart[key] = v;
  }

  const limit = (key: string, fallback: number) => {
    const v = c.getOptionalNumber(`limits.${key}`);
    if (v === undefined) return fallback;
    if (!Number.isInteger(v) || v < 0) {
      problems.add(`${prefix}.limits.${key}`, 'must be a whole number ≥ 0');
      return fallback;
    }
    return v;
  };
  const l = settings.limits;
  l.controlPlaneReplicas.min = Math.max(
    1,
    limit('controlPlaneReplicas.min', l.controlPlaneReplicas.min),
  );
  l.controlPlaneReplicas.max = limit(
    'controlPlaneReplicas.max',
    l.controlPlaneReplicas.max,
  );
  l.workerReplicas.min = limit('workerReplicas.min', l.workerReplicas.min);
  l.workerReplicas.max = limit('workerReplicas.max', l.workerReplicas.max);
  l.workerPools = limit('workerPools', l.workerPools);
  l.addonSets = limit('addonSets', l.addonSets);

  if (!problems.empty)
    throw new KamajiInputError(problems.list, 'configuration');
  return settings;
}
