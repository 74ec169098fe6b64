import { Config } from '@backstage/config';

/** Settings of the Kubernetes integration (`kamaji.kubernetes`). @public */
export interface KamajiKubernetesSettings {
  includeIslands: boolean;
  includeTenants: boolean;
  managementClusters?: string[];
  keepConfiguredClusters: boolean;
  accessRefreshMs: number;
  credentialCacheMs: number;
  skipMetricsLookup: boolean;
  clusterEntityLocator: boolean;
}

export function readKubernetesSettings(root: Config): KamajiKubernetesSettings {
  const c = root.getOptionalConfig('kamaji.kubernetes');
  return {
    includeIslands: c?.getOptionalBoolean('includeIslands') ?? true,
    includeTenants: c?.getOptionalBoolean('includeTenants') ?? true,
    managementClusters: c?.getOptionalStringArray('managementClusters'),
    keepConfiguredClusters:
      c?.getOptionalBoolean('keepConfiguredClusters') ?? true,
    accessRefreshMs:
      (c?.getOptionalNumber('accessRefreshSeconds') ?? 300) * 1000,
    credentialCacheMs:
      (c?.getOptionalNumber('credentialCacheSeconds') ?? 60) * 1000,
    skipMetricsLookup: c?.getOptionalBoolean('skipMetricsLookup') ?? false,
    clusterEntityLocator: c?.getOptionalBoolean('clusterEntityLocator') ?? true,
  };
}
