/*
 * TEST HELPER. The example fleet seeded into a local control plane (central, island-a,
 * island-b) and the kamaji plugin on the real fleet service watching it.
 */
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { LocalControlPlane, seedFleet } from '@internal/test-kube';
import { fleetServiceFactory } from '../../fleet/fleetServiceFactory';
import { kamajiPlugin } from '../../plugin';
import { CapturingLogger, JsonObject } from './startKamajiTestBackend';
import { TestPermissions } from './testPermissions';

/** Starts the plane, seeds it, and starts the backend; `kamaji` adds to the plugin's config. */
export async function startSeededFleetBackend(
  options: { kamaji?: JsonObject; logger?: CapturingLogger } = {},
) {
  const plane = await LocalControlPlane.start();
  const islands = ['island-a', 'island-b'];
  await seedFleet({
    clusters: {
      central: plane.kubeConfig('central'),
      'island-a': plane.kubeConfig('island-a'),
      'island-b': plane.kubeConfig('island-b'),
    },
    islandKubeconfigs: Object.fromEntries(
      islands.map(i => [i, plane.kubeConfigYaml(i)]),
    ),
  });
  const logger = options.logger ?? new CapturingLogger();
  const backend = await startTestBackend({
    features: [
      kamajiPlugin,
      fleetServiceFactory,
      new TestPermissions().factory(),
      createServiceFactory({
        service: coreServices.rootLogger,
        deps: {},
        factory: () => logger,
      }),
      mockServices.rootConfig.factory({
        data: {
          kamaji: {
            managementClusters: [
              {
                name: 'central',
                kubeconfig: {
                  path: plane.state.clusters.central.adminKubeconfig,
                },
              },
            ],
            api: { validateResponses: true },
            ...options.kamaji,
          },
        },
      }),
    ],
  });
  return { plane, backend, logger };
}
