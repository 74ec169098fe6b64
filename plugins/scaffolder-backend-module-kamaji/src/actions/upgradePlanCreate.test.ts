/*
 * kamaji:upgradeplan:create against an HTTP server on loopback that plays the kamaji backend's
 * POST /v1/upgrade-plans the way the backend answers it: it reads the caller from the bearer
 * token, answers 403 (and creates nothing) for a user without kamaji.fleet.upgrade, 400 for a
 * bad body, else 201 with the plan. The route itself is tested in kamaji-backend.
 */
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { InputError, NotAllowedError } from '@backstage/errors';
import type { UpgradePlan } from '@kamaji-backstage/plugin-kamaji-common';
import { makeDeps } from '../__testUtils__/fakes';
import { createUpgradePlanCreateAction } from './upgradePlanCreate';

const PLATFORM = 'user:default/pat';
const RETAIL = 'user:default/alice';

let server: Server;
let baseUrl: string;
const created: Array<{ by: string; body: any }> = [];

function callerOf(req: IncomingMessage): string | undefined {
  for (const user of [PLATFORM, RETAIL]) {
    const token = mockCredentials.service.token({
      onBehalfOf: mockCredentials.user(user),
      targetPluginId: 'kamaji',
    });
    if (req.headers.authorization === `Bearer ${token}`) return user;
  }
  return undefined;
}

function planFor(body: any, by: string): UpgradePlan {
  return {
    id: '0b6c2a57-8d4e-4d55-9a59-3c1f7a0e6a11',
    status: body.dryRun === false ? 'running' : 'draft',
    version: body.version,
    request: body,
    createdBy: by,
    createdAt: '2026-12-04T18:00:00Z',
    updatedAt: '2026-12-04T18:00:00Z',
    revision: 1,
    waves: [
      {
        index: 0,
        name: 'canary',
        clusterIds: ['central/fleet-tenants/shop-1'],
      },
      {
        index: 1,
        name: 'central/fleet-islands/island-a',
        clusterIds: ['central/fleet-tenants/shop-2'],
      },
    ],
    steps: [
      { clusterId: 'central/fleet-tenants/shop-1', wave: 0, state: 'pending' },
      { clusterId: 'central/fleet-tenants/shop-2', wave: 1, state: 'pending' },
      {
        clusterId: 'central/fleet-tenants/shop-3',
        wave: -1,
        state: 'refused',
        message: 'v1.33.7 → v1.35.2 skips a minor release',
      },
    ],
  } as unknown as UpgradePlan;
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let text = '';
    req.on('data', c => (text += c));
    req.on('end', () => {
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const error = (status: number, name: string, message: string) =>
        send(status, {
          error: { name, message },
          response: { statusCode: status },
        });
      if (req.method !== 'POST' || req.url !== '/api/kamaji/v1/upgrade-plans')
        return error(404, 'NotFoundError', 'no such route');
      const caller = callerOf(req);
      if (!caller) return error(401, 'AuthenticationError', 'no credentials');
      if (caller !== PLATFORM)
        return error(
          403,
          'NotAllowedError',
          'You may not create upgrade plans (permission kamaji.fleet.upgrade)',
        );
      const body = JSON.parse(text);
      if (!/^v\d+\.\d+\.\d+$/.test(body.version))
        return error(400, 'InputError', 'version must look like v1.35.2');
      created.push({ by: caller, body });
      return send(201, planFor(body, caller));
    });
  });
  await new Promise<void>(done => server.listen(0, '127.0.0.1', done));
  baseUrl = `http://127.0.0.1:${
    (server.address() as AddressInfo).port
  }/api/kamaji`;
});

afterAll(async () => {
  await new Promise(done => server.close(done));
});

beforeEach(() => {
  created.length = 0;
});

