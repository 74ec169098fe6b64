import { HttpAuthService } from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { ResourcePermission } from '@backstage/plugin-permission-common';
import {
  kamajiClusterDeletePermission,
  kamajiClusterScalePermission,
  kamajiClusterUpgradePermission,
} from '@kamaji-backstage/plugin-kamaji-common';
import { FleetService } from '@kamaji-backstage/plugin-kamaji-node';
import express from 'express';
import Router from 'express-promise-router';
import { ClusterActions, DeclaredCluster } from '../actions/ClusterActions';
import { FleetAuthorizer } from '../permissions';
import { actionTarget, mayAct } from './actionTarget';
import { parseInput, scaleBodySchema, upgradeBodySchema } from './inputs';

export interface PreviewRouteOptions {
  fleet: FleetService;
  httpAuth: HttpAuthService;
  authorizer: FleetAuthorizer;
  actions: ClusterActions;
}

const CLUSTER = '/v1/clusters/:managementCluster/:namespace/:name';

/**
 * `POST …/{upgrade,scale,delete}/preview`: the day-2 actions run with every write a
 * server-side dry run (`dryRun=All`), behind the action's own permission. Nothing changes, so
 * nothing is audited; a write the API server refuses answers with the server's words.
 */
export function createPreviewRoutes(
  options: PreviewRouteOptions,
): express.Router {
  const { authorizer, actions } = options;
  const router = Router();

  async function preview<T>(
    req: express.Request,
    action: string,
    permission: ResourcePermission<'kamaji-cluster'>,
    run: (cluster: DeclaredCluster) => Promise<T>,
  ): Promise<T> {
    const { credentials, id, target } = await actionTarget(options, req);
    if (!(await mayAct(authorizer, permission, credentials, target))) {
      throw new NotAllowedError(
        `You may not ${action} cluster ${id} (permission ${permission.name}), so you may not preview it either`,
      );
    }
    return run(target);
  }

  router.post(`${CLUSTER}/upgrade/preview`, async (req, res) => {
    const body = parseInput(upgradeBodySchema, req.body, 'body');
    res.json(
      await preview(req, 'upgrade', kamajiClusterUpgradePermission, c =>
        actions.previewUpgrade(c, body),
      ),
    );
  });

  router.post(`${CLUSTER}/scale/preview`, async (req, res) => {
    const body = parseInput(scaleBodySchema, req.body, 'body');
    res.json(
      await preview(req, 'scale', kamajiClusterScalePermission, c =>
        actions.previewScale(c, body),
      ),
    );
  });

  router.post(`${CLUSTER}/delete/preview`, async (req, res) => {
    res.json(
      await preview(req, 'delete', kamajiClusterDeletePermission, c =>
        actions.previewDelete(c),
      ),
    );
  });

  return router;
}
