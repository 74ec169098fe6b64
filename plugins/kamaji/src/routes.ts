import { createRouteRef } from '@backstage/core-plugin-api';

/** The fleet topology page. @public */
export const rootRouteRef = createRouteRef({ id: 'kamaji' });
