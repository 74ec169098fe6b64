/*
 * Records what the real kamaji backend answers for the example fleet, as JSON fixtures for the
 * frontend's component tests (src/__fixtures__/recorded/). It starts the local control plane
 * (central + island-a + island-b, real kube-apiservers), seeds the example fleet (examples/fleet),
 * starts the kamaji backend plugin with its real fleet service on it, and writes:
 *
 *   fleet.json                          GET /v1/fleet
 *   island-a.json                       GET /v1/islands/central/<ns>/island-a
 *   cluster.json                        GET /v1/clusters/by-id?id=<a tenant on island-a>
 *   forbidden.json                      GET /v1/fleet answered 403 (kamaji.cluster.read denied)
 *   fleet-island-a-disconnected.json    GET /v1/fleet after island-a's API server was killed
 *   island-a-uplink.json                GET /v1/islands/central/<ns>/island-a/uplink once island-a
 *                                       is back (its outage in the uplink history)
 *   uplink-ranking.json                 GET /v1/uplink?window=24h
 *   upgrade-plan-draft.json             POST /v1/upgrade-plans (a draft plan with its preview)
 *   upgrade-plans.json                  GET /v1/upgrade-plans
 *   upgrade-plan-running.json           GET /v1/upgrade-plans/{id} once started: the canary patched,
 *                                       waiting at its health gate (no Kamaji controller runs here)
 *   preview-upgrade.json                POST …/upgrade/preview of the first Ready tenant with worker
 *                                       pools in fleet.json (next minor, with workers)
 *   preview-scale.json                  POST …/scale/preview of its first worker pool (one more replica)
 *   preview-scale-refused.json          the same to 9 replicas, refused by a ValidatingAdmissionPolicy
 *   preview-delete.json                 POST …/delete/preview of that tenant
 *   placement.json                      GET /v1/placement?version=v1.35.0 (islandCapacity 8)
 *   audit.json                          GET /v1/audit as the platform team, after the plan above, a scale,
 *                                       and a team user's denied delete
 *   audit-team.json                     GET /v1/audit as that team user (team-retail): its clusters only
 *   audit-cluster.json                  GET /v1/audit?cluster=<berlin-pos> as that team user
 *
 * Run from the repo root:
 *   node --require ./node_modules/@backstage/cli/config/nodeTransform.cjs scripts/record-kamaji-fixtures.ts
 *
 * It lives outside plugins/kamaji because it runs backend code, which the frontend package must not depend on.
 */
import type { AddressInfo } from 'node:net';
import {
  coreServices,
  createServiceFactory,
  type PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  AuthorizeResult,
  isResourcePermission,
  type Permission,
} from '@backstage/plugin-permission-common';
import {
  denyWithAdmissionPolicy,
  LocalControlPlane,
  seedFleet,
} from '@internal/test-kube';
import {
  fleetServiceFactory,
  kamajiPlugin,
} from '@kamaji-backstage/plugin-kamaji-backend';
import type {
  FleetSnapshot,
  IslandNode,
  TenantNode,
} from '@kamaji-backstage/plugin-kamaji-common';
import {
  createKamajiClusterConditionalDecision,
  kamajiClusterConditions,
} from '@kamaji-backstage/plugin-kamaji-node';
import { writeRecordedFixture } from './recordedFixtures';

const ISLANDS = ['island-a', 'island-b'];
const USER = 'user:default/platform-admin';
/** A team-retail user: reads its team's clusters, may not delete them or read the whole trail. */
const TEAM_USER = 'user:default/retail-dev';
const TEAM_GROUP = 'group:default/team-retail';
/** How long the backend may take to see the whole fleet, or a killed island. */
const WAIT_MS = 90_000;

const log = (s: string) => process.stdout.write(`record-fixtures: ${s}\n`);

/**
 * Allows everything, or (while `deny` is set) denies everything: the 403 to record. TEAM_USER is
 * answered as the example policy answers an application team: its clusters only.
 */
function switchablePermissions() {
  const state = { deny: false };
  const decide = (permission: Permission, options?: { credentials?: any }) => {
    if (state.deny) return { result: AuthorizeResult.DENY };
    if (options?.credentials?.principal?.userEntityRef !== TEAM_USER)
      return { result: AuthorizeResult.ALLOW };
    if (
      isResourcePermission(permission, 'kamaji-cluster') &&
      permission.name !== 'kamaji.cluster.delete'
    ) {
      return createKamajiClusterConditionalDecision(
        permission,
        kamajiClusterConditions.isOwnedBy({
          ownershipEntityRefs: [TEAM_USER, TEAM_GROUP],
        }),
      );
    }
    return { result: AuthorizeResult.DENY };
  };
  const service: PermissionsService = {
    async authorize(requests, options) {
      return requests.map(r => decide(r.permission, options) as any);
    },
    async authorizeConditional(requests, options) {
      return requests.map(r => decide(r.permission, options)) as any;
    },
  };
  const factory = createServiceFactory({
    service: coreServices.permissions,
    deps: {},
    factory: () => service,
  });
  return { state, factory };
}

