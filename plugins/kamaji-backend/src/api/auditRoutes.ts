import {
  BackstageCredentials,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  kamajiAuditReadPermission,
  kamajiClusterReadPermission,
} from '@kamaji-backstage/plugin-kamaji-common';
import { FleetService } from '@kamaji-backstage/plugin-kamaji-node';
import express from 'express';
import Router from 'express-promise-router';
import { AuditStore, AuditStoreQuery } from '../database/AuditStore';
import { FleetAuthorizer } from '../permissions';
import { actorOf, callerCredentials } from './actor';
import { auditQuerySchema, parseQuery } from './inputs';
import { ConditionalView, SnapshotSource } from './visibility';

export interface AuditRouteOptions {
  httpAuth: HttpAuthService;
  authorizer: FleetAuthorizer;
  fleet: FleetService;
  auditStore: AuditStore;
}

/**
 * `GET /v1/audit`: the audit trail, newest first, filtered and paged.
 * - `kamaji.audit.read` (the platform team): every record.
 * - otherwise `kamaji.cluster.read`: the records of the clusters the caller may read, as the fleet
 *   API shows them (so a team sees its tenants and the islands that host them), plus the caller's
 *   own attempts. Filters, pages and totals only ever count those records.
 * - neither: 403.
 */
export function createAuditRoutes(options: AuditRouteOptions): express.Router {
  const { httpAuth, authorizer, fleet, auditStore } = options;
  const router = Router();

  async function visibleTo(
    credentials: BackstageCredentials,
  ): Promise<AuditStoreQuery['visibleTo']> {
    if (await authorizer.allows(kamajiAuditReadPermission, credentials)) {
      return undefined;
    }
    const scope = await authorizer.readScope(credentials);
    if (scope.kind === 'none') {
      throw new NotAllowedError(
        `You may not read the audit trail: it needs ${kamajiAuditReadPermission.name}, or ${kamajiClusterReadPermission.name} for the records of your clusters`,
      );
    }
    const snapshot = fleet.getSnapshot();
    let targets: string[];
    if (scope.kind === 'all') {
      targets = [
        ...snapshot.managementClusters,
        ...snapshot.islands,
        ...snapshot.tenants,
      ].map(c => c.id);
    } else {
      const source = SnapshotSource.of(snapshot);
      const visible = new ConditionalView(scope.predicate)
        .load(source)
        .snapshot(source);
      targets = [
        ...visible.managementClusters,
        ...visible.islands,
        ...visible.tenants,
      ].map(c => c.id);
    }
    return { targets, actor: actorOf(credentials).actor };
  }

  router.get('/v1/audit', async (req, res) => {
    const credentials = await callerCredentials(httpAuth, req);
    const query = parseQuery(auditQuerySchema, req);
    const { items, total } = await auditStore.list({
      ...query,
      visibleTo: await visibleTo(credentials),
    });
    res.setHeader('Cache-Control', 'private, no-cache');
    res.json({
      items,
      page: { total, offset: query.offset, limit: query.limit },
    });
  });

  return router;
}
