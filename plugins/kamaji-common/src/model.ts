/**
 * The fleet model: what the backend builds from the management cluster(s) and the islands,
 * and what the REST API, the catalog provider and the frontend read.
 *
 * Shape of the world (the Island architecture):
 * management cluster (cloud) → islands (edge management clusters) → tenant clusters whose
 * control plane (a Kamaji TenantControlPlane) runs on the island, or in the management cluster itself.
 */

/**
 * A cluster's place in the fleet.
 *
 * @public
 */
export type ClusterRole = 'management' | 'island' | 'tenant';

/**
 * The state of the backend's connection to one cluster's API server.
 * `degraded` means reachable, but some kinds could not be read (e.g. RBAC forbids one kind).
 *
 * @public
 */
export type ConnectionStatus = 'connected' | 'degraded' | 'disconnected';

/**
 * Rolled-up health. `unknown` is used whenever the state cannot be trusted (never read,
 * or the data is stale because the cluster holding it is unreachable).
 *
 * @public
 */
export type HealthStatus =
  | 'healthy'
  | 'progressing'
  | 'degraded'
  | 'unhealthy'
  | 'unknown';

/**
 * How the backend reaches one API server, and since when that is so.
 * `lastError` never contains credentials.
 *
 * @public
 */
export interface ConnectionState {
  status: ConnectionStatus;
  /** ISO time the status last changed. */
  since: string;
  /** ISO time of the last successful list or watch event. */
  lastSyncAt?: string;
  /** A short, credential-free description of the last failure. */
  lastError?: string;
  /** ISO time of the next reconnect attempt while disconnected. */
  nextRetryAt?: string;
  /** Kinds that could not be read (RBAC, not served), with the reason. */
  unreadableKinds?: Array<{ kind: string; reason: string }>;
}

/**
 * Marks data last read from a cluster that cannot be reached now.
 *
 * @public
 */
export interface Staleness {
  stale: boolean;
  /** ISO time the data was last known to be current. */
  lastSeenAt?: string;
}

/**
 * A standard Kubernetes condition (metav1.Condition), as read from the objects.
 *
 * @public
 */
export interface FleetCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  /** The object the condition came from, e.g. `Cluster` or `KamajiControlPlane`. */
  source?: string;
}

/**
 * A health value with the reasons that produced it.
 *
 * @public
 */
export interface Health {
  status: HealthStatus;
  /** Human-readable reasons for anything but healthy, most important first. */
  reasons: string[];
}

/**
 * Counts of a group of clusters by health, for islands and management clusters.
 *
 * @public
 */
export type HealthCounts = Record<HealthStatus, number>;

/**
 * Replica counters of a worker pool or a control plane.
 *
 * @public
 */
export interface ReplicaCounts {
  desired: number;
  current: number;
  ready: number;
  available: number;
  upToDate: number;
}

/**
 * A worker pool: one CAPI MachineDeployment of a tenant cluster.
 *
 * @public
 */
export interface WorkerPool {
  name: string;
  namespace: string;
  replicas: ReplicaCounts;
  /** Kubernetes version of the pool's machine template. */
  version?: string;
  /** MachineDeployment phase: ScalingUp, ScalingDown, Running, Failed or Unknown. */
  phase?: string;
  /** Machines seen for this pool, by phase (Running, Provisioning, ...). */
  machinePhases: Record<string, number>;
  conditions: FleetCondition[];
}

/**
 * The Kamaji status of a TenantControlPlane (`status.kubernetesResources.version.status`).
 *
 * @public
 */
export type TenantControlPlaneStatus =
  | 'Provisioning'
  | 'NotReady'
  | 'Ready'
  | 'Upgrading'
  | 'Sleeping'
  | 'WriteLimited'
  | 'CertificateAuthorityRotating'
  | 'Migrating'
  | 'Unknown';

/**
 * A tenant's control plane: the KamajiControlPlane in the management cluster and the
 * TenantControlPlane it produces (on the island, or next to it in the management cluster).
 *
 * @public
 */
export interface TenantControlPlaneInfo {
  /** The KamajiControlPlane in the management cluster; absent for unmanaged tenants. */
  kamajiControlPlane?: {
    name: string;
    namespace: string;
    uid?: string;
    ready: boolean;
    initialized: boolean;
    version?: string;
    replicas?: number;
    readyReplicas?: number;
    dataStoreName?: string;
  };
  /** The TenantControlPlane; absent while it has not been seen (yet). */
  tenantControlPlane?: {
    name: string;
    namespace: string;
    /** The cluster hosting it: an island id, or the management cluster name. */
    hostedIn: string;
    status: TenantControlPlaneStatus;
    version?: string;
    /** `host:port` as Kamaji reports it. */
    endpoint?: string;
    dataStore?: string;
    replicas?: number;
    readyReplicas?: number;
  };
}

/**
 * Declared and running Kubernetes versions of a tenant, and whether they disagree.
 *
 * @public
 */
export interface VersionInfo {
  /** `KamajiControlPlane.spec.version` (or the TCP spec for unmanaged tenants). */
  declared?: string;
  /** `TenantControlPlane.status.kubernetesResources.version.version`. */
  running?: string;
  /** Versions of the worker pools. */
  workers: string[];
  /** True when declared, running and worker versions are not all the same minor.patch. */
  skew: boolean;
}

/**
 * A reference from a cluster to an addon set that selects it.
 *
 * @public
 */
export interface AddonAttachment {
  addonSetId: AddonSetId;
  name: string;
  kind: AddonSetKind;
  /** Per-cluster delivery status where the addon controller reports it. */
  status?: 'applied' | 'progressing' | 'failed' | 'unknown';
  message?: string;
}

