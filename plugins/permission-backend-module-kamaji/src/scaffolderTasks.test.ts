/*
 * The example policy with the real scaffolder backend: a scaffolder task's parameters name the
 * cluster it creates (owner, island, version), so a user of another team must neither list, read
 * nor cancel it. The scaffolder applies task conditions itself; the permissions service here
 * answers with the policy, as the permission backend would.
 */
import {
  BackstageCredentials,
  coreServices,
  createServiceFactory,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AuthorizeResult,
  Permission,
} from '@backstage/plugin-permission-common';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import request from 'supertest';
import { KamajiPermissionPolicy } from './KamajiPermissionPolicy';

jest.setTimeout(60_000);

const GROUPS: Record<string, string[]> = {
  'user:default/pat': ['group:default/platform-team'],
  'user:default/alice': ['group:default/team-retail'],
  'user:default/bob': ['group:default/team-factory'],
};

const policy = KamajiPermissionPolicy.fromConfig(
  new ConfigReader({
    permissionPolicy: { platformGroups: ['group:default/platform-team'] },
  }),
);

async function decide(
  requests: Array<{ permission: Permission }>,
  credentials: BackstageCredentials,
) {
  const principal = credentials.principal as any;
  if (principal.type !== 'user') {
    const result =
      principal.type === 'service'
        ? AuthorizeResult.ALLOW
        : AuthorizeResult.DENY;
    return requests.map(() => ({ result }));
  }
  const userEntityRef: string = principal.userEntityRef;
  const user = {
    credentials,
    info: {
      userEntityRef,
      ownershipEntityRefs: [userEntityRef, ...(GROUPS[userEntityRef] ?? [])],
    },
  } as any;
  return Promise.all(
    requests.map(r => policy.handle({ permission: r.permission }, user)),
  );
}

const policyPermissions = createServiceFactory({
  service: coreServices.permissions,
  deps: {},
  factory: (): PermissionsService => ({
    authorizeConditional: async (requests, { credentials }) =>
      (await decide(requests, credentials)) as any,
    authorize: async (requests, { credentials }) =>
      (await decide(requests, credentials)).map(decision => {
        if (decision.result === AuthorizeResult.CONDITIONAL) {
          throw new Error('a conditional decision for authorize()');
        }
        return decision;
      }) as any,
  }),
});

const template = {
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: { name: 'factory-line', namespace: 'default' },
  spec: {
    type: 'service',
    parameters: [
      {
        properties: {
          name: { type: 'string' },
          island: { type: 'string' },
        },
      },
    ],
    steps: [],
  },
};

const as = (user: string) => ({
  Authorization: mockCredentials.user.header(user),
});

describe('scaffolder tasks under the example policy', () => {
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let taskId: string;

  beforeAll(async () => {
    backend = await startTestBackend({
      features: [
        scaffolderPlugin,
        policyPermissions,
        catalogServiceMock.factory({ entities: [template] }),
        mockServices.rootConfig.factory({
          data: { permission: { enabled: true } },
        }),
      ],
    });
    const created = await request(backend.server)
      .post('/api/scaffolder/v2/tasks')
      .set(as('user:default/bob'))
      .send({
        templateRef: 'template:default/factory-line',
        values: { name: 'factory-0042', island: 'island-b' },
      });
    if (created.status !== 201) {
      throw new Error(
        `could not start a task: ${created.status} ${created.text}`,
      );
    }
    taskId = created.body.id;
  });

  afterAll(async () => {
    await backend?.stop();
  });

  const listedTo = async (user: string) => {
    const listed = await request(backend.server)
      .get('/api/scaffolder/v2/tasks')
      .set(as(user));
    expect(listed.status).toBe(200);
    return listed.body.tasks.map((t: { id: string }) => t.id);
  };

  it('lists and shows a task to the user who started it and to the platform team', async () => {
    for (const user of ['user:default/bob', 'user:default/pat']) {
      expect(await listedTo(user)).toContain(taskId);
      const shown = await request(backend.server)
        .get(`/api/scaffolder/v2/tasks/${taskId}`)
        .set(as(user));
      expect(shown.status).toBe(200);
      expect(shown.body.spec.parameters).toMatchObject({
        name: 'factory-0042',
      });
    }
  });

  it("neither lists nor shows it to another team's user, nor lets them cancel it", async () => {
    expect(await listedTo('user:default/alice')).not.toContain(taskId);
    const shown = await request(backend.server)
      .get(`/api/scaffolder/v2/tasks/${taskId}`)
      .set(as('user:default/alice'));
    expect(shown.status).toBe(403);
    expect(shown.text).not.toContain('factory-0042');
    const cancelled = await request(backend.server)
      .post(`/api/scaffolder/v2/tasks/${taskId}/cancel`)
      .set(as('user:default/alice'));
    expect(cancelled.status).toBe(403);
  });
});
