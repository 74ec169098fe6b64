export * from './validation';
export * from './settings';
export * from './schemas';
export * from './objects';
export * from './tenant';
export * from './island';
export * from './addonSet';
export * from './renderKind';
