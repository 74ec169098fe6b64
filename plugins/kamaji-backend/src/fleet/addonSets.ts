import {
  AddonAttachment,
  AddonSet,
  ClusterId,
  FleetProblem,
  Health,
  clusterId,
} from '@kamaji-backstage/plugin-kamaji-common';
import { Delivery, deliveryFindings, healthFrom, staleHealth } from './health';
import type { WatchedKind } from './kinds';
import { reportProblems, type ManagementBuild } from './managementBuild';
import type { SourceView } from './modelBuilder';
import type {
  AddonDelivery,
  SlimAddonSet,
  SlimCluster,
  SlimClusterSummary,
  SlimCrsBinding,
  SlimHelmReleaseProxy,
} from './objects';
import { matchesSelector } from './selectors';

/** The addon sets of a management cluster, and what each cluster gets from them. */
export interface AddonBuild {
  sets: AddonSet[];
  attachments: Map<ClusterId, AddonAttachment[]>;
  problems: FleetProblem[];
}

/** What a cluster got from an addon set, as the management cluster reports it. */
interface DeliveryState {
  state: AddonDelivery;
  message?: string;
}

/** The objects that report deliveries, by what they are looked up with. */
interface DeliveryReports {
  source: SourceView;
  /** namespace/profile/cluster → Sveltos ClusterSummary */
  summaries: Map<string, SlimClusterSummary>;
  /** namespace/cluster → ClusterResourceSetBinding */
  bindings: Map<string, SlimCrsBinding>;
  /** namespace/proxy/cluster → HelmReleaseProxy */
  releases: Map<string, SlimHelmReleaseProxy>;
}

const ADDON_KINDS: WatchedKind[] = [
  'Cluster',
  'ClusterProfile',
  'ClusterSummary',
  'ClusterResourceSet',
  'ClusterResourceSetBinding',
  'HelmChartProxy',
  'HelmReleaseProxy',
];
const WAITING = 'waiting for the control plane';

/**
 * The management cluster's addon sets, derived again only when what they read changes; a
 * cluster's attachments keep their identity while they are the same, so tenant nodes are reused.
 */
export function addonsOf(build: ManagementBuild): AddonBuild {
  const { source, view } = build;
  const key = [
    ...ADDON_KINDS.map(k => `${source.revision(k)}:${source.readable(k)}`),
    source.staleness.stale,
    source.connection.since,
    [...view.islands.keys()].join(','),
  ].join('|');
  return build.derive<AddonBuild>(`${build.name}/addons`, key, previous => {
    const result = buildAddonSets(build);
    for (const [id, list] of result.attachments) {
      const prev = previous?.attachments.get(id);
      if (prev && sameAttachments(prev, list)) result.attachments.set(id, prev);
    }
    return result;
  });
}

function sameAttachments(
  a: AddonAttachment[] | undefined,
  b: AddonAttachment[],
): boolean {
  return (
    !!a &&
    a.length === b.length &&
    a.every(
      (x, i) =>
        x.addonSetId === b[i].addonSetId &&
        x.status === b[i].status &&
        x.message === b[i].message &&
        x.name === b[i].name,
    )
  );
}

function deliveryReports(source: SourceView): DeliveryReports {
  const summaries = new Map<string, SlimClusterSummary>();
  for (const s of source.items<SlimClusterSummary>('ClusterSummary').values()) {
    if (s.clusterType && s.clusterType !== 'Capi') continue;
    summaries.set(`${s.namespace}/${s.profileName}/${s.clusterName}`, s);
  }
  const bindings = new Map<string, SlimCrsBinding>();
  for (const b of source
    .items<SlimCrsBinding>('ClusterResourceSetBinding')
    .values()) {
    bindings.set(`${b.namespace}/${b.clusterName}`, b);
  }
  const releases = new Map<string, SlimHelmReleaseProxy>();
  for (const r of source
    .items<SlimHelmReleaseProxy>('HelmReleaseProxy')
    .values()) {
    releases.set(`${r.namespace}/${r.proxyName}/${r.clusterName}`, r);
  }
  return { source, summaries, bindings, releases };
}

/** Every addon set with its key (namespace/name): profiles, resource sets, Helm chart proxies. */
function addonSetEntries(source: SourceView): Array<[string, SlimAddonSet]> {
  return [
    ...source.items<SlimAddonSet>('ClusterProfile'),
    ...source.items<SlimAddonSet>('ClusterResourceSet'),
    ...source.items<SlimAddonSet>('HelmChartProxy'),
  ];
}

function clustersByNamespace(
  clusters: ReadonlyMap<string, SlimCluster>,
): Map<string, Array<[string, SlimCluster]>> {
  const byNamespace = new Map<string, Array<[string, SlimCluster]>>();
  for (const entry of clusters) {
    const list = byNamespace.get(entry[1].namespace);
    if (list) list.push(entry);
    else byNamespace.set(entry[1].namespace, [entry]);
  }
  return byNamespace;
}

function profileDelivery(
  set: SlimAddonSet,
  cluster: SlimCluster,
  clusterKey: string,
  reports: DeliveryReports,
): DeliveryState {
  const failure = set.failedClusters[clusterKey];
  if (failure !== undefined)
    return { state: 'failed', message: failure || undefined };
  if (!reports.source.readable('ClusterSummary')) return { state: 'unknown' };
  const summary = reports.summaries.get(
    `${cluster.namespace}/${set.name}/${cluster.name}`,
  );
  if (summary) return { state: summary.state, message: summary.message };
  return cluster.controlPlaneInitialized
    ? { state: 'unknown' }
    : { state: 'progressing', message: WAITING };
}

