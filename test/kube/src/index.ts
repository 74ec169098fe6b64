export {
  LocalControlPlane,
  DEFAULT_CLUSTERS,
  ensureKubeplaneBuilt,
} from './LocalControlPlane';
export type { LocalControlPlaneOptions, TestUser } from './LocalControlPlane';
export type {
  KubeplaneState,
  KubeplaneClusterState,
  KubeplaneUserState,
} from './state';
export {
  KUBE_DIR,
  REPO_ROOT,
  KUBEPLANE_BIN,
  CRDS_DIR,
  DEMO_STATE_DIR,
  CAPI_MANAGER_BIN,
  SHARED_DIR,
} from './paths';
export {
  seedFleet,
  FleetObjectApi,
  DEFAULT_FLEET_DIR,
  SEED_FIELD_MANAGER,
  SEED_FOR_KCP_ANNOTATION,
  SEED_CONTROLLED_BY_ANNOTATION,
} from './seed';
export type {
  SeedFleetOptions,
  SeedResult,
  SeedClusterCounts,
  SeededTenantControlPlane,
} from './seed';
export {
  dryRunUpstreamExamples,
  KNOWN_INVALID_UPSTREAM_EXAMPLES,
} from './upstreamExamples';
export type { UpstreamExampleResult } from './upstreamExamples';
export {
  FLEET_USER,
  ISLANDS,
  TEST_FIELD_MANAGER,
  rbacDocuments,
  applyAll,
  startFleetPlane,
  waitFor,
  credentialPatterns,
  findCredentials,
  findCredentialsInLog,
  responseText,
} from './fleet/fleetPlane';
export {
  guestRefreshAt,
  guestSignIn,
  writeGuestSignIn,
} from './demo/guestSignIn';
export type { GuestRefresh } from './demo/guestSignIn';
export type { RbacTarget, ScannedResponse } from './fleet/fleetPlane';
export { KubeApiError } from '@kamaji-backstage/plugin-kamaji-node';
export { startTcpRelay } from './tcpRelay';
export type { TcpRelay } from './tcpRelay';
export {
  CapiManager,
  capiFeatureGates,
  ensureCapiManagerBuilt,
  freePort,
  issueServingCert,
  webhookConfigurations,
} from './capi/CapiManager';
export type { CapiManagerOptions } from './capi/CapiManager';
export {
  startCapiPlane,
  upstreamCapiCrdsDir,
  writeCapiCrdSets,
} from './capi/capiPlane';
export type { CapiPlane, CapiPlaneOptions } from './capi/capiPlane';
export {
  TestProvider,
  testProviderId,
  TEST_INFRA_GROUP,
  TEST_BOOTSTRAP_GROUP,
  TEST_INFRA_VERSION,
  TEST_BOOTSTRAP_VERSION,
} from './capi/testProvider';
export { denyWithAdmissionPolicy } from './admissionPolicy';
export type { DenyRule } from './admissionPolicy';
export { BackendProcess, runTs } from './backend/BackendProcess';
export type { BackendLaunchOptions } from './backend/BackendProcess';
export {
  ReplicaFleet,
  REPLICA_ISLANDS,
  CATALOG_DATABASE,
} from './replicas/ReplicaFleet';
export type { ReplicaFleetOptions } from './replicas/ReplicaFleet';
export { ThrowawayPostgres, isWrite } from './replicas/throwawayPostgres';
export type { LoggedStatement } from './replicas/throwawayPostgres';
export {
  openKamajiWatches,
  watchConnections,
  connectionsTo,
  connectionsByPort,
  ISLAND_WATCHED_RESOURCES,
} from './replicas/islandWatches';
