/**
 * Node library of the Kamaji fleet plugins.
 *
 * @packageDocumentation
 */
export * from './FleetService';
export * from './audit';
export * from './permissions';
export * from './kube/KubeClient';
export {
  KubeApiError,
  SafeError,
  describeError,
  type KubeApiErrorKind,
  type KubeStatusCause,
  type KubeStatusDetails,
} from './kube/errors';
