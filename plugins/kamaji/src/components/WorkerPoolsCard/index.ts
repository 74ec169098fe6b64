export { WorkerPoolsCard } from './WorkerPoolsCard';