/** A logger that keeps quiet unless asked (KAMAJI_RECORD_LOGS=1). */
const quietLogger = createServiceFactory({
  service: coreServices.rootLogger,
  deps: {},
  factory: () => {
    const make = (): any => {
      const out = (level: string) => (message: string) => {
        if (process.env.KAMAJI_RECORD_LOGS || level === 'error')
          process.stderr.write(`${level} ${message}\n`);
      };
      return {
        error: out('error'),
        warn: out('warn'),
        info: out('info'),
        debug: out('debug'),
        child: () => make(),
      };
    };
    return make();
  },
});

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 500));
  }
}

async function write(name: string, body: unknown) {
  log(`wrote ${await writeRecordedFixture(name, body)}`);
}

type TestBackend = Awaited<ReturnType<typeof startTestBackend>>;

/**
 * What the recording steps share: the backend's port, the control plane under it, the switch that
 * denies every permission, and when the recording started (where island-a's uplink history begins).
 */
type Recording = {
  port: number;
  plane: LocalControlPlane;
  permissions: { deny: boolean };
  startedAt: Date;
};

/** A GET to the kamaji backend as the recording user. */
const get = (port: number, path: string) => callApi(port, USER, 'GET', path);

async function fleetSnapshot(port: number): Promise<FleetSnapshot> {
  const res = await get(port, '/v1/fleet');
  if (res.status !== 200)
    throw new Error(`GET /v1/fleet: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

const islandA = (f: FleetSnapshot): IslandNode | undefined =>
  f.islands.find(i => i.name === 'island-a');

async function main() {
  const startedAt = new Date();
  log('starting the local control plane (central, island-a, island-b)');
  const plane = await LocalControlPlane.start();
  let backend: TestBackend | undefined;
  try {
    const seeded = await seedFleet({
      clusters: {
        central: plane.kubeConfig('central'),
        'island-a': plane.kubeConfig('island-a'),
        'island-b': plane.kubeConfig('island-b'),
      },
      islandKubeconfigs: Object.fromEntries(
        ISLANDS.map(i => [i, plane.kubeConfigYaml(i)]),
      ),
    });
    log(
      `seeded the example fleet in ${seeded.durationMs} ms: ${
        Object.keys(seeded.tenantControlPlanes).length
      } tenant control planes`,
    );

    const permissions = switchablePermissions();
    backend = await startKamajiBackend(plane, permissions.factory);
    const { port } = backend.server.address() as AddressInfo;
    await recordAll({
      port,
      plane,
      permissions: permissions.state,
      startedAt,
    });
  } finally {
    await backend?.stop();
    await plane.stop();
  }
}

/** The kamaji backend plugin with its real fleet service on the control plane's central cluster. */
function startKamajiBackend(
  plane: LocalControlPlane,
  permissions: ReturnType<typeof switchablePermissions>['factory'],
): Promise<TestBackend> {
  return startTestBackend({
    features: [
      kamajiPlugin,
      fleetServiceFactory,
      permissions,
      quietLogger,
      // the real scheduler (the test backend's mock runs no task on its own): the upgrade runner ticks
      schedulerServiceFactory,
      mockServices.rootConfig.factory({
        data: {
          kamaji: {
            managementClusters: [
              {
                name: 'central',
                title: 'Central (cloud)',
                kubeconfig: {
                  path: plane.state.clusters.central.adminKubeconfig,
                },
              },
            ],
            // notice a dead island quickly
            fleet: { probeInterval: '1s', debounce: '50ms' },
            // the recording switches every permission off mid-run: no decision may be reused
            api: { validateResponses: true, readPermissionCacheSeconds: 0 },
            placement: { islandCapacity: 8 },
          },
        },
      }),
    ],
  });
}

async function recordAll(rec: Recording) {
  const loaded = await recordLoadedFleet(rec.port);
  const a = islandA(loaded)!;
  await recordIslandAndCluster(rec.port, loaded, a);
  await recordForbidden(rec);
  await recordPreviews(rec.port, rec.plane, readyTenantWithWorkerPools(loaded));
  await recordPlacement(rec.port);
  await recordUpgradePlans(rec.port);
  await recordAudit(rec.port);
  await recordIslandADisconnected(rec);
  await recordIslandAUplink(rec, a);
}

/** The fleet once every island is connected and hosts tenants. */
async function recordLoadedFleet(port: number): Promise<FleetSnapshot> {
  const loaded = await until('the example fleet to load', async () => {
    const f = await fleetSnapshot(port);
    const hosts = new Set(f.tenants.map(t => t.islandId).filter(Boolean));
    const connected = f.islands.every(i => i.connection.status === 'connected');
    return hosts.size >= ISLANDS.length && connected ? f : undefined;
  });
  await write('fleet.json', loaded);
  return loaded;
}

/** island-a, and the first tenant it hosts. */
async function recordIslandAndCluster(
  port: number,
  loaded: FleetSnapshot,
  a: IslandNode,
) {
  const island = await get(
    port,
    `/v1/islands/${a.managementCluster}/${a.namespace}/${a.name}`,
  );
  if (island.status !== 200) throw new Error(`island: ${island.status}`);
  await write('island-a.json', island.body);

  const tenant = loaded.tenants.find(t => t.islandId === a.id)!;
  const cluster = await get(
    port,
    `/v1/clusters/by-id?id=${encodeURIComponent(tenant.id)}`,
  );
  if (cluster.status !== 200) throw new Error(`cluster: ${cluster.status}`);
  await write('cluster.json', cluster.body);
}

async function recordForbidden({ port, permissions }: Recording) {
  permissions.deny = true;
  const forbidden = await get(port, '/v1/fleet');
  permissions.deny = false;
  if (forbidden.status !== 403)
    throw new Error(
      `expected 403 with every permission denied, got ${forbidden.status}`,
    );
  await write('forbidden.json', forbidden.body);
}

function readyTenantWithWorkerPools(loaded: FleetSnapshot): TenantNode {
  const steady = loaded.tenants.find(
    t =>
      t.managed &&
      t.controlPlane.tenantControlPlane?.status === 'Ready' &&
      t.workerPools.length > 0,
  );
  if (!steady) throw new Error('no Ready tenant with worker pools to preview');
  return steady;
}

async function recordPlacement(port: number) {
  const placement = await get(port, '/v1/placement?version=v1.35.0');
  if (placement.status !== 200)
    throw new Error(`placement: ${placement.status}`);
  await write('placement.json', placement.body);
}

async function recordIslandADisconnected({ port, plane }: Recording) {
  log('killing island-a');
  await plane.stopCluster('island-a', 'kill');
  const disconnected = await until('island-a to be disconnected', async () => {
    const f = await fleetSnapshot(port);
    const i = islandA(f);
    const tenantsStale = f.tenants
      .filter(t => t.islandId === i?.id)
      .every(t => t.staleness.stale);
    return i?.connection.status === 'disconnected' && tenantsStale
      ? f
      : undefined;
  });
  await write('fleet-island-a-disconnected.json', disconnected);
}

/** Restarts island-a; its uplink history then holds the outage. */
async function recordIslandAUplink(
  { port, plane, startedAt }: Recording,
  a: IslandNode,
) {
  log('restarting island-a');
  await plane.startCluster('island-a');
  await until('island-a to be connected again', async () => {
    const i = islandA(await fleetSnapshot(port));
    return i?.connection.status === 'connected' ? i : undefined;
  });
  // The uplink history (the plugin's database): island-a's outage, then the ranking.
  const uplinkPath = `/v1/islands/${a.id}/uplink?from=${encodeURIComponent(
    startedAt.toISOString(),
  )}`;
  const uplink = await until('island-a uplink history', async () => {
    const res = await get(port, uplinkPath);
    const statuses = (res.body.segments ?? []).map((x: any) => x.status);
    return res.status === 200 &&
      statuses.includes('disconnected') &&
      statuses[statuses.length - 1] === 'connected'
      ? res
      : undefined;
  });
  await write('island-a-uplink.json', uplink.body);
  const ranking = await get(port, '/v1/uplink?window=24h');
  if (ranking.status !== 200) throw new Error(`uplink: ${ranking.status}`);
  await write('uplink-ranking.json', ranking.body);
}

/** One request to the backend's kamaji API as `user`. */
async function callApi(
  port: number,
  user: string,
  method: string,
  path: string,
  body?: object,
) {
  const res = await fetch(`http://127.0.0.1:${port}/api/kamaji${path}`, {
    method,
    headers: {
      Authorization: mockCredentials.user.header(user),
      ...(body ? { 'Content-Type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: await res.json() };
}

/** A POST to the kamaji backend as the recording user. */
const post = (port: number, path: string, body?: object) =>
  callApi(port, USER, 'POST', path, body);

/** The dry-run previews of the day-2 actions on a tenant, and one the API server refuses. */
async function recordPreviews(
  port: number,
  plane: LocalControlPlane,
  tenant: TenantNode,
) {
  const base = `/v1/clusters/central/${tenant.namespace}/${tenant.name}`;
  const expect = async (
    name: string,
    status: number,
    answer: Promise<{ status: number; body: unknown }>,
  ) => {
    const res = await answer;
    if (res.status !== status) {
      throw new Error(`${name}: ${res.status} ${JSON.stringify(res.body)}`);
    }
    await write(name, res.body);
  };
  const [major, minor] = (tenant.versions.declared ?? 'v1.34.0')
    .slice(1)
    .split('.')
    .map(Number);
  await expect(
    'preview-upgrade.json',
    200,
    post(port, `${base}/upgrade/preview`, {
      version: `v${major}.${minor + 1}.0`,
      workers: true,
    }),
  );
  const pool = tenant.workerPools[0];
  await expect(
    'preview-scale.json',
    200,
    post(port, `${base}/scale/preview`, {
      pool: pool.name,
      replicas: pool.replicas.desired + 1,
    }),
  );
  await denyLargePools(plane);
  await until('the admission policy to refuse', async () => {
    const res = await post(port, `${base}/scale/preview`, {
      pool: pool.name,
      replicas: 9,
    });
    return res.status === 400 ? res : undefined;
  });
  await expect(
    'preview-scale-refused.json',
    400,
    post(port, `${base}/scale/preview`, { pool: pool.name, replicas: 9 }),
  );
  await expect(
    'preview-delete.json',
    200,
    post(port, `${base}/delete/preview`),
  );
}

/** A ValidatingAdmissionPolicy on central: worker pools above 5 replicas are refused. */
function denyLargePools(plane: LocalControlPlane) {
  return denyWithAdmissionPolicy(plane.kubeConfig('central'), {
    name: 'edge-capacity',
    group: 'cluster.x-k8s.io',
    resource: 'machinedeployments',
    operation: 'UPDATE',
    expression: 'object.spec.replicas <= 5',
    message:
      'worker pools above 5 replicas need a capacity review (policy edge-capacity)',
  });
}

/** A fleet upgrade plan: its preview, the list, and the plan once its canary is patched. */
async function recordUpgradePlans(port: number) {
  const call = (method: string, path: string, body?: object) =>
    callApi(port, USER, method, path, body);
  const draft = await call('POST', '/v1/upgrade-plans', {
    version: 'v1.35.2',
    maxConcurrent: 2,
  });
  if (draft.status !== 201) throw new Error(`plan: ${draft.status}`);
  await write('upgrade-plan-draft.json', draft.body);
  await write(
    'upgrade-plans.json',
    (
      await call('GET', '/v1/upgrade-plans')
    ).body,
  );
  const plan = `/v1/upgrade-plans/${draft.body.id}`;
  await call('POST', `${plan}/start`);
  const running = await until('the canary to be patched', async () => {
    const res = await call('GET', plan);
    const moved = res.body.steps.some(
      (s: any) => s.state !== 'pending' && s.state !== 'refused',
    );
    return moved || res.body.status !== 'running' ? res.body : undefined;
  });
  log(
    `plan ${running.status}: ${JSON.stringify(running.steps[1])} ${
      running.message ?? ''
    }`,
  );
  await write('upgrade-plan-running.json', running);
  await call('POST', `${plan}/abort`);
}

/** The audit trail after a scale and a denied delete, as the platform team and as a team user. */
async function recordAudit(port: number) {
  const call = (user: string, method: string, path: string, body?: object) =>
    callApi(port, user, method, path, body);
  const berlinPos = '/v1/clusters/central/fleet-tenants/berlin-pos';
  const scaled = await call(USER, 'POST', `${berlinPos}/scale`, {
    pool: 'berlin-pos-tills',
    replicas: 3,
  });
  if (scaled.status !== 200) throw new Error(`scale: ${scaled.status}`);
  const denied = await call(
    TEAM_USER,
    'DELETE',
    '/v1/clusters/central/fleet-tenants/berlin-kiosk?confirm=berlin-kiosk',
  );
  if (denied.status !== 403) throw new Error(`delete: ${denied.status}`);
  const all = await call(USER, 'GET', '/v1/audit');
  await write('audit.json', all.body);
  const team = await call(TEAM_USER, 'GET', '/v1/audit');
  if (team.status !== 200) throw new Error(`team audit: ${team.status}`);
  await write('audit-team.json', team.body);
  await write(
    'audit-cluster.json',
    (
      await call(
        TEAM_USER,
        'GET',
        `/v1/audit?cluster=${encodeURIComponent(
          'central/fleet-tenants/berlin-pos',
        )}`,
      )
    ).body,
  );
  log(
    `audit: ${all.body.page.total} records in all, ${team.body.page.total} for ${TEAM_USER}`,
  );
}

main().then(
  () => process.exit(0),
  e => {
    process.stderr.write(`record-fixtures: ${e?.stack ?? e}\n`);
    process.exit(1);
  },
);
