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
} from './plugin';
export { isKamajiClusterAvailable } from './conditions';
export { rootRouteRef } from './routes';
export * from './api';
export { FleetTopologyContent } from './components/FleetPage';
export * from './components/scaffolder';
