import { createHash } from 'node:crypto';
import type {
  FleetCondition,
  LabelSelector,
  ReplicaCounts,
  TenantControlPlaneStatus,
} from '@kamaji-backstage/plugin-kamaji-common';
import { spec as apiSpec } from '../schema/openapi';
import { shared } from './sharedStrings';

/**
 * What the fleet keeps in memory of each Kubernetes object: only the fields the model needs
 * (no managedFields, no specs it does not read). Extractors never throw on missing or malformed
 * fields: they keep what they can and record `problems` (short, credential-free).
 */

export interface ObjectRef {
  group: string;
  kind: string;
  name: string;
}

export interface SlimMeta {
  name: string;
  /** '' for cluster-scoped objects. */
  namespace: string;
  labels: Record<string, string>;
  createdAt?: string;
  deleting: boolean;
  /** What was wrong with the object, if anything. */
  problems?: string[];
}

export interface SlimCluster extends SlimMeta {
  /** The API version it was read at (v1beta2, or v1beta1 on older management clusters). */
  apiVersion: string;
  phase?: string;
  controlPlaneRef?: ObjectRef;
  endpoint?: string;
  /** Status of the `Available` condition. */
  available?: 'True' | 'False' | 'Unknown';
  controlPlaneInitialized?: boolean;
  /** Conditions not in their good state (see notableConditions). */
  conditions: FleetCondition[];
  /** `status.controlPlane.versions` / `spec.topology.version`, for islands. */
  version?: string;
  paused?: boolean;
}

export interface ExternalClusterRef {
  deploymentNamespace?: string;
  secretName?: string;
  /** Defaults to the KCP's namespace. */
  secretNamespace: string;
  secretKey?: string;
}

export interface SlimKcp extends SlimMeta {
  /** Kamaji names the KamajiControlPlane's TenantControlPlane `kcp-<uid>` (the only uid kept). */
  uid?: string;
  version?: string;
  replicas?: number;
  dataStoreName?: string;
  external?: ExternalClusterRef;
  ready: boolean;
  initialized: boolean;
  statusVersion?: string;
  statusReplicas?: number;
  readyReplicas?: number;
  available?: 'True' | 'False' | 'Unknown';
  conditions: FleetCondition[];
  endpoint?: string;
}

export interface SlimMachineDeployment extends SlimMeta {
  clusterName?: string;
  version?: string;
  phase?: string;
  replicas: ReplicaCounts;
  conditions: FleetCondition[];
}

export interface SlimMachine {
  namespace: string;
  clusterName?: string;
  pool?: string;
  phase: string;
}

export interface SlimTcp extends SlimMeta {
  declaredVersion?: string;
  status: TenantControlPlaneStatus;
  version?: string;
  endpoint?: string;
  dataStore?: string;
  replicas?: number;
  readyReplicas?: number;
  /** Name of the KamajiControlPlane owning it (controller ownerReference), when hosted next to it. */
  ownerKcp?: string;
}

export interface SlimDataStore {
  name: string;
  driver: string;
  ready?: boolean;
  usedBy: string[];
}

/** A ClusterProfile, ClusterResourceSet or HelmChartProxy. */
export interface SlimAddonSet {
  kind: 'ClusterProfile' | 'ClusterResourceSet' | 'HelmChartProxy';
  name: string;
  namespace: string;
  /** Undefined when the selector is missing or malformed (it then matches nothing). */
  selector?: LabelSelector;
  /** Explicit `clusterRefs` of a ClusterProfile, as `namespace/name`. */
  clusterRefs: string[];
  contents: string[];
  /** The set's own readiness condition (HelmChartProxy `Ready`, ClusterResourceSet `ResourcesApplied`). */
  condition?: FleetCondition;
  /** ClusterProfile `status.failedClusters`: `namespace/name` → message. */
  failedClusters: Record<string, string>;
  problems?: string[];
}