async function run(user: string, input: unknown, isDryRun = false) {
  const deps = {
    ...makeDeps(),
    discovery: mockServices.discovery.mock({
      getBaseUrl: async () => baseUrl,
    }),
  };
  const logger = mockServices.logger.mock();
  const ctx = createMockActionContext({ input: input as any, logger });
  ctx.getInitiatorCredentials = async () => mockCredentials.user(user);
  if (isDryRun) ctx.isDryRun = true;
  await createUpgradePlanCreateAction(deps).handler(ctx);
  return { ctx, logger };
}

describe('kamaji:upgradeplan:create', () => {
  it('creates a draft plan as the user who runs the template, with its preview in the log', async () => {
    const { ctx, logger } = await run(PLATFORM, {
      version: '1.35.2',
      owner: 'team-retail',
      currentVersion: 'v1.34',
      canary: 1,
      maxConcurrent: 2,
    });
    expect(created).toEqual([
      {
        by: PLATFORM,
        body: {
          version: 'v1.35.2',
          selection: { owner: 'team-retail', version: 'v1.34' },
          waves: { canary: 1 },
          maxConcurrent: 2,
          dryRun: true,
        },
      },
    ]);
    expect(logger.warn).toHaveBeenCalledWith(
      "Note: version: '1.35.2' has no leading 'v': read as 'v1.35.2'",
    );
    expect(logger.info).toHaveBeenCalledWith(
      'Wave 1 (canary): central/fleet-tenants/shop-1',
    );
    expect(logger.warn).toHaveBeenCalledWith(
      'Refused: central/fleet-tenants/shop-3: v1.33.7 → v1.35.2 skips a minor release',
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'planId',
      '0b6c2a57-8d4e-4d55-9a59-3c1f7a0e6a11',
    );
    expect(ctx.output).toHaveBeenCalledWith('status', 'draft');
    expect(ctx.output).toHaveBeenCalledWith(
      'url',
      '/kamaji/upgrades?plan=0b6c2a57-8d4e-4d55-9a59-3c1f7a0e6a11',
    );
    expect(ctx.output).toHaveBeenCalledWith('clusters', 2);
    expect(ctx.output).toHaveBeenCalledWith('refused', 1);
  });

  it('starts the plan when asked', async () => {
    const { ctx } = await run(PLATFORM, { version: 'v1.35.2', start: true });
    expect(created[0].body.dryRun).toBe(false);
    expect(ctx.output).toHaveBeenCalledWith('status', 'running');
  });

  it('gives a user without kamaji.fleet.upgrade a clear error, and no plan', async () => {
    const e = await run(RETAIL, { version: 'v1.35.2' }).catch(x => x);
    expect(e).toBeInstanceOf(NotAllowedError);
    expect(e.message).toMatch(
      /^You are not allowed to create fleet upgrade plans: it needs the permission 'kamaji\.fleet\.upgrade'.*No plan was created/,
    );
    expect(created).toEqual([]);
  });

  it('refuses bad input naming the field before calling the backend', async () => {
    for (const [input, message] of [
      [
        { version: 'latest' },
        "- version: must be a Kubernetes version like 'v1.35.2'",
      ],
      [{ version: 'v1.35.0-rc.1' }, '- version: must be a Kubernetes version'],
      [{ version: 'v1.35.2', canary: 'one' }, '- canary: must be a number'],
      [{ version: 'v1.35.2', force: true }, '- force: is not a known field'],
      [{}, '- version: is required'],
    ] as const) {
      const e = await run(PLATFORM, input).catch(x => x);
      expect(e).toBeInstanceOf(InputError);
      expect(e.message).toContain(message);
    }
    expect(created).toEqual([]);
  });

  it('creates nothing in a dry run of the template', async () => {
    const { logger } = await run(PLATFORM, { version: 'v1.35.2' }, true);
    expect(created).toEqual([]);
    expect(logger.info).toHaveBeenCalledWith(
      'Dry run of the template: no plan was created',
    );
  });
});
