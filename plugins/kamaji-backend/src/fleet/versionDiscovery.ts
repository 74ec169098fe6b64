import type { KubeKind } from '@kamaji-backstage/plugin-kamaji-common';
import { KubeClient, KubeApiError } from '@kamaji-backstage/plugin-kamaji-node';

/** The version a kind is read with, or why it cannot be read. */
export type DiscoveredKind =
  | { served: true; version: string; fallback: boolean }
  | { served: false; reason: string };

/**
 * Finds, through API discovery, the version each kind is served at: its preferred version
 * (`kind.version`), else the first served fallback (e.g. CAPI v1beta1, KamajiControlPlane
 * v1alpha1), read-only. A kind whose group or resource is not served (CRD absent) comes back
 * `served: false` with a reason. Network failures throw (the caller treats the cluster as
 * unreachable); other HTTP failures mark only the kinds concerned.
 */
export async function discoverKinds(
  http: KubeClient,
  kinds: KubeKind[],
  timeoutMs = 10_000,
): Promise<Map<string, DiscoveredKind>> {
  const result = new Map<string, DiscoveredKind>();
  const groupVersions = new Map<string, Promise<Set<string> | string>>();
  const resources = new Map<string, Promise<Set<string> | string>>();

  const servedVersions = (group: string) => {
    let p = groupVersions.get(group);
    if (!p) {
      p = http
        .getJson(`/apis/${group}`, { timeoutMs })
        .then(
          (doc: any) =>
            new Set<string>(
              (Array.isArray(doc?.versions) ? doc.versions : [])
                .map((v: any) => v?.version)
                .filter((v: unknown) => typeof v === 'string'),
            ),
        )
        .catch(e => notServed(e, `API group ${group}`));
      groupVersions.set(group, p);
    }
    return p;
  };
  const servedResources = (group: string, version: string) => {
    const key = `${group}/${version}`;
    let p = resources.get(key);
    if (!p) {
      const path = group ? `/apis/${group}/${version}` : `/api/${version}`;
      p = http
        .getJson(path, { timeoutMs })
        .then(
          (doc: any) =>
            new Set<string>(
              (Array.isArray(doc?.resources) ? doc.resources : [])
                .map((r: any) => r?.name)
                .filter((n: unknown) => typeof n === 'string'),
            ),
        )
        .catch(e => notServed(e, `API ${key}`));
      resources.set(key, p);
    }
    return p;
  };

  await Promise.all(
    kinds.map(async kind => {
      const candidates = [kind.version, ...kind.fallbackVersions];
      let versions: Set<string> | string;
      if (kind.group) {
        versions = await servedVersions(kind.group);
        if (typeof versions === 'string') {
          result.set(kind.kind, { served: false, reason: versions });
          return;
        }
      } else {
        versions = new Set(candidates);
      }
      let lastReason = `${kind.kind} (${
        kind.group
      }) is not served at ${candidates.join(' or ')}: CRD absent`;
      for (const version of candidates) {
        if (!versions.has(version)) continue;
        const names = await servedResources(kind.group, version);
        if (typeof names === 'string') {
          lastReason = names;
          continue;
        }
        if (names.has(kind.plural)) {
          result.set(kind.kind, {
            served: true,
            version,
            fallback: version !== kind.version,
          });
          return;
        }
      }
      result.set(kind.kind, { served: false, reason: lastReason });
    }),
  );
  return result;
}

/** Not-served answers become a reason; network failures propagate. */
function notServed(error: unknown, what: string): string {
  if (error instanceof KubeApiError && error.reachable) {
    if (error.statusCode === 404) return `${what} is not served: CRD absent`;
    return `${what}: discovery failed (${error.message})`;
  }
  throw error;
}
