/**
 * Node library of the Kamaji fleet plugins.
 *
 * @packageDocumentation
 */
export * from './FleetService';
export * from './permissions';
export * from './kube/KubeJsonApi';
