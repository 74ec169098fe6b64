import { createRouteRef, createSubRouteRef } from '@backstage/core-plugin-api';

/** The fleet topology page. @public */
export const rootRouteRef = createRouteRef({ id: 'kamaji' });

/** The fleet upgrade plans, beside the topology: `/kamaji/upgrades`. @public */
export const upgradesRouteRef = createSubRouteRef({
  id: 'kamaji-upgrades',
  parent: rootRouteRef,
  path: '/upgrades',
});

/** The fleet-wide audit trail, beside the topology: `/kamaji/audit`. @public */
export const auditRouteRef = createSubRouteRef({
  id: 'kamaji-audit',
  parent: rootRouteRef,
  path: '/audit',
});
