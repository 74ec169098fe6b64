export { AddonsCard } from './AddonsCard';