export type AddonDelivery = 'applied' | 'progressing' | 'failed' | 'unknown';

export interface SlimClusterSummary {
  namespace: string;
  profileName?: string;
  clusterName?: string;
  clusterType?: string;
  state: AddonDelivery;
  message?: string;
}

export interface SlimCrsBinding {
  namespace: string;
  clusterName?: string;
  /** ClusterResourceSet name → all its resources applied. */
  sets: Record<string, boolean>;
}

export interface SlimHelmReleaseProxy {
  namespace: string;
  clusterName?: string;
  proxyName?: string;
  state: AddonDelivery;
  message?: string;
}

export interface SlimSecret {
  namespace: string;
  name: string;
  clusterName?: string;
  /** sha256 of the data, to notice rotation without keeping the data. */
  hash: string;
  /** Kept only for Secrets the fleet connects with (islands' kubeconfigs). */
  data?: Record<string, string>;
}

// ---------------------------------------------------------------------------------------------

const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v.length ? v : undefined;
/** `str` for a value many objects repeat: kept once (see sharedStrings). */
const sharedStr = (v: unknown): string | undefined => {
  const text = str(v);
  return text === undefined ? undefined : shared(text);
};
const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;
const bool = (v: unknown): boolean | undefined =>
  typeof v === 'boolean' ? v : undefined;
const obj = (v: unknown): Record<string, any> | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as any) : undefined;

function meta(o: any, problems: string[]): SlimMeta {
  const m = obj(o?.metadata) ?? {};
  const labels: Record<string, string> = {};
  const rawLabels = obj(m.labels);
  if (rawLabels) {
    for (const [k, v] of Object.entries(rawLabels)) {
      if (typeof v === 'string') labels[k] = shared(v);
    }
  }
  return {
    name: String(m.name ?? ''),
    namespace: sharedStr(m.namespace) ?? '',
    labels,
    createdAt: str(m.creationTimestamp),
    deleting: !!m.deletionTimestamp,
    ...(problems.length ? { problems } : {}),
  };
}

function withProblems<T extends { problems?: string[] }>(
  value: T,
  problems: string[],
): T {
  if (problems.length) value.problems = problems;
  else delete value.problems;
  return value;
}

const NEGATIVE_POLARITY = new Set([
  'Deleting',
  'Paused',
  'RollingOut',
  'ScalingUp',
  'ScalingDown',
  'Remediating',
  'Updating',
]);

/** Reads a condition list (metav1 or CAPI v1beta1 shape); malformed entries are skipped and reported. */
export function readConditions(
  list: unknown,
  source: string,
  problems: string[],
  at = 'status.conditions',
): FleetCondition[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) {
    problems.push(`${at} is not a list`);
    return [];
  }
  const out: FleetCondition[] = [];
  for (const c of list) {
    const type = sharedStr(c?.type);
    const status = c?.status;
    if (
      !type ||
      (status !== 'True' && status !== 'False' && status !== 'Unknown')
    ) {
      problems.push(`${at} has a malformed entry`);
      continue;
    }
    const cond: FleetCondition = { type, status, source };
    const reason = sharedStr(c.reason);
    if (reason) cond.reason = reason;
    const message = str(c.message);
    if (message)
      cond.message = shared(
        message.length > 500 ? `${message.slice(0, 499)}…` : message,
      );
    const t = str(c.lastTransitionTime);
    if (t) cond.lastTransitionTime = t;
    out.push(cond);
  }
  return out;
}

/**
 * The conditions worth showing: those not in their good state (True, or False for negative
 * polarity like Deleting or Paused). A healthy object has none; its summary fields (`available`,
 * `ready`, replica counts) say the rest, and the model stays small.
 */
export function notableConditions(conds: FleetCondition[]): FleetCondition[] {
  return conds.filter(c => {
    return NEGATIVE_POLARITY.has(c.type)
      ? c.status !== 'False'
      : c.status !== 'True';
  });
}

