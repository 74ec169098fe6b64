import type {
  ClusterObjects,
  KubernetesFetchError,
} from '@backstage/plugin-kubernetes-common';

/** The status codes with which a cluster's API server refuses the user: its RBAC's answer. */
const REFUSAL_STATUS_CODES = [401, 403];

function isRefusal(error: KubernetesFetchError): boolean {
  return (
    error.errorType !== 'FETCH_ERROR' &&
    REFUSAL_STATUS_CODES.includes(error.statusCode ?? 0)
  );
}

/** A cluster whose every failed request was refused (401/403): the user may not read there. */
export function isRefused(item: ClusterObjects): boolean {
  return item.errors.length > 0 && item.errors.every(isRefusal);
}

/** The distinct status codes and resource paths of a refused cluster's errors. */
export function refusalsOf(item: ClusterObjects): {
  statusCodes: number[];
  resourcePaths: string[];
} {
  const statusCodes = new Set<number>();
  const resourcePaths = new Set<string>();
  for (const error of item.errors) {
    if (error.errorType === 'FETCH_ERROR') continue;
    if (error.statusCode) statusCodes.add(error.statusCode);
    if (error.resourcePath) resourcePaths.add(error.resourcePath);
  }
  return {
    statusCodes: [...statusCodes].sort(),
    resourcePaths: [...resourcePaths].sort(),
  };
}

/** The cluster answered some of the requests with objects. */
export function hasObjects(item: ClusterObjects): boolean {
  return item.resources.some(r => r.resources.length > 0);
}

/**
 * Splits the Kubernetes plugin's answer: clusters that refused the user (shown as "not allowed"),
 * clusters with other errors (the plugin's standard error panel) and the clusters to draw (all
 * but those that refused everything).
 */
export function splitClusters(items: ClusterObjects[]) {
  const refused = items.filter(isRefused);
  return {
    refused,
    failed: items.filter(i => i.errors.length > 0 && !isRefused(i)),
    shown: items.filter(i => !isRefused(i) || hasObjects(i)),
  };
}
