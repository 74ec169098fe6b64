import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import request from 'supertest';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import {
  fleetServiceRef,
  kamajiAuditServiceRef,
} from '@kamaji-backstage/plugin-kamaji-node';
import { fakeFleet, RecordingAudit } from './__testUtils__/fakes';
import scaffolderModuleKamaji from '.';

describe('scaffolderModuleKamaji', () => {
  const start = (addActions = jest.fn()) =>
    startTestBackend({
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

  it('registers the six Kamaji actions with the scaffolder', async () => {
    const addActions = jest.fn();
    await start(addActions);
    expect(addActions.mock.calls.flat().map((a: any) => a.id)).toEqual([
      'kamaji:tenant:create',
      'kamaji:island:create',
      'kamaji:addonset:create',
      'kamaji:manifests:render',
      'kamaji:cluster:wait',
      'kamaji:upgradeplan:create',
    ]);
    for (const action of addActions.mock.calls.flat()) {
      expect(action.description).toBeTruthy();
      expect(action.examples.length).toBeGreaterThan(0);
      expect(action.schema.input.type).toBe('object');
      expect(action.supportsDryRun).toBe(true);
    }
  });

  it('serves the create preview under the scaffolder, to signed-in users only', async () => {
    const backend = await start();
    const path = '/api/scaffolder/kamaji/v1/create-preview';
    const invalid = await request(backend.server)
      .post(path)
      .set('Authorization', mockCredentials.user.invalidHeader())
      .send({ kind: 'tenant', input: {} });
    expect(invalid.status).toBe(401);
    const unknown = await request(backend.server)
      .post(path)
      .set('Authorization', mockCredentials.user.header('user:default/alice'))
      .send({ kind: 'secret', input: {} });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(/^kind must be one of tenant/);
    await backend.stop();
  });
});
