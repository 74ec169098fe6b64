export { UpgradesPage, UpgradesContent } from './UpgradesPage';
