/**
 * Shared types of the Kamaji fleet plugins: the fleet model, the Kubernetes kinds it is
 * built from, entity annotations and labels, and the permissions.
 *
 * @packageDocumentation
 */
export * from './model';
export * from './health';
export * from './kinds';
export * from './labels';
export * from './ids';
export * from './permissions';
export * from './versions';
export * from './supportedVersions';
export * from './upgrades';
export * from './actions';
export * from './fleetApi';
export * from './delta';
export * from './compactTenants';
export * from './problems';
export * from './selectors';
export * from './upgradePlans';
export * from './clusterRbac';
export * from './uplink';
export * from './text';
export * from './owners';
export * from './addonSets';
export * from './placement';
export * from './audit';
// The REST API, generated from kamaji-backend's openapi.yaml: the body types, the typed client and
// each operation's request type.
export * from './schema/openapi/generated/models';
export {
  DefaultApiClient as KamajiApiClient,
  type TypedResponse,
  type RequestOptions,
  type AbortUpgradePlan,
  type CreateUpgradePlan,
  type DeleteCluster,
  type GetAudit,
  type GetCluster,
  type GetClusterById,
  type GetEvents,
  type GetFleet,
  type GetFleetSnapshot,
  type GetHealth,
  type GetIsland,
  type GetIslandUplink,
  type GetPlacement,
  type GetUpgradePlan,
  type GetUplinkRanking,
  type ListUpgradePlans,
  type PauseUpgradePlan,
  type PreviewDeleteCluster,
  type PreviewScaleCluster,
  type PreviewUpgradeCluster,
  type ResumeUpgradePlan,
  type ScaleCluster,
  type StartUpgradePlan,
  type UpgradeCluster,
} from './schema/openapi/generated/apis';
