import { KamajiActionDeps } from './common';
import { createTenantCreateAction } from './tenantCreate';
import { createIslandCreateAction } from './islandCreate';
import { createAddonSetCreateAction } from './addonSetCreate';
import { createManifestsRenderAction } from './manifestsRender';
import { createClusterWaitAction } from './clusterWait';
import { createUpgradePlanCreateAction } from './upgradePlanCreate';

export type { KamajiActionDeps } from './common';
export { createTenantCreateAction } from './tenantCreate';
export { createIslandCreateAction } from './islandCreate';
export { createAddonSetCreateAction } from './addonSetCreate';
export { createManifestsRenderAction } from './manifestsRender';
export { createClusterWaitAction } from './clusterWait';
export { createUpgradePlanCreateAction } from './upgradePlanCreate';

/**
 * Every Kamaji scaffolder action.
 *
 * @public
 */
export function createKamajiActions(deps: KamajiActionDeps) {
  return [
    createTenantCreateAction(deps),
    createIslandCreateAction(deps),
    createAddonSetCreateAction(deps),
    createManifestsRenderAction(deps),
    createClusterWaitAction(deps),
    createUpgradePlanCreateAction(deps),
  ];
}
