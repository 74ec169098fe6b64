/**
 * Responses of the real kamaji backend for the example fleet (examples/fleet on the local control
 * plane), recorded by `scripts/record-kamaji-fixtures.ts` with response validation against
 * the backend's OpenAPI spec switched on. Each call returns a fresh copy, so a test may edit it.
 */
import type {
  DeleteClusterPreview,
  AuditPage,
  FleetCluster,
  FleetSnapshot,
  PlacementAdvice,
  ScaleClusterPreview,
  UpgradeClusterPreview,
  UpgradePlan,
  UplinkRanking,
  UplinkTimeline,
} from '@kamaji-backstage/plugin-kamaji-common';
import type { FleetResponse, IslandResponse } from '../api/types';
import type { Entity } from '@backstage/catalog-model';
import type { ObjectsByEntityResponse } from '@backstage/plugin-kubernetes-common';
import fleet from './recorded/fleet.json';
import fleetIslandADisconnected from './recorded/fleet-island-a-disconnected.json';
import islandA from './recorded/island-a.json';
import cluster from './recorded/cluster.json';
import forbidden from './recorded/forbidden.json';
import upgradePlanDraft from './recorded/upgrade-plan-draft.json';
import upgradePlanRunning from './recorded/upgrade-plan-running.json';
import upgradePlans from './recorded/upgrade-plans.json';
import islandAUplink from './recorded/island-a-uplink.json';
import uplinkRanking from './recorded/uplink-ranking.json';
import previewUpgrade from './recorded/preview-upgrade.json';
import previewScale from './recorded/preview-scale.json';
import previewScaleRefused from './recorded/preview-scale-refused.json';
import previewDelete from './recorded/preview-delete.json';
import placement from './recorded/placement.json';
import audit from './recorded/audit.json';
import auditTeam from './recorded/audit-team.json';
import auditCluster from './recorded/audit-cluster.json';
import kubernetesTabOwner from './recorded/kubernetes-tab-owner.json';
import kubernetesTabOtherTeam from './recorded/kubernetes-tab-other-team.json';
import kubernetesTabTenantDown from './recorded/kubernetes-tab-tenant-down.json';

const copy = <T>(json: unknown): T => structuredClone(json) as T;

/**
 * What the Kubernetes tab of the component press-line-vision read from the real backend
 * (`scripts/check-kubernetes-backend.ts --record-fixtures`, impersonation on).
 */
export interface RecordedKubernetesTab {
  /** `GET /api/kubernetes/clusters`. */
  clusters: {
    items: Array<{ name: string; title?: string; authProvider: string }>;
  };
  /** `POST /api/kubernetes/services/press-line-vision`. */
  services: ObjectsByEntityResponse;
  /** The catalog's entities of the clusters that refused the user, as that user reads them. */
  clusterEntities: Entity[];
}

export const recorded = {
  /** `GET /v1/fleet`: central, island-a (site factory-lyon), island-b (shop-berlin), 7 tenants. */
  fleet: () => copy<FleetResponse>(fleet),
  /** `GET /v1/fleet` after island-a's API server was killed. */
  fleetIslandADisconnected: () => copy<FleetResponse>(fleetIslandADisconnected),
  /** `GET /v1/islands/central/fleet-islands/island-a`. */
  islandA: () => copy<IslandResponse>(islandA),
  /** `GET /v1/clusters/by-id` of a tenant on island-a. */
  cluster: () => copy<FleetCluster>(cluster),
  /** `POST /v1/upgrade-plans` to v1.35.2: a draft plan with its preview of the example fleet. */
  upgradePlanDraft: () => copy<UpgradePlan>(upgradePlanDraft),
  /** `GET /v1/upgrade-plans` right after that. */
  upgradePlans: () => copy<{ items: UpgradePlan[] }>(upgradePlans),
  /** `GET /v1/upgrade-plans/{id}` once started: the canary patched, waiting at its health gate. */
  upgradePlanRunning: () => copy<UpgradePlan>(upgradePlanRunning),
  /** `GET /v1/islands/central/fleet-islands/island-a/uplink` after island-a was killed and restarted. */
  islandAUplink: () => copy<UplinkTimeline>(islandAUplink),
  /** `GET /v1/uplink?window=24h` right after that. */
  uplinkRanking: () => copy<UplinkRanking>(uplinkRanking),
  /** `POST …/upgrade/preview` of the `cluster` tenant to the next minor, with its workers. */
  previewUpgrade: () => copy<UpgradeClusterPreview>(previewUpgrade),
  /** `POST …/scale/preview` of its first worker pool, one replica more. */
  previewScale: () => copy<ScaleClusterPreview>(previewScale),
  /** The same to 9 replicas: the 400 of a ValidatingAdmissionPolicy (edge-capacity). */
  previewScaleRefused: () =>
    copy<{
      error: { name: string; message: string };
      response: { statusCode: number };
    }>(previewScaleRefused),
  /** `POST …/delete/preview` of the `cluster` tenant. */
  previewDelete: () => copy<DeleteClusterPreview>(previewDelete),
  /** `GET /v1/placement?version=v1.35.0` with `kamaji.placement.islandCapacity: 8`. */
  placement: () => copy<PlacementAdvice>(placement),
  /**
   * `GET /v1/audit` as the platform team after the plan above was started and aborted, berlin-pos
   * scaled and a team-retail user's delete of berlin-kiosk denied.
   */
  audit: () => copy<AuditPage>(audit),
  /** The same trail as that team-retail user (`user:default/retail-dev`) reads it. */
  auditTeam: () => copy<AuditPage>(auditTeam),
  /** `GET /v1/audit?cluster=central/fleet-tenants/berlin-pos` as that team-retail user. */
  auditCluster: () => copy<AuditPage>(auditCluster),
  /**
   * The Kubernetes tab as bob of team-factory, owner of the tenant lyon-press-line: its Pods,
   * Service, Deployment and ReplicaSet; island-a and island-b answer 403 (nobody bound there).
   */
  kubernetesTabOwner: () => copy<RecordedKubernetesTab>(kubernetesTabOwner),
  /**
   * The same as alice of team-retail: 403 from lyon-press-line's API server and both islands; the
   * catalog shows her the islands (owner platform-team) but not team-factory's tenant.
   */
  kubernetesTabOtherTeam: () =>
    copy<RecordedKubernetesTab>(kubernetesTabOtherTeam),
  /** The same as the platform team's user with lyon-press-line's API server stopped: a FETCH_ERROR. */
  kubernetesTabTenantDown: () =>
    copy<RecordedKubernetesTab>(kubernetesTabTenantDown),
  /** The 403 body of `GET /v1/fleet` when kamaji.cluster.read is denied. */
  forbidden: () =>
    copy<{
      error: { name: string; message: string };
      response: { statusCode: number };
    }>(forbidden),
};

/** Every cluster of a snapshot, by name (test convenience). */
export function byName(s: FleetSnapshot, name: string) {
  const found = [...s.managementClusters, ...s.islands, ...s.tenants].find(
    c => c.name === name,
  );
  if (!found) throw new Error(`no cluster named ${name} in the fixture`);
  return found;
}
