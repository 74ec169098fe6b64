export * from './validation';
export * from './settings';
// The zod schemas stay inside the package: API reports cannot print their inferred types stably.
export { ADDON_SET_KINDS } from './schemas';
export type {
  AddonSetInput,
  IslandInput,
  TenantClusterInput,
  Zod,
} from './schemas';
export * from './objects';
export * from './tenant';
export * from './island';
export * from './addonSet';
export * from './renderKind';
