export {
  seedFleet,
  SEED_FIELD_MANAGER,
  SEED_FOR_KCP_ANNOTATION,
  SEED_CONTROLLED_BY_ANNOTATION,
  TCP_NAME_PLACEHOLDER,
  DEFAULT_FLEET_DIR,
} from './seedFleet';
export type {
  SeedFleetOptions,
  SeedResult,
  SeedClusterCounts,
  SeededTenantControlPlane,
} from './seedFleet';
export { FleetObjectApi } from './FleetObjectApi';
export type { AnyObject, ApplyOptions } from './FleetObjectApi';
export { readManifests } from './manifests';
export type { ManifestObject } from './manifests';
