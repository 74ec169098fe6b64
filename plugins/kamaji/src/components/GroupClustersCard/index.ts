export { GroupClustersCard } from './GroupClustersCard';
