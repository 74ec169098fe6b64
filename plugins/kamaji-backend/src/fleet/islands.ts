import {
  ISLAND_ROLE_VALUE,
  KAMAJI_LABELS,
} from '@kamaji-backstage/plugin-kamaji-common';
import type { SlimCluster, SlimKcp, SlimSecret } from './objects';

/** An island of a management cluster and the Secret holding its kubeconfig. */
export interface IslandRef {
  /** `namespace/name` of the island's CAPI Cluster. */
  key: string;
  namespace: string;
  name: string;
  secretNamespace: string;
  secretName: string;
  secretKey: string;
  /** Why it is an island: its role label, or the KCPs hosting tenants through its Secret. */
  via: 'label' | 'kamajiControlPlane';
}

/**
 * Finds the islands among a management cluster's Clusters: a Cluster labelled
 * `kamaji-backstage.io/role: island`, or one whose CAPI kubeconfig Secret (`<name>-kubeconfig`,
 * label `cluster.x-k8s.io/cluster-name=<name>`) a KamajiControlPlane's externalClusterReference names.
 * Also returns the map from `secretNamespace/secretName` to island key used to place tenants.
 */
export function findIslands(
  clusters: Map<string, SlimCluster>,
  kcps: Iterable<SlimKcp>,
  secrets: Map<string, SlimSecret>,
): { islands: Map<string, IslandRef>; bySecret: Map<string, string> } {
  const islands = new Map<string, IslandRef>();
  const bySecret = new Map<string, string>();
  for (const [key, c] of clusters) {
    if (c.labels[KAMAJI_LABELS.role] === ISLAND_ROLE_VALUE) {
      islands.set(key, {
        key,
        namespace: c.namespace,
        name: c.name,
        secretNamespace: c.namespace,
        secretName: `${c.name}-kubeconfig`,
        secretKey: 'value',
        via: 'label',
      });
    }
  }
  for (const kcp of kcps) {
    const ext = kcp.external;
    if (!ext?.secretName) continue;
    const secretRef = `${ext.secretNamespace}/${ext.secretName}`;
    const secret = secrets.get(secretRef);
    const named =
      secret?.clusterName ??
      (ext.secretName.endsWith('-kubeconfig')
        ? ext.secretName.slice(0, -'-kubeconfig'.length)
        : undefined);
    if (!named) continue;
    const key = `${ext.secretNamespace}/${named}`;
    if (!clusters.has(key)) continue;
    // The Secret must be that Cluster's CAPI kubeconfig Secret.
    if (ext.secretName !== `${named}-kubeconfig`) continue;
    if (!islands.has(key)) {
      islands.set(key, {
        key,
        namespace: ext.secretNamespace,
        name: named,
        secretNamespace: ext.secretNamespace,
        secretName: ext.secretName,
        secretKey: ext.secretKey ?? 'value',
        via: 'kamajiControlPlane',
      });
    }
  }
  for (const island of islands.values()) {
    bySecret.set(`${island.secretNamespace}/${island.secretName}`, island.key);
  }
  return { islands, bySecret };
}
