export { FleetTopologyPage, FleetTopologyContent } from './FleetTopologyPage';
