import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { fleetServiceRef } from '@kamaji-backstage/plugin-kamaji-node';
import { readFleetConfig } from './config';
import { KubeFleetService } from './KubeFleetService';

/**
 * Installs the fleet service (root scope: one model per backend). Reads and validates
 * `kamaji.managementClusters` (an invalid configuration fails start-up with the key named),
 * starts watching at once, and stops the watches on shutdown.
 *
 * @public
 */
export const fleetServiceFactory = createServiceFactory({
  service: fleetServiceRef,
  deps: {
    config: coreServices.rootConfig,
    logger: coreServices.rootLogger,
    lifecycle: coreServices.rootLifecycle,
  },
  async factory({ config, logger, lifecycle }) {
    const fleetLogger = logger.child({ service: 'kamaji-fleet' });
    const service = new KubeFleetService(readFleetConfig(config), fleetLogger);
    service.start();
    lifecycle.addShutdownHook(() => service.stop());
    return service;
  },
});
