/**
 * The request and response types of every operation in `openapi.yaml`, in the endpoint-map shape
 * `@backstage/backend-openapi-utils` types its router with (`#<method>|<path>`).
 *
 * repo-tools would generate this map with openapi-generator (a Java program downloaded from Maven
 * Central at run time), which this project cannot fetch; it is written by hand instead, and
 * `openapi.test.ts` checks that it names exactly the operations of the spec.
 */
import {
  DeleteClusterResult,
  FleetCluster,
  FleetPage,
  FleetQuery,
  FleetResponse,
  IslandResponse,
  ScaleClusterRequest,
  ScaleClusterResult,
  UpgradeClusterRequest,
  UpgradeClusterResult,
  UpgradePlan,
  UpgradePlanRequest,
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

export type AuditActionValue = 'upgrade' | 'scale' | 'delete';
export type AuditResultValue = 'success' | 'failure' | 'denied';

export interface AuditEventBody {
  id: number;
  occurredAt: string;
  actor: string;
  actorType: 'user' | 'service';
  action: AuditActionValue;
  target: string;
  request?: Record<string, unknown>;
  result: AuditResultValue;
  status: number;
  message?: string;
  details?: Record<string, unknown>;
  durationMs?: number;
}

export interface AuditQuery {
  limit?: number;
  offset?: number;
  actor?: string;
  target?: string;
  action?: AuditActionValue;
  result?: AuditResultValue;
}

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
  '#get|/v1/islands/{managementCluster}/{namespace}/{name}': {
    path: ClusterPath;
    response: IslandResponse | ErrorBody;
  };
  '#get|/v1/events': {
    query: { since?: number; epoch?: string };
    response: string;
  };
  '#get|/v1/audit': {
    query: AuditQuery;
    response: { items: AuditEventBody[]; page: Page } | ErrorBody;
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