function statusOf(conds: FleetCondition[], type: string) {
  return conds.find(c => c.type === type)?.status;
}

/** A v1beta2 `{apiGroup, kind, name}` or v1beta1 `{apiVersion, kind, name}` reference. */
export function readRef(ref: unknown): ObjectRef | undefined {
  const r = obj(ref);
  if (!r) return undefined;
  const kind = sharedStr(r.kind);
  const name = str(r.name);
  if (!kind || !name) return undefined;
  let group = sharedStr(r.apiGroup);
  if (!group) {
    const apiVersion = str(r.apiVersion);
    group = shared(apiVersion?.includes('/') ? apiVersion.split('/')[0] : '');
  }
  return { group, kind, name };
}

function replicaCounts(s: any, desired: number | undefined): ReplicaCounts {
  const v1b2 = obj(s?.v1beta2) ?? {};
  return {
    desired: desired ?? num(s?.replicas) ?? 0,
    current: num(s?.replicas) ?? 0,
    ready: num(s?.readyReplicas) ?? num(v1b2.readyReplicas) ?? 0,
    available: num(s?.availableReplicas) ?? num(v1b2.availableReplicas) ?? 0,
    upToDate:
      num(s?.upToDateReplicas) ??
      num(v1b2.upToDateReplicas) ??
      num(s?.updatedReplicas) ??
      0,
  };
}

function capiConditions(
  o: any,
  source: string,
  problems: string[],
): FleetCondition[] {
  const s = obj(o?.status) ?? {};
  // v1beta1 objects carry the new-style conditions under status.v1beta2.
  const v1b2 = obj(s.v1beta2);
  if (v1b2 && Array.isArray(v1b2.conditions))
    return readConditions(
      v1b2.conditions,
      source,
      problems,
      'status.v1beta2.conditions',
    );
  return readConditions(s.conditions, source, problems);
}

// ---------------------------------------------------------------------------------------------

export function extractCluster(o: any): SlimCluster {
  const problems: string[] = [];
  const spec = obj(o?.spec) ?? {};
  const s = obj(o?.status) ?? {};
  const all = capiConditions(o, 'Cluster', problems);
  const ref = readRef(spec.controlPlaneRef);
  if (spec.controlPlaneRef === undefined)
    problems.push('Cluster has no spec.controlPlaneRef');
  else if (!ref)
    problems.push('spec.controlPlaneRef is malformed (needs kind and name)');
  const ep = obj(spec.controlPlaneEndpoint);
  const endpoint =
    ep && str(ep.host)
      ? `${ep.host}${num(ep.port) ? `:${ep.port}` : ''}`
      : undefined;
  const init = obj(s.initialization);
  const versions = Array.isArray(obj(s.controlPlane)?.versions)
    ? s.controlPlane.versions
    : [];
  const topologyVersion = sharedStr(obj(spec.topology)?.version);
  const cpInit =
    bool(init?.controlPlaneInitialized) ??
    (statusOf(all, 'ControlPlaneInitialized') === 'True' ? true : undefined) ??
    bool(s.controlPlaneReady);
  const apiVersion = sharedStr(o?.apiVersion) ?? '';
  const cluster: SlimCluster = {
    ...meta(o, []),
    apiVersion,
    phase: sharedStr(s.phase),
    controlPlaneRef: ref,
    endpoint,
    available: statusOf(all, 'Available'),
    controlPlaneInitialized: cpInit,
    conditions: notableConditions(all),
    version: sharedStr(versions[0]?.version) ?? topologyVersion,
    paused: bool(spec.paused),
  };
  return withProblems(cluster, problems);
}

