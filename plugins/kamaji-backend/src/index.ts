/**
 * The Kamaji fleet backend: install with `backend.add(import('@kamaji-backstage/plugin-kamaji-backend'))`.
 * It brings the fleet service (one live model of the fleet, shared with the catalog, Kubernetes and
 * scaffolder modules through `fleetServiceRef` from `@kamaji-backstage/plugin-kamaji-node`) and the
 * `kamaji` plugin (REST API under /api/kamaji, live updates, day-2 actions), and the audit trail
 * service (`kamajiAuditServiceRef`) through which the scaffolder module records its creates.
 *
 * @packageDocumentation
 */
import { createBackendFeatureLoader } from '@backstage/backend-plugin-api';
import { kamajiAuditServiceFactory } from './database/auditServiceFactory';
import { fleetServiceFactory } from './fleet/fleetServiceFactory';
import { kamajiPlugin } from './plugin';

export { fleetServiceFactory, kamajiAuditServiceFactory, kamajiPlugin };

export default createBackendFeatureLoader({
  loader() {
    return [fleetServiceFactory, kamajiAuditServiceFactory, kamajiPlugin];
  },
});
