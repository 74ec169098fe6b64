/**
 * The Kamaji fleet frontend plugin: the fleet topology (cloud → islands → tenants) with live
 * updates. This entry point is for the legacy frontend system; `/alpha` is for the new one.
 *
 * @packageDocumentation
 */
export {
  kamajiPlugin,
  KamajiFleetPage,
  EntityKamajiClusterOverviewCard,
  EntityKamajiWorkerPoolsCard,
  EntityKamajiAddonsCard,
  EntityKamajiIslandCard,
  EntityKamajiGroupClustersCard,
  EntityKamajiActivityCard,
  EntityKamajiKubernetesContent,
} from './plugin';
export type { KamajiKubernetesContentProps } from './components/KubernetesContent';
export {
  isKamajiClusterAvailable,
  isKamajiTenantAvailable,
  isKamajiIslandAvailable,
  isGroupEntity,
} from './conditions';
export { rootRouteRef } from './routes';
export * from './api';
export { FleetTopologyContent } from './components/FleetPage';
export * from './components/scaffolder';
export { FleetKubernetesAuthProviders } from './kubernetes';
