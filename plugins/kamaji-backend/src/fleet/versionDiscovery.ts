import type { KubeKind } from '@kamaji-backstage/plugin-kamaji-common';
import { KubeClient, KubeApiError } from '@kamaji-backstage/plugin-kamaji-node';

/** The version a kind is read with, or why it cannot be read. */
export type DiscoveredKind =
  | { served: true; version: string; fallback: boolean }
  | { served: false; reason: string };

/** The discovery documents of one API server, each asked for once. */
class ApiDiscovery {
  private readonly answers = new Map<string, Promise<Set<string> | string>>();

  constructor(
    private readonly http: KubeClient,
    private readonly timeoutMs: number,
  ) {}

  /** The versions the group is served at, or why it is not served. */
  servedVersions(group: string): Promise<Set<string> | string> {
    const what = `API group ${group}`;
    return this.names(`/apis/${group}`, 'versions', 'version', what);
  }

  /** The resources served at the group's version, or why they are not. */
  servedResources(group: string, version: string) {
    const path = group ? `/apis/${group}/${version}` : `/api/${version}`;
    return this.names(path, 'resources', 'name', `API ${group}/${version}`);
  }

  /** The `field` of each entry of the document's `list`. */
  private names(
    path: string,
    list: 'versions' | 'resources',
    field: 'version' | 'name',
    what: string,
  ): Promise<Set<string> | string> {
    let answer = this.answers.get(path);
    if (!answer) {
      answer = this.http
        .getJson(path, { timeoutMs: this.timeoutMs })
        .then(
          (doc: any) =>
            new Set<string>(
              (Array.isArray(doc?.[list]) ? doc[list] : [])
                .map((entry: any) => entry?.[field])
                .filter((name: unknown) => typeof name === 'string'),
            ),
        )
        .catch(e => notServed(e, what));
      this.answers.set(path, answer);
    }
    return answer;
  }
}

/** The first of the kind's versions (preferred, then fallbacks) that serves it. */
async function discoverKind(
  discovery: ApiDiscovery,
  kind: KubeKind,
): Promise<DiscoveredKind> {
  const candidates = [kind.version, ...kind.fallbackVersions];
  const versions = kind.group
    ? await discovery.servedVersions(kind.group)
    : new Set(candidates);
  if (typeof versions === 'string') return { served: false, reason: versions };
  let lastReason = `${kind.kind} (${
    kind.group
  }) is not served at ${candidates.join(' or ')}: CRD absent`;
  for (const version of candidates) {
    if (!versions.has(version)) continue;
    const names = await discovery.servedResources(kind.group, version);
    if (typeof names === 'string') {
      lastReason = names;
    } else if (names.has(kind.plural)) {
      return { served: true, version, fallback: version !== kind.version };
    }
  }
  return { served: false, reason: lastReason };
}

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
  const discovery = new ApiDiscovery(http, timeoutMs);
  const found = await Promise.all(
    kinds.map(kind => discoverKind(discovery, kind)),
  );
  return new Map(kinds.map((kind, i) => [kind.kind, found[i]]));
}

/** Not-served answers become a reason; network failures propagate. */
function notServed(error: unknown, what: string): string {
  if (error instanceof KubeApiError && error.reachable) {
    if (error.statusCode === 404) return `${what} is not served: CRD absent`;
    return `${what}: discovery failed (${error.message})`;
  }
  throw error;
}
