import { Config } from '@backstage/config';
import { KAMAJI_IMPERSONATOR } from '@kamaji-backstage/plugin-kamaji-common';
import { readPermissionCacheMs } from '@kamaji-backstage/plugin-kamaji-node';
import { ImpersonatorSettings } from './ImpersonatorTokens';

/** Settings of the Kubernetes integration (`kamaji.kubernetes`). @public */
export interface KamajiKubernetesSettings {
  includeIslands: boolean;
  includeTenants: boolean;
  managementClusters?: string[];
  keepConfiguredClusters: boolean;
  accessRefreshMs: number;
  /** How long a caller's `kamaji.cluster.read` decision is reused (0: asked on every request). */
  readPermissionCacheMs: number;
  skipMetricsLookup: boolean;
  clusterEntityLocator: boolean;
  impersonator: ImpersonatorSettings;
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
    readPermissionCacheMs: readPermissionCacheMs(
      c?.getOptionalNumber('readPermissionCacheSeconds'),
      'kamaji.kubernetes.readPermissionCacheSeconds',
    ),
    skipMetricsLookup: c?.getOptionalBoolean('skipMetricsLookup') ?? false,
    clusterEntityLocator: c?.getOptionalBoolean('clusterEntityLocator') ?? true,
    impersonator: readImpersonatorSettings(
      c?.getOptionalConfig('impersonator'),
    ),
  };
}

function readImpersonatorSettings(c?: Config): ImpersonatorSettings {
  const sa = c?.getOptionalConfig('serviceAccount');
  const tokenSeconds = c?.getOptionalNumber('tokenSeconds') ?? 3600;
  if (tokenSeconds < 600)
    throw new Error(
      `kamaji.kubernetes.impersonator.tokenSeconds must be at least 600 (the TokenRequest minimum), got ${tokenSeconds}`,
    );
  return {
    serviceAccount: {
      namespace:
        sa?.getOptionalString('namespace') ?? KAMAJI_IMPERSONATOR.namespace,
      name: sa?.getOptionalString('name') ?? KAMAJI_IMPERSONATOR.name,
    },
    install: c?.getOptionalBoolean('install') ?? true,
    tokenSeconds,
  };
}