function resourceSetDelivery(
  set: SlimAddonSet,
  cluster: SlimCluster,
  reports: DeliveryReports,
): DeliveryState {
  if (!reports.source.readable('ClusterResourceSetBinding'))
    return { state: 'unknown' };
  const binding = reports.bindings.get(`${cluster.namespace}/${cluster.name}`);
  const applied = binding?.sets[set.name];
  if (applied === true) return { state: 'applied' };
  if (applied === false)
    return { state: 'progressing', message: 'some resources not applied yet' };
  return {
    state: 'progressing',
    message: cluster.controlPlaneInitialized ? 'not applied yet' : WAITING,
  };
}

function helmDelivery(
  set: SlimAddonSet,
  cluster: SlimCluster,
  reports: DeliveryReports,
): DeliveryState {
  if (!reports.source.readable('HelmReleaseProxy')) return { state: 'unknown' };
  const release = reports.releases.get(
    `${cluster.namespace}/${set.name}/${cluster.name}`,
  );
  if (release) return { state: release.state, message: release.message };
  return {
    state: 'progressing',
    message: cluster.controlPlaneInitialized
      ? 'no HelmReleaseProxy yet'
      : WAITING,
  };
}

function deliveryTo(
  set: SlimAddonSet,
  cluster: SlimCluster,
  clusterKey: string,
  reports: DeliveryReports,
): DeliveryState {
  if (set.kind === 'ClusterProfile')
    return profileDelivery(set, cluster, clusterKey, reports);
  if (set.kind === 'ClusterResourceSet')
    return resourceSetDelivery(set, cluster, reports);
  return helmDelivery(set, cluster, reports);
}

/** Whether the set selects the cluster: by its labels, or by naming it. */
function selects(set: SlimAddonSet, cluster: SlimCluster, clusterKey: string) {
  return (
    matchesSelector(
      cluster.labels,
      set.selector,
      set.kind === 'HelmChartProxy',
    ) || set.clusterRefs.includes(clusterKey)
  );
}

function addonSetHealth(
  set: SlimAddonSet,
  deliveries: Delivery[],
  managementStale: string | undefined,
): Health {
  const reasons = deliveryFindings(deliveries);
  const settled = !deliveries.some(
    d => d.state === 'failed' || d.state === 'progressing',
  );
  const condition = set.condition;
  if (condition && condition.status !== 'True' && settled) {
    const message = condition.message
      ? `: ${condition.message.split('\n')[0]}`
      : '';
    reasons.push([
      'degraded',
      `${condition.type} ${condition.status}${message}`,
    ]);
  }
  for (const p of set.problems ?? [])
    reasons.push(['unknown', `data problem: ${p}`]);
  const lastKnown = healthFrom(reasons);
  return managementStale ? staleHealth(lastKnown, managementStale) : lastKnown;
}

/** One addon set: the clusters it selects, what each got, its health. */
function buildAddonSet(
  build: ManagementBuild,
  set: SlimAddonSet,
  candidates: Iterable<[string, SlimCluster]>,
  reports: DeliveryReports,
  attachments: Map<ClusterId, AddonAttachment[]>,
): AddonSet {
  const management = build.name;
  const id = `${management}/${set.kind}/${set.namespace || '_'}/${set.name}`;
  const matching: ClusterId[] = [];
  const deliveries: Delivery[] = [];
  for (const [clusterKey, cluster] of candidates) {
    if (!selects(set, cluster, clusterKey)) continue;
    const target =
      build.islandIds.get(clusterKey) ??
      clusterId({
        managementCluster: management,
        namespace: cluster.namespace,
        name: cluster.name,
      });
    matching.push(target);
    const { state, message } = deliveryTo(set, cluster, clusterKey, reports);
    deliveries.push({ state, cluster: cluster.name });
    const attachment: AddonAttachment = {
      addonSetId: id,
      name: set.name,
      kind: set.kind,
      status: state,
      ...(message ? { message } : {}),
    };
    const list = attachments.get(target);
    if (list) list.push(attachment);
    else attachments.set(target, [attachment]);
  }
  return {
    id,
    kind: set.kind,
    name: set.name,
    ...(set.namespace ? { namespace: set.namespace } : {}),
    managementCluster: management,
    selector: set.selector ?? {},
    contents: set.contents,
    matchingClusterIds: matching.sort(),
    health: addonSetHealth(set, deliveries, build.stale?.reason),
  };
}

function buildAddonSets(build: ManagementBuild): AddonBuild {
  const { source } = build;
  const problems: FleetProblem[] = [];
  const attachments = new Map<ClusterId, AddonAttachment[]>();
  const reports = deliveryReports(source);
  const clusters = source.items<SlimCluster>('Cluster');
  const byNamespace = clustersByNamespace(clusters);
  const sets = addonSetEntries(source).map(([key, set]) => {
    reportProblems(problems, build.name, `${set.kind} ${key}`, set.problems);
    // ClusterProfiles select across namespaces; the others only in their own.
    const candidates =
      set.kind === 'ClusterProfile'
        ? clusters
        : byNamespace.get(set.namespace) ?? [];
    return buildAddonSet(build, set, candidates, reports, attachments);
  });
  for (const list of attachments.values())
    list.sort((a, b) => (a.addonSetId < b.addonSetId ? -1 : 1));
  return { sets, attachments, problems };
}