export function extractKcp(o: any): SlimKcp {
  const problems: string[] = [];
  const spec = obj(o?.spec) ?? {};
  const s = obj(o?.status) ?? {};
  const m = meta(o, []);
  const all = readConditions(s.conditions, 'KamajiControlPlane', problems);
  let external: ExternalClusterRef | undefined;
  const ext = obj(obj(spec.deployment)?.externalClusterReference);
  if (spec.deployment?.externalClusterReference !== undefined) {
    if (!ext) {
      problems.push('spec.deployment.externalClusterReference is malformed');
    } else {
      external = {
        deploymentNamespace: sharedStr(ext.deploymentNamespace),
        secretName: str(ext.kubeconfigSecretName),
        secretNamespace:
          sharedStr(ext.kubeconfigSecretNamespace) ?? m.namespace,
        secretKey: sharedStr(ext.kubeconfigSecretKey),
      };
      if (!external.secretName)
        problems.push('externalClusterReference has no kubeconfigSecretName');
      if (!external.deploymentNamespace)
        problems.push('externalClusterReference has no deploymentNamespace');
    }
  }
  const ep = obj(spec.controlPlaneEndpoint);
  const version = sharedStr(spec.version);
  if (!version) problems.push('KamajiControlPlane has no spec.version');
  const kcp: SlimKcp = {
    ...m,
    uid: str(o?.metadata?.uid),
    version,
    replicas: num(spec.replicas),
    dataStoreName: sharedStr(spec.dataStoreName),
    external,
    ready: s.ready === true,
    initialized:
      bool(obj(s.initialization)?.controlPlaneInitialized) ??
      s.initialized === true,
    statusVersion: sharedStr(s.version),
    statusReplicas: num(s.replicas),
    readyReplicas: num(s.readyReplicas),
    available: statusOf(all, 'Available'),
    conditions: notableConditions(all),
    endpoint:
      ep && str(ep.host)
        ? `${ep.host}${num(ep.port) ? `:${ep.port}` : ''}`
        : undefined,
  };
  return withProblems(kcp, problems);
}

export function extractMachineDeployment(o: any): SlimMachineDeployment {
  const problems: string[] = [];
  const spec = obj(o?.spec) ?? {};
  const s = obj(o?.status) ?? {};
  const m = meta(o, []);
  const clusterName =
    str(spec.clusterName) ?? m.labels['cluster.x-k8s.io/cluster-name'];
  if (!clusterName) problems.push('MachineDeployment has no spec.clusterName');
  const md: SlimMachineDeployment = {
    ...m,
    clusterName,
    version: sharedStr(obj(obj(spec.template)?.spec)?.version),
    phase: sharedStr(s.phase),
    replicas: replicaCounts(s, num(spec.replicas)),
    conditions: notableConditions(
      capiConditions(o, 'MachineDeployment', problems),
    ),
  };
  return withProblems(md, problems);
}

export function extractMachine(o: any): SlimMachine {
  const labels = obj(o?.metadata?.labels) ?? {};
  return {
    namespace: shared(String(o?.metadata?.namespace ?? '')),
    clusterName:
      str(o?.spec?.clusterName) ?? str(labels['cluster.x-k8s.io/cluster-name']),
    pool: str(labels['cluster.x-k8s.io/deployment-name']),
    phase: sharedStr(o?.status?.phase) ?? 'Unknown',
  };
}

/** The statuses the API knows, from its spec, so that the list is kept in one place. */
const TCP_STATUSES = new Set<TenantControlPlaneStatus>(
  apiSpec.components.schemas.TenantControlPlaneStatus.enum,
);

