/**
 * Scaffolder actions for Cluster API + Kamaji island fleets: self-service edge tenant clusters,
 * islands and addon sets, rendered by pure functions that the actions, the GitOps render action,
 * the `kamaji-render` CLI and the tests share.
 *
 * @packageDocumentation
 */
export { scaffolderModuleKamaji as default } from './module';
export * from './render';
export * from './actions';
export { readScaffolderSettings } from './config';
export { KubeApiError, defaultObjectClientFactory } from './kube/ObjectClient';
export type {
  ObjectClient,
  ObjectClientFactory,
  ObjectRef,
  StoredObject,
} from './kube/ObjectClient';
export { ApplyPlan, KamajiApplyError, applyOrder } from './kube/ApplyPlan';
export type { ObjectOutcome, ObjectResult } from './kube/ApplyPlan';
