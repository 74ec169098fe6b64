/**
 * The request and response types of every operation in `openapi.yaml`, in the endpoint-map shape
 * `@backstage/backend-openapi-utils` types its router with (`#<method>|<path>`).
 *
 * repo-tools would generate this map with openapi-generator (a Java program downloaded from Maven
 * Central at run time), which this project cannot fetch; it is written by hand instead, and
 * `openapi.test.ts` checks that it names exactly the operations of the spec.
 */
import {
  DeleteClusterPreview,
  AuditEvent,
  AuditPage,
  AuditQuery,
  DeleteClusterResult,
  FleetCluster,
  FleetPage,
  FleetQuery,
  FleetResponse,
  IslandResponse,
  PlacementAdvice,
  PlacementQuery,
  ScaleClusterPreview,
  ScaleClusterRequest,
  ScaleClusterResult,
  UpgradeClusterPreview,
  UpgradeClusterRequest,
  UpgradeClusterResult,
  UpgradePlan,
  UpgradePlanRequest,
  UplinkRanking,
  UplinkTimeline,
  UplinkWindow,
} from '@kamaji-backstage/plugin-kamaji-common';

export interface ErrorBody {
  error: { name: string; message: string; stack?: string; code?: string };
  request?: { method?: string; url?: string };
  response: { statusCode: number };
}

/** The paging of list responses (fleet tenants, audit events). */
export type Page = FleetPage;

export interface ClusterPath {
  managementCluster: string;
  namespace: string;
  name: string;
}

export type UpgradeRequestBody = UpgradeClusterRequest;
export type UpgradeResultBody = UpgradeClusterResult;
export type ScaleRequestBody = ScaleClusterRequest;
export type ScaleResultBody = ScaleClusterResult;
export type DeleteResultBody = DeleteClusterResult;

export type AuditEventBody = AuditEvent;
export type AuditQueryParams = AuditQuery;

export interface UpgradePlanPath {
  planId: string;
}

/** Start, pause, resume and abort of an upgrade plan. */
export type UpgradePlanCommand = {
  path: UpgradePlanPath;
  response: UpgradePlan | ErrorBody;
};

export type EndpointMap = {
  '#get|/health': { response: { status: 'ok' } };
  '#get|/v1/fleet': {
    query: FleetQuery;
    response: FleetResponse | ErrorBody;
  };
  '#get|/v1/fleet/snapshot': {
    query: Omit<FleetQuery, 'limit' | 'offset'>;
    response: FleetResponse | ErrorBody;
  };
  '#get|/v1/clusters/by-id': {
    query: { id: string };
    response: FleetCluster | ErrorBody;
  };
  '#get|/v1/clusters/{managementCluster}/{namespace}/{name}': {
    path: ClusterPath;
    response: FleetCluster | ErrorBody;
  };
  '#_delete|/v1/clusters/{managementCluster}/{namespace}/{name}': {
    path: ClusterPath;
    query: { confirm: string };
    response: DeleteResultBody | ErrorBody;
  };
  '#post|/v1/clusters/{managementCluster}/{namespace}/{name}/upgrade': {
    path: ClusterPath;
    body: UpgradeRequestBody;
    response: UpgradeResultBody | ErrorBody;
  };
  '#post|/v1/clusters/{managementCluster}/{namespace}/{name}/scale': {
    path: ClusterPath;
    body: ScaleRequestBody;
    response: ScaleResultBody | ErrorBody;
  };
  '#post|/v1/clusters/{managementCluster}/{namespace}/{name}/upgrade/preview': {
    path: ClusterPath;
    body: UpgradeRequestBody;
    response: UpgradeClusterPreview | ErrorBody;
  };
  '#post|/v1/clusters/{managementCluster}/{namespace}/{name}/scale/preview': {
    path: ClusterPath;
    body: ScaleRequestBody;
    response: ScaleClusterPreview | ErrorBody;
  };
  '#post|/v1/clusters/{managementCluster}/{namespace}/{name}/delete/preview': {
    path: ClusterPath;
    response: DeleteClusterPreview | ErrorBody;
  };
  '#get|/v1/placement': {
    query: PlacementQuery;
    response: PlacementAdvice | ErrorBody;
  };
  '#get|/v1/islands/{managementCluster}/{namespace}/{name}': {
    path: ClusterPath;
    response: IslandResponse | ErrorBody;
  };
  '#get|/v1/islands/{managementCluster}/{namespace}/{name}/uplink': {
    path: ClusterPath;
    query: { from?: string; to?: string };
    response: UplinkTimeline | ErrorBody;
  };
  '#get|/v1/uplink': {
    query: { window?: UplinkWindow };
    response: UplinkRanking | ErrorBody;
  };
  '#get|/v1/events': {
    query: { since?: number; epoch?: string };
    response: string;
  };
  '#get|/v1/audit': {
    query: AuditQueryParams;
    response: AuditPage | ErrorBody;
  };
  '#get|/v1/upgrade-plans': {
    query: { limit?: number; offset?: number };
    response: { items: UpgradePlan[]; page: Page } | ErrorBody;
  };
  '#post|/v1/upgrade-plans': {
    body: UpgradePlanRequest;
    response: UpgradePlan | ErrorBody;
  };
  '#get|/v1/upgrade-plans/{planId}': {
    path: UpgradePlanPath;
    response: UpgradePlan | ErrorBody;
  };
  '#post|/v1/upgrade-plans/{planId}/start': UpgradePlanCommand;
  '#post|/v1/upgrade-plans/{planId}/pause': UpgradePlanCommand;
  '#post|/v1/upgrade-plans/{planId}/resume': UpgradePlanCommand;
  '#post|/v1/upgrade-plans/{planId}/abort': UpgradePlanCommand;
};
