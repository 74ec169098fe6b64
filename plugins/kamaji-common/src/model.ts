// The REST API's bodies are generated from openapi.yaml (src/schema/openapi/generated).
import type {
  ManagementClusterNode,
  IslandNode,
  TenantNode,
  AddonSet,
  ConnectionState,
} from './schema/openapi/generated/models';

export type {
  ClusterRole,
  HealthStatus,
  ConnectionState,
  Staleness,
  FleetCondition,
  Health,
  HealthCounts,
  ReplicaCounts,
  WorkerPool,
  TenantControlPlaneInfo,
  TenantControlPlaneStatus,
  VersionInfo,
  AddonAttachment,
  FleetClusterBase,
  ManagementClusterNode,
  DataStoreInfo,
  IslandNode,
  TenantNode,
  FleetCluster,
  AddonSetKind,
  LabelSelector,
  AddonSet,
  FleetDelta,
} from './schema/openapi/generated/models';

/**
 * The state of the backend's connection to one cluster's API server.
 * `degraded` means reachable, but some kinds could not be read (e.g. RBAC forbids one kind).
 *
 * @public
 */
export type ConnectionStatus = ConnectionState['status'];

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
