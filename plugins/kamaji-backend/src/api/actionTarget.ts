import {
  BackstageCredentials,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import { ResourcePermission } from '@backstage/plugin-permission-common';
import {
  clusterId,
  FleetCluster,
} from '@kamaji-backstage/plugin-kamaji-common';
import { FleetService } from '@kamaji-backstage/plugin-kamaji-node';
import express from 'express';
import { DeclaredCluster } from '../actions/ClusterActions';
import { FleetAuthorizer } from '../permissions';
import { callerCredentials } from './actor';
import { clusterPathSchema, parseInput } from './inputs';
import { ConditionalView, ReadScope, SnapshotSource } from './visibility';

/**
 * One cluster as the caller may see it, or undefined (unknown and invisible look the same).
 */
export function visibleCluster(
  scope: ReadScope,
  id: string,
  fleet: FleetService,
): FleetCluster | undefined {
  if (scope.kind === 'none') return undefined;
  if (scope.kind === 'all') return fleet.getCluster(id);
  const direct = fleet.getCluster(id);
  if (!direct) return undefined;
  // A tenant is visible exactly when the decision accepts it: no need to look at the fleet.
  if (direct.role === 'tenant') {
    return scope.predicate(direct) ? direct : undefined;
  }
  const source = SnapshotSource.of(fleet.getSnapshot());
  return new ConditionalView(scope.predicate).load(source).cluster(id, source);
}

/** Whether a scope lets the caller at this cluster. */
export function scopeAllows(scope: ReadScope, cluster: FleetCluster): boolean {
  return (
    scope.kind === 'all' ||
    (scope.kind === 'conditional' && scope.predicate(cluster))
  );
}

/** What a route needs to find the cluster its path names as the caller sees it. */
export interface ClusterLookup {
  fleet: FleetService;
  authorizer: FleetAuthorizer;
  httpAuth: HttpAuthService;
}

/**
 * The caller of a `/:managementCluster/:namespace/:name` route and the cluster the path names,
 * as the caller's read scope shows it (undefined: unknown or invisible), with that scope.
 */
export async function clusterAtPath(
  { fleet, authorizer, httpAuth }: ClusterLookup,
  req: express.Request,
): Promise<{
  credentials: BackstageCredentials;
  id: string;
  scope: ReadScope;
  cluster?: FleetCluster;
}> {
  const credentials = await callerCredentials(httpAuth, req);
  const id = clusterId(parseInput(clusterPathSchema, req.params, 'path'));
  const scope = await authorizer.readScope(credentials);
  return { credentials, id, scope, cluster: visibleCluster(scope, id, fleet) };
}

/**
 * The caller of a day-2 route (or its preview) and the declared cluster its path names: 404 when
 * the caller may not see it or it is no declared cluster. The model's node itself, not a
 * projection.
 */
export async function actionTarget(
  services: ClusterLookup,
  req: express.Request,
): Promise<{
  credentials: BackstageCredentials;
  id: string;
  target: DeclaredCluster;
}> {
  const { credentials, id, cluster } = await clusterAtPath(services, req);
  if (!cluster || cluster.role === 'management' || !cluster.namespace) {
    throw new NotFoundError(`No cluster with id ${id}`);
  }
  const target = (services.fleet.getCluster(id) ?? cluster) as DeclaredCluster;
  return { credentials, id, target };
}

/** Whether the action's permission allows it on this cluster. */
export async function mayAct(
  authorizer: FleetAuthorizer,
  permission: ResourcePermission<'kamaji-cluster'>,
  credentials: BackstageCredentials,
  target: FleetCluster,
): Promise<boolean> {
  return scopeAllows(await authorizer.scope(permission, credentials), target);
}
