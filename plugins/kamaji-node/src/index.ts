/**
 * Node library of the Kamaji fleet plugins.
 *
 * @packageDocumentation
 */
export * from './FleetService';
export * from './audit';
export * from './permissions';
export * from './kube/KubeJsonApi';