export function extractTcp(o: any): SlimTcp {
  const problems: string[] = [];
  const spec = obj(o?.spec) ?? {};
  const s = obj(o?.status) ?? {};
  const kr = obj(s.kubernetesResources) ?? {};
  const v = obj(kr.version) ?? {};
  const dep = obj(kr.deployment) ?? {};
  let status: TenantControlPlaneStatus = 'Provisioning';
  if (v.status !== undefined) {
    if (TCP_STATUSES.has(v.status)) status = v.status;
    else {
      status = 'Unknown';
      problems.push(
        'status.kubernetesResources.version.status is not a known value',
      );
    }
  }
  const endpoint = str(s.controlPlaneEndpoint);
  if (
    s.controlPlaneEndpoint !== undefined &&
    (!endpoint || !/^[^\s:]+(:\d+)?$|^\[[0-9a-fA-F:]+\](:\d+)?$/.test(endpoint))
  ) {
    problems.push('status.controlPlaneEndpoint is not host:port');
  }
  const owner = Array.isArray(o?.metadata?.ownerReferences)
    ? o.metadata.ownerReferences.find(
        (r: any) =>
          r?.controller &&
          r?.kind === 'KamajiControlPlane' &&
          typeof r?.name === 'string',
      )
    : undefined;
  const declaredVersion = sharedStr(obj(spec.kubernetes)?.version);
  const tcp: SlimTcp = {
    ...meta(o, []),
    declaredVersion,
    status,
    version: sharedStr(v.version),
    endpoint:
      endpoint && !problems.some(p => p.includes('controlPlaneEndpoint'))
        ? endpoint
        : undefined,
    dataStore:
      sharedStr(obj(s.storage)?.dataStoreName) ?? sharedStr(spec.dataStore),
    replicas:
      num(dep.replicas) ??
      num(obj(obj(spec.controlPlane)?.deployment)?.replicas),
    readyReplicas: num(dep.readyReplicas),
    ownerKcp: owner?.name,
  };
  return withProblems(tcp, problems);
}

export function extractDataStore(o: any): SlimDataStore {
  const s = obj(o?.status) ?? {};
  return {
    name: String(o?.metadata?.name ?? ''),
    driver: sharedStr(o?.spec?.driver) ?? 'unknown',
    ready: bool(s.ready),
    usedBy: Array.isArray(s.usedBy)
      ? s.usedBy.filter((u: unknown) => typeof u === 'string')
      : [],
  };
}

