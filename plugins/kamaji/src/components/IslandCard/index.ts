export { IslandCard } from './IslandCard';