/**
 * Stable identifier of a cluster in the fleet: `<management cluster>/<namespace>/<name>`;
 * for unmanaged tenants found on an island, `<island id>/tcp/<namespace>/<name>`;
 * for a management cluster, its configured name.
 *
 * @public
 */
export type ClusterId = string;

/** Identifier of an addon set: `<management cluster>/<kind>/<namespace or _>/<name>`. @public */
export type AddonSetId = string;

/**
 * Fields every cluster in the model has.
 *
 * @public
 */
export interface FleetClusterBase {
  id: ClusterId;
  role: ClusterRole;
  name: string;
  /** Namespace of the CAPI Cluster in the management cluster (absent for management clusters). */
  namespace?: string;
  /** Name of the management cluster that declares it (its own name for a management cluster). */
  managementCluster: string;
  title?: string;
  /** Catalog group entity ref of the owner, e.g. `group:default/team-edge`. */
  owner?: string;
  site?: string;
  labels: Record<string, string>;
  health: Health;
  staleness: Staleness;
  /** ISO creation time of the declaring object. */
  createdAt?: string;
}

/**
 * A management cluster (the cloud): where every cluster is declared.
 *
 * @public
 */
export interface ManagementClusterNode extends FleetClusterBase {
  role: 'management';
  connection: ConnectionState;
  islandIds: ClusterId[];
  /** Tenants whose control plane runs in the management cluster itself. */
  tenantIds: ClusterId[];
  tenantHealth: HealthCounts;
}

/**
 * A Kamaji DataStore on an island (or in a management cluster).
 *
 * @public
 */
export interface DataStoreInfo {
  name: string;
  driver: 'etcd' | 'MySQL' | 'PostgreSQL' | 'NATS' | string;
  /** Absent on Kamaji releases before 26.3. */
  ready?: boolean;
  /** `namespace/name` of the TenantControlPlanes using it. */
  usedBy: string[];
}

/**
 * An island: a CAPI Cluster declared in a management cluster that runs its own Kamaji
 * and hosts tenant control planes at an edge site.
 *
 * @public
 */
export interface IslandNode extends FleetClusterBase {
  role: 'island';
  namespace: string;
  connection: ConnectionState;
  /** CAPI Cluster phase. */
  phase?: string;
  kubernetesVersion?: string;
  tenantIds: ClusterId[];
  tenantHealth: HealthCounts;
  dataStores: DataStoreInfo[];
  conditions: FleetCondition[];
  /** `host:port` of the island API server from the Cluster spec, when set. */
  endpoint?: string;
}

/**
 * A tenant cluster: a CAPI Cluster with a KamajiControlPlane, or (unmanaged) a
 * TenantControlPlane found on an island with no declaration in the management cluster.
 *
 * @public
 */
export interface TenantNode extends FleetClusterBase {
  role: 'tenant';
  /** False for TenantControlPlanes found on an island with no CAPI Cluster behind them. */
  managed: boolean;
  /** The island hosting the control plane; absent when hosted in the management cluster. */
  islandId?: ClusterId;
  /** CAPI Cluster phase: Pending, Provisioning, Provisioned, Deleting, Failed, Unknown. */
  phase?: string;
  /** The Cluster's `Available` condition status. */
  available?: 'True' | 'False' | 'Unknown';
  versions: VersionInfo;
  controlPlane: TenantControlPlaneInfo;
  workerPools: WorkerPool[];
  workers: ReplicaCounts;
  addons: AddonAttachment[];
  conditions: FleetCondition[];
  /** `host:port` of the tenant API server, when known. */
  endpoint?: string;
}

/** @public */
export type FleetCluster = ManagementClusterNode | IslandNode | TenantNode;

/**
 * How an addon set is delivered.
 *
 * @public
 */
export type AddonSetKind =
  | 'ClusterProfile'
  | 'ClusterResourceSet'
  | 'HelmChartProxy';

/**
 * A label selector as Kubernetes writes it.
 *
 * @public
 */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{
    key: string;
    operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
    values?: string[];
  }>;
}

/**
 * An addon set: one Sveltos ClusterProfile, CAPI ClusterResourceSet or HelmChartProxy.
 *
 * @public
 */
export interface AddonSet {
  id: AddonSetId;
  kind: AddonSetKind;
  name: string;
  namespace?: string;
  managementCluster: string;
  selector: LabelSelector;
  /** Charts or resources it delivers, for display (`chart@version`, `ConfigMap/name`). */
  contents: string[];
  matchingClusterIds: ClusterId[];
  health: Health;
}

/**
 * The whole fleet at one model version.
 *
 * @public
 */
export interface FleetSnapshot {
  /** Increases with every change; live-update deltas carry the version they lead to. */
  version: number;
  generatedAt: string;
  managementClusters: ManagementClusterNode[];
  islands: IslandNode[];
  tenants: TenantNode[];
  addonSets: AddonSet[];
}

/**
 * One change of the fleet model: what a live-update stream carries. Applying the deltas of
 * versions `fromVersion+1 … version` in order to a snapshot at `fromVersion` gives the snapshot at `version`.
 *
 * @public
 */
export interface FleetDelta {
  /** The model version the delta applies to. */
  fromVersion: number;
  /** The model version after the delta. */
  version: number;
  generatedAt: string;
  /** Clusters added or changed (whole nodes). */
  upserted: FleetCluster[];
  /** Ids of clusters that are gone. */
  removed: ClusterId[];
  /** Addon sets added or changed. */
  upsertedAddonSets: AddonSet[];
  removedAddonSets: AddonSetId[];
}