function readSelector(
  v: unknown,
  at: string,
  problems: string[],
): LabelSelector | undefined {
  if (v === undefined || v === null) return undefined;
  const sel = obj(v);
  if (!sel) {
    problems.push(`${at} is malformed`);
    return undefined;
  }
  const out: LabelSelector = {};
  if (sel.matchLabels !== undefined) {
    const ml = obj(sel.matchLabels);
    if (!ml || Object.values(ml).some(x => typeof x !== 'string')) {
      problems.push(`${at}.matchLabels is malformed`);
      return undefined;
    }
    out.matchLabels = ml as Record<string, string>;
  }
  if (sel.matchExpressions !== undefined) {
    if (!Array.isArray(sel.matchExpressions)) {
      problems.push(`${at}.matchExpressions is malformed`);
      return undefined;
    }
    out.matchExpressions = [];
    for (const e of sel.matchExpressions) {
      if (
        !str(e?.key) ||
        !['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(e?.operator)
      ) {
        problems.push(`${at}.matchExpressions has a malformed entry`);
        return undefined;
      }
      out.matchExpressions.push({
        key: e.key,
        operator: e.operator,
        ...(Array.isArray(e.values)
          ? { values: e.values.filter((x: unknown) => typeof x === 'string') }
          : {}),
      });
    }
  }
  return out;
}

/** What differs between the addon set kinds; the rest is read the same for each. */
type AddonSetParts = Pick<
  SlimAddonSet,
  'clusterRefs' | 'contents' | 'condition' | 'failedClusters'
>;

/** An addon set of `kind` from its object: name, namespace and selector, then `parts`. */
function slimAddonSet(
  o: any,
  kind: SlimAddonSet['kind'],
  problems: string[],
  parts: (spec: Record<string, any>) => AddonSetParts,
): SlimAddonSet {
  const spec = obj(o?.spec) ?? {};
  // Sveltos' ClusterProfile is cluster-scoped.
  const namespaced = kind !== 'ClusterProfile';
  return withProblems<SlimAddonSet>(
    {
      kind,
      name: String(o?.metadata?.name ?? ''),
      namespace: namespaced ? String(o?.metadata?.namespace ?? '') : '',
      selector: readSelector(
        spec.clusterSelector,
        'spec.clusterSelector',
        problems,
      ),
      ...parts(spec),
    },
    problems,
  );
}

const listOf = (v: unknown): any[] => (Array.isArray(v) ? v : []);

/** `kind/name` of each reference that has both. */
function kindNames(refs: unknown): string[] {
  return listOf(refs)
    .filter(r => str(r?.kind) && str(r?.name))
    .map(r => `${r.kind}/${r.name}`);
}

/** What a ClusterProfile deploys: Helm charts, policy and kustomization references. */
function clusterProfileContents(spec: Record<string, any>): string[] {
  const contents: string[] = [];
  for (const h of listOf(spec.helmCharts)) {
    const chart = str(h?.chartName) ?? str(h?.releaseName);
    if (chart)
      contents.push(
        `${chart}${str(h?.chartVersion) ? `@${h.chartVersion}` : ''}`,
      );
  }
  for (const p of listOf(spec.policyRefs)) {
    if (str(p?.kind) && str(p?.name)) contents.push(`${p.kind}/${p.name}`);
    else if (str(p?.remoteURL?.url)) contents.push(String(p.remoteURL.url));
  }
  contents.push(...kindNames(spec.kustomizationRefs));
  return contents;
}

/** A ClusterProfile's `status.failedClusters`: `namespace/name` → message. */
function failedClustersOf(status: Record<string, any>): Record<string, string> {
  const failed: Record<string, string> = {};
  for (const f of listOf(status.failedClusters)) {
    const ref = obj(f?.clusterRef);
    if (ref && str(ref.name)) {
      failed[`${str(ref.namespace) ?? ''}/${ref.name}`] = String(
        f.failureMessage ?? '',
      ).slice(0, 300);
    }
  }
  return failed;
}

export function extractClusterProfile(o: any): SlimAddonSet {
  return slimAddonSet(o, 'ClusterProfile', [], spec => ({
    clusterRefs: listOf(spec.clusterRefs)
      .filter(r => r?.kind === 'Cluster' && str(r?.name))
      .map(r => `${str(r.namespace) ?? ''}/${r.name}`),
    contents: clusterProfileContents(spec),
    failedClusters: failedClustersOf(obj(o?.status) ?? {}),
  }));
}

/** The set's own readiness condition of type `type`, from `status.conditions`. */
function setCondition(
  o: any,
  kind: SlimAddonSet['kind'],
  type: string,
  problems: string[],
): FleetCondition | undefined {
  return readConditions(o?.status?.conditions, kind, problems).find(
    c => c.type === type,
  );
}

export function extractClusterResourceSet(o: any): SlimAddonSet {
  const problems: string[] = [];
  return slimAddonSet(o, 'ClusterResourceSet', problems, spec => ({
    clusterRefs: [],
    contents: kindNames(spec.resources),
    condition: setCondition(
      o,
      'ClusterResourceSet',
      'ResourcesApplied',
      problems,
    ),
    failedClusters: {},
  }));
}

export function extractHelmChartProxy(o: any): SlimAddonSet {
  const problems: string[] = [];
  return slimAddonSet(o, 'HelmChartProxy', problems, spec => {
    const chart = str(spec.chartName);
    return {
      clusterRefs: [],
      contents: chart
        ? [`${chart}${str(spec.version) ? `@${spec.version}` : ''}`]
        : [],
      condition: setCondition(o, 'HelmChartProxy', 'Ready', problems),
      failedClusters: {},
    };
  });
}

export function extractClusterSummary(o: any): SlimClusterSummary {
  const labels = obj(o?.metadata?.labels) ?? {};
  const spec = obj(o?.spec) ?? {};
  const features = Array.isArray(o?.status?.featureSummaries)
    ? o.status.featureSummaries
    : [];
  let state: AddonDelivery = features.length ? 'applied' : 'unknown';
  let message: string | undefined;
  for (const f of features) {
    const st = f?.status;
    if (st === 'Failed' || st === 'FailedNonRetriable') {
      state = 'failed';
      message =
        str(f?.failureMessage)?.slice(0, 300) ??
        `${f?.featureID ?? 'feature'} failed`;
      break;
    }
    if (st !== 'Provisioned') state = 'progressing';
  }
  return {
    namespace: String(o?.metadata?.namespace ?? ''),
    profileName:
      str(labels['projectsveltos.io/cluster-profile-name']) ??
      str(labels['projectsveltos.io/profile-name']),
    clusterName:
      str(spec.clusterName) ?? str(labels['projectsveltos.io/cluster-name']),
    clusterType:
      str(spec.clusterType) ?? str(labels['projectsveltos.io/cluster-type']),
    state,
    ...(message ? { message } : {}),
  };
}

export function extractCrsBinding(o: any): SlimCrsBinding {
  const spec = obj(o?.spec) ?? {};
  const sets: Record<string, boolean> = {};
  for (const b of Array.isArray(spec.bindings) ? spec.bindings : []) {
    const name = str(b?.clusterResourceSetName);
    if (!name) continue;
    const resources = Array.isArray(b.resources) ? b.resources : [];
    sets[name] = resources.every((r: any) => r?.applied !== false);
  }
  return {
    namespace: String(o?.metadata?.namespace ?? ''),
    clusterName: str(spec.clusterName) ?? str(o?.metadata?.name),
    sets,
  };
}

export function extractHelmReleaseProxy(o: any): SlimHelmReleaseProxy {
  const labels = obj(o?.metadata?.labels) ?? {};
  const s = obj(o?.status) ?? {};
  const release = str(s.status);
  const problems: string[] = [];
  const ready = readConditions(s.conditions, 'HelmReleaseProxy', problems).find(
    c => c.type === 'Ready',
  );
  let state: AddonDelivery = 'unknown';
  if (release === 'deployed') state = 'applied';
  else if (release === 'failed') state = 'failed';
  else if (release) state = 'progressing';
  else if (ready?.status === 'True') state = 'applied';
  else if (ready) state = 'progressing';
  const message = state !== 'applied' ? ready?.message ?? release : undefined;
  return {
    namespace: String(o?.metadata?.namespace ?? ''),
    clusterName:
      str(labels['cluster.x-k8s.io/cluster-name']) ??
      str(o?.spec?.clusterRef?.name),
    proxyName: str(
      labels['helmreleaseproxy.addons.cluster.x-k8s.io/helmchartproxy-name'],
    ),
    state,
    ...(message ? { message: message.slice(0, 300) } : {}),
  };
}

/**
 * A Secret: only a hash of its data, plus the decoded data when `keep` says the fleet needs it
 * (an island's kubeconfig). Nothing else of a Secret is kept.
 */
export function extractSecret(
  o: any,
  keep: (namespace: string, name: string) => boolean,
): SlimSecret {
  const namespace = String(o?.metadata?.namespace ?? '');
  const name = String(o?.metadata?.name ?? '');
  const data = obj(o?.data) ?? {};
  const hash = createHash('sha256');
  for (const k of Object.keys(data).sort()) {
    hash.update(k);
    hash.update('\0');
    hash.update(String(data[k]));
    hash.update('\0');
  }
  const secret: SlimSecret = {
    namespace,
    name,
    clusterName: str(o?.metadata?.labels?.['cluster.x-k8s.io/cluster-name']),
    hash: hash.digest('hex').slice(0, 32),
  };
  if (keep(namespace, name)) {
    secret.data = {};
    for (const [k, v] of Object.entries(data)) {
      if (typeof v === 'string')
        secret.data[k] = Buffer.from(v, 'base64').toString('utf8');
    }
  }
  return secret;
}
