import { createServiceFactory } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import {
  fleetServiceRef,
  kamajiAuditServiceRef,
} from '@kamaji-backstage/plugin-kamaji-node';
import { fakeFleet, RecordingAudit } from './__testUtils__/fakes';
import scaffolderModuleKamaji from '.';

describe('scaffolderModuleKamaji', () => {
  it('registers the five Kamaji actions with the scaffolder', async () => {
    const addActions = jest.fn();
    await startTestBackend({
      extensionPoints: [[scaffolderActionsExtensionPoint, { addActions }]],
      features: [
        scaffolderModuleKamaji,
        catalogServiceMock.factory(),
        mockServices.rootConfig.factory({
          data: {
            kamaji: {
              scaffolder: { fleetAdminGroups: ['group:default/platform-team'] },
            },
          },
        }),
        createServiceFactory({
          service: fleetServiceRef,
          deps: {},
          factory: () => fakeFleet(),
        }),
        createServiceFactory({
          service: kamajiAuditServiceRef,
          deps: {},
          factory: () => new RecordingAudit(),
        }),
      ],
    });
    expect(addActions.mock.calls.flat().map((a: any) => a.id)).toEqual([
      'kamaji:tenant:create',
      'kamaji:island:create',
      'kamaji:addonset:create',
      'kamaji:manifests:render',
      'kamaji:cluster:wait',
    ]);
    for (const action of addActions.mock.calls.flat()) {
      expect(action.description).toBeTruthy();
      expect(action.examples.length).toBeGreaterThan(0);
      expect(action.schema.input.type).toBe('object');
      expect(action.supportsDryRun).toBe(true);
    }
  });
});
