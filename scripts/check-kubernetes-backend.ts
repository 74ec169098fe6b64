/* eslint-disable no-console */
/**
 * The Kubernetes plugin's real request path with the fleet's clusters, in the real backend process
 * (Jest cannot load the dynamic import() of @kubernetes/client-node that the kubernetes-backend's
 * fetcher and proxy use, so this runs outside Jest; scripts/test.sh calls it).
 *
 * It starts the local control plane as the demo does (central, two islands and the tenant cluster
 * lyon-press-line with its own API server), seeds it and prepares the backend user with the demo's
 * own scripts, starts packages/backend with app-config.yaml on free ports, signs in as guest, and
 * checks that:
 *   - POST /api/kubernetes/services/press-line-vision and POST /api/kubernetes/resources/workloads/query
 *     return the Pods, ReplicaSet, Deployment and Service seeded in the tenant cluster, fetched as the
 *     signed-in user through Kubernetes impersonation (the tenant's RBAC: examples/fleet/tenants);
 *   - as users of different teams (the guest provider's userEntityRef, switched in a watched config
 *     file): the owner team's user lists the tenant's Pods; another team's user is not offered the
 *     tenant (GET /clusters lists the islands only, the services and workloads routes leave it
 *     out, the proxy answers 404) and the tenant's API server gets no request of it; the platform
 *     team's user sees them; the API server's audit log names each user, impersonated by the
 *     impersonate-only ServiceAccount, and no Pod request of the backend's own identity;
 *   - the tenant cluster's own Resource entity is looked up in that cluster only;
 *   - the proxy reaches the tenant's API server;
 *   - with the tenant's API server down the answer is still 200, with an error for that cluster only;
 *   - with its island stopped the tenant is left out (no 5xx);
 *   - no response and no backend log line carries credential material.
 *
 *   node --require ./node_modules/@backstage/cli/config/nodeTransform.cjs scripts/check-kubernetes-backend.ts [--record-fixtures]
 *
 * --record-fixtures also writes, for the owner team's user (kubernetes-tab-owner.json: the
 * tenant's objects, the islands' 403s) and another team's user (kubernetes-tab-other-team.json:
 * the islands' 403s only), and for the platform team's user while the tenant's API server is down
 * (kubernetes-tab-tenant-down.json: a FETCH_ERROR), what the Kubernetes tab of press-line-vision
 * reads: GET /api/kubernetes/clusters, POST /api/kubernetes/services/press-line-vision and the
 * catalog's entities of the refusing clusters (GET /api/catalog/entities?filter=metadata.annotations.kamaji-backstage.io/cluster-id=…),
 * into the frontend's recorded fixtures (plugins/kamaji/src/__fixtures__/recorded).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  credentialPatterns,
  DEFAULT_CLUSTERS,
  findCredentials,
  findCredentialsInLog,
  FleetObjectApi,
  guestSignIn,
  FLEET_USER,
  LocalControlPlane,
  REPO_ROOT,
  runTs,
  waitFor,
  writeGuestSignIn,
} from '@internal/test-kube';
import { Backend, freePort } from '../bench/backend';
import { writeRecordedFixture } from './recordedFixtures';

const TENANT = 'lyon-press-line';
const TENANT_ID = `central/fleet-tenants/${TENANT}`;
const TENANT_ENTITY = 'central--fleet-tenants--lyon-press-line';
const ISLAND_ENTITY = 'central--fleet-islands--island-a';
const COMPONENT = 'press-line-vision';
const SEEDED_PODS = [
  'press-line-vision-6b7f9c8d4f-k2x7p',
  'press-line-vision-6b7f9c8d4f-r9w4m',
];

/** The demo's users (examples/org.yaml): the tenant's owner team, another team, the platform team. */
const OWNER = 'user:default/bob'; // team-factory, owns lyon-press-line
const OTHER_TEAM = 'user:default/alice'; // team-retail
const PLATFORM = 'user:default/pat'; // platform-team
const GUEST = 'user:default/guest'; // the demo sign-in, platform-team
const IMPERSONATOR =
  'system:serviceaccount:kube-system:kamaji-backstage-impersonator';

/** Audit of Pod and Secret requests only, written to the API server's log (stdout). */
const AUDIT_POLICY = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  - level: Metadata
    resources: [{ group: '', resources: [pods, secrets] }]
  - level: None
`;

const RECORD_FIXTURES = process.argv.includes('--record-fixtures');

const texts: string[] = [];
let plane: LocalControlPlane | undefined;
let backend: Backend | undefined;
let token = '';

async function call(
  path: string,
  init: {
    method?: string;
    body?: unknown;
    headers?: Record<string, string>;
  } = {},
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${backend!.baseUrl}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(init.body ? { 'content-type': 'application/json' } : {}),
      ...init.headers,
    },
    body: init.body ? JSON.stringify(init.body) : undefined,
  });
  const text = await res.text();
  const headers = [...res.headers.entries()].map(([k, v]) => `${k}: ${v}`);
  texts.push(text, headers.join('\n'));
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, body };
}

function step(what: string) {
  console.log(`--- ${what}`);
}

type ClusterObjects = {
  cluster: { name: string };
  resources: Array<{ type: string; resources: any[] }>;
  errors: any[];
};

function objectsOf(items: ClusterObjects[], cluster: string) {
  const item = items.find(i => i.cluster.name === cluster);
  const ofType = (type: string) =>
    item?.resources.find(r => r.type === type)?.resources ?? [];
  return { item, ofType };
}

/**
 * With --record-fixtures: what the Kubernetes tab of the component reads as the current user, its
 * services answer given; the catalog is asked for the clusters that refused (401/403) the user.
 */
async function recordKubernetesTab(name: string, services: unknown) {
  if (!RECORD_FIXTURES) return;
  const refused = (services as { items: ClusterObjects[] }).items
    .filter(i => i.errors.some(e => [401, 403].includes(e.statusCode)))
    .map(i => i.cluster.name);
  const query = new URLSearchParams([
    ...refused.map(id => [
      'filter',
      `metadata.annotations.kamaji-backstage.io/cluster-id=${id}`,
    ]),
    ['fields', 'kind,metadata,spec.owner'],
  ]);
  const clusterEntities = refused.length
    ? await call(`/api/catalog/entities?${query}`)
    : { status: 200, body: [] };
  assert.equal(clusterEntities.status, 200, JSON.stringify(clusterEntities));
  const clusters = await call('/api/kubernetes/clusters');
  assert.equal(clusters.status, 200, JSON.stringify(clusters));
  const file = await writeRecordedFixture(name, {
    clusters: clusters.body,
    services,
    clusterEntities: clusterEntities.body,
  });
  console.log(`wrote ${file}`);
}

/** An entity once the catalog has it. */
function catalogEntity(kind: string, name: string): Promise<any> {
  return waitFor(
    `catalog ${kind} ${name}`,
    async () => {
      const r = await call(
        `/api/catalog/entities/by-name/${kind}/default/${name}`,
      );
      return r.status === 200 && r.body;
    },
    120_000,
    500,
  );
}

/** The names of the Pods a Kubernetes plugin answer holds for one cluster. */
function podNames(items: ClusterObjects[], cluster: string): string[] {
  return objectsOf(items, cluster)
    .ofType('pods')
    .map(p => p.metadata.name)
    .sort();
}

async function servicesOfComponent(entity: unknown) {
  return call(`/api/kubernetes/services/${COMPONENT}`, {
    method: 'POST',
    body: { entity },
  });
}

let signInConfig = '';

function signIn(userEntityRef: string, group: string): Promise<string> {
  return guestSignIn(
    () =>
      call('/api/auth/guest/refresh', {
        headers: { 'x-requested-with': 'XMLHttpRequest' },
      }),
    signInConfig,
    userEntityRef,
    group,
  );
}

/** A cluster's answer holds no objects, only the API server's 403s. */
function assertRefused(item: ClusterObjects) {
  assert.ok(item.errors.length > 0, `errors for ${item.cluster.name}`);
  for (const e of item.errors)
    assert.deepEqual(
      { errorType: e.errorType, statusCode: e.statusCode },
      { errorType: 'UNAUTHORIZED_ERROR', statusCode: 403 },
      `${item.cluster.name}: ${JSON.stringify(e)}`,
    );
  assert.ok(item.resources.every(r => r.resources.length === 0));
}

/**
 * The catalog agrees with the fleet API: the tenant's entity for its owner team only, islands for
 * all, and no island's relations naming a tenant.
 */
async function assertCatalogReads(ownsTenant: boolean) {
  const read = async (name: string) =>
    (await call(`/api/catalog/entities/by-name/resource/default/${name}`))
      .status;
  assert.equal(await read(TENANT_ENTITY), ownsTenant ? 200 : 404);
  assert.equal(await read(ISLAND_ENTITY), 200);
  // The catalog does not filter relations: the island every team reads names none of its tenants.
  const island = await call(
    `/api/catalog/entities/by-name/resource/default/${ISLAND_ENTITY}`,
  );
  assert.deepEqual(
    island.body.relations
      .map((r: { targetRef: string }) => r.targetRef)
      .filter((ref: string) => ref.includes('fleet-tenants')),
    [],
  );
  const listed = await call(
    '/api/catalog/entities?filter=spec.type=kubernetes-cluster&fields=metadata.name',
  );
  const names = listed.body.map((e: any) => e.metadata.name);
  assert.equal(names.includes(TENANT_ENTITY), ownsTenant, names.join(', '));
  assert.ok(names.includes(ISLAND_ENTITY));
}

/** The tenant's Pods as the current user, through the workloads route and the proxy. */
async function tenantPodsAs(user: string) {
  const workloads = await call('/api/kubernetes/resources/workloads/query', {
    method: 'POST',
    body: { entityRef: `component:default/${COMPONENT}` },
  });
  assert.equal(
    workloads.status,
    200,
    `${user}: ${JSON.stringify(workloads.body)}`,
  );
  const proxied = await call(
    '/api/kubernetes/proxy/api/v1/namespaces/press-line/pods',
    { headers: { 'backstage-kubernetes-cluster': TENANT_ID } },
  );
  return { workloads: objectsOf(workloads.body.items, TENANT_ID), proxied };
}

async function asUsersOfTeams(entity: unknown) {
  const since = new Date().toISOString();
  await checkOwnerTeamListsTenantPods(entity);
  await checkCallerImpersonationIsReplaced();
  await assertCatalogReads(true);
  await checkOtherTeamIsRefused(entity);
  await checkPlatformTeamSeesTenantPods();
  checkAuditNamesUsers(since);
  token = await signIn(GUEST, 'group:default/platform-team');
}

async function checkOwnerTeamListsTenantPods(entity: unknown) {
  step(`${OWNER} (team-factory, the owner) lists the tenant's Pods`);
  token = await signIn(OWNER, 'group:default/team-factory');
  const owner = await tenantPodsAs(OWNER);
  assert.deepEqual(owner.workloads.item?.errors, []);
  assert.deepEqual(
    owner.workloads
      .ofType('pods')
      .map(p => p.metadata.name)
      .sort(),
    SEEDED_PODS,
  );
  assert.equal(owner.proxied.status, 200, JSON.stringify(owner.proxied.body));
  assert.equal(owner.proxied.body.items.length, SEEDED_PODS.length);
  const ownerServices = await servicesOfComponent(entity);
  assert.equal(ownerServices.status, 200, JSON.stringify(ownerServices.body));
  assert.deepEqual(podNames(ownerServices.body.items, TENANT_ID), SEEDED_PODS);
  await recordKubernetesTab('kubernetes-tab-owner.json', ownerServices.body);
}

/** Impersonate-* headers of the caller (the owner, signed in just before) are replaced, not forwarded. */
async function checkCallerImpersonationIsReplaced() {
  const forged = await call(
    '/api/kubernetes/proxy/api/v1/namespaces/press-line/secrets',
    {
      headers: {
        'backstage-kubernetes-cluster': TENANT_ID,
        'impersonate-user': 'admin',
        'impersonate-group': 'system:masters',
      },
    },
  );
  assert.equal(forged.status, 403, JSON.stringify(forged.body));
  assert.match(forged.body.message, /User "user:default\/bob" cannot list/);
}

async function checkOtherTeamIsRefused(entity: unknown) {
  step(
    `${OTHER_TEAM} (team-retail) is not offered the tenant, and the islands refuse it`,
  );
  token = await signIn(OTHER_TEAM, 'group:default/team-retail');
  await assertCatalogReads(false);
  const offered = await call('/api/kubernetes/clusters');
  assert.equal(offered.status, 200, JSON.stringify(offered.body));
  assert.deepEqual(
    offered.body.items.map((c: { name: string }) => c.name).sort(),
    ['central/fleet-islands/island-a', 'central/fleet-islands/island-b'],
  );
  const services = await servicesOfComponent(entity);
  assert.equal(services.status, 200, JSON.stringify(services.body));
  // The islands (nobody binds team-retail there) refuse alice; the tenant is not asked at all.
  assert.deepEqual(
    services.body.items.map((i: ClusterObjects) => i.cluster.name).sort(),
    ['central/fleet-islands/island-a', 'central/fleet-islands/island-b'],
  );
  for (const item of services.body.items as ClusterObjects[])
    assertRefused(item);
  await recordKubernetesTab('kubernetes-tab-other-team.json', services.body);
  const other = await tenantPodsAs(OTHER_TEAM);
  assert.equal(other.workloads.item, undefined);
  assert.equal(other.proxied.status, 404, JSON.stringify(other.proxied.body));
}

async function checkPlatformTeamSeesTenantPods() {
  step(`${PLATFORM} (platform team) sees the tenant's Pods`);
  token = await signIn(PLATFORM, 'group:default/platform-team');
  const platform = await tenantPodsAs(PLATFORM);
  assert.deepEqual(
    platform.workloads
      .ofType('pods')
      .map(p => p.metadata.name)
      .sort(),
    SEEDED_PODS,
  );
  assert.equal(platform.proxied.status, 200);
}

function checkAuditNamesUsers(since: string) {
  step("the tenant API server's audit log names the users");
  const events = auditEvents(TENANT).filter(
    e => e.requestReceivedTimestamp >= since,
  );
  const podRequests = events.filter(e => e.objectRef?.resource === 'pods');
  const byUser = (u: string) =>
    podRequests.filter(e => e.impersonatedUser?.username === u);
  assert.deepEqual(byUser(OTHER_TEAM), [], 'Pod requests as another team');
  for (const [user, code] of [
    [OWNER, 200],
    [PLATFORM, 200],
  ] as const) {
    const mine = byUser(user);
    assert.ok(mine.length >= 2, `audit events of ${user}: ${mine.length}`);
    for (const e of mine) {
      assert.equal(e.user.username, IMPERSONATOR);
      assert.equal(
        e.responseStatus.code,
        code,
        `${user}: ${JSON.stringify(e)}`,
      );
    }
  }
  assert.deepEqual(
    podRequests.filter(e => !e.impersonatedUser).map(e => e.user.username),
    [],
    'Pod requests without an impersonated user',
  );
  console.log(
    `audit: ${podRequests.length} Pod requests since ${since}, each as the impersonated user`,
  );
}

/** The audit events an API server wrote to its log (--audit-log-path=-). */
function auditEvents(cluster: string): any[] {
  const log = readFileSync(plane!.state.clusters[cluster].logFile, 'utf8');
  return log
    .split('\n')
    .filter(l => l.startsWith('{') && l.includes('"audit.k8s.io/v1"'))
    .map(l => JSON.parse(l))
    .filter(e => e.kind === 'Event');
}

async function main() {
  const workDir = mkdtempSync(join(tmpdir(), 'kb-k8s-check-'));
  plane = await startControlPlane(workDir);
  const demoConfig = seedFleetAndPrepareBackendUser(plane, workDir);
  const port = await freePort();
  await applyPodElsewhere(plane);
  backend = launchBackend(workDir, port, demoConfig);
  const readyMs = await backend.waitReady(240_000);
  console.log(`backend ready in ${(readyMs / 1000).toFixed(1)} s`);

  step('sign in as guest (platform team)');
  token = await signIn(GUEST, 'group:default/platform-team');

  const entity = await catalogEntity('component', COMPONENT);

  await checkTenantClusterIsOffered();
  await checkServicesReturnSeededWorkloads(entity);
  await checkWorkloadsQuery();
  await checkTenantEntityLooksInItsClusterOnly();
  await checkProxyReachesTenant();
  await asUsersOfTeams(entity);
  await checkTenantApiServerDown(plane, entity);
  await checkTenantLeftOutWithIslandStopped(plane, entity);
  checkNoCredentialMaterial(plane, backend.logFile);
  if (!process.env.KB_KEEP_WORKDIR)
    rmSync(workDir, { recursive: true, force: true });
}

/** The control plane with the tenant's own API server, auditing Pod and Secret requests. */
function startControlPlane(workDir: string): Promise<LocalControlPlane> {
  const auditPolicy = join(workDir, 'audit-policy.yaml');
  writeFileSync(auditPolicy, AUDIT_POLICY);
  return LocalControlPlane.start({
    clusters: { ...DEFAULT_CLUSTERS, [TENANT]: [] },
    users: [FLEET_USER],
    apiserverArgs: [`--audit-policy-file=${auditPolicy}`, '--audit-log-path=-'],
  });
}

/** Returns the backend's demo config file that prepareBackend.ts writes. */
function seedFleetAndPrepareBackendUser(
  controlPlane: LocalControlPlane,
  workDir: string,
): string {
  step(
    'seed the example fleet and prepare the backend user, as scripts/demo.sh does',
  );
  runTs('test/kube/src/seed/cli.ts', ['--state-dir', controlPlane.stateDir]);
  const demoConfig = join(workDir, 'app-config.demo.yaml');
  runTs('test/kube/src/demo/prepareBackend.ts', [
    '--state-dir',
    controlPlane.stateDir,
    '--out',
    demoConfig,
  ]);
  return demoConfig;
}

/** Something catalogued on another cluster: the tenant's own entity must not see it. */
async function applyPodElsewhere(controlPlane: LocalControlPlane) {
  await FleetObjectApi.forConfig(controlPlane.kubeConfig('island-a')).apply(
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'elsewhere',
        namespace: 'kamaji-tenants',
        labels: { 'backstage.io/kubernetes-id': 'elsewhere' },
      },
      spec: {
        nodeName: 'island-a-0',
        containers: [{ name: 'c', image: 'registry.example.com/elsewhere:1' }],
      },
    },
    { fieldManager: 'check-kubernetes-backend' },
  );
}

/** Writes the backend's port and sign-in configs and launches packages/backend (not yet ready). */
function launchBackend(
  workDir: string,
  port: number,
  demoConfig: string,
): Backend {
  const portsConfig = join(workDir, 'app-config.ports.yaml');
  writeFileSync(
    portsConfig,
    `backend: { baseUrl: "http://127.0.0.1:${port}", listen: { port: ${port}, host: 127.0.0.1 } }\n`,
  );

  signInConfig = join(workDir, 'app-config.sign-in.yaml');
  writeGuestSignIn(signInConfig, GUEST);

  step(`start packages/backend on port ${port}`);
  return Backend.launch({
    label: 'kubernetes-check',
    workDir,
    port,
    token: '',
    configFiles: [
      join(REPO_ROOT, 'app-config.yaml'),
      demoConfig,
      portsConfig,
      signInConfig,
    ],
    nodeEnv: 'development',
    cwd: { dir: join(REPO_ROOT, 'packages', 'backend') },
    logLevel: 'info',
  });
}

async function checkTenantClusterIsOffered() {
  step('the tenant cluster is offered to the Kubernetes plugin');
  const clusters = await waitFor(
    `${TENANT_ID} in /api/kubernetes/clusters`,
    async () => {
      const r = await call('/api/kubernetes/clusters');
      return (
        r.status === 200 &&
        r.body.items.some((c: any) => c.name === TENANT_ID) &&
        r.body.items
      );
    },
    120_000,
    500,
  );
  const tenantCluster = clusters.find((c: any) => c.name === TENANT_ID);
  assert.deepEqual(tenantCluster, {
    name: TENANT_ID,
    title: TENANT,
    authProvider: 'kamaji',
  });
}

async function checkServicesReturnSeededWorkloads(entity: unknown) {
  step(`POST /api/kubernetes/services/${COMPONENT}: the seeded workloads`);
  const services = await servicesOfComponent(entity);
  assert.equal(services.status, 200, JSON.stringify(services.body));
  const tenant = objectsOf(services.body.items, TENANT_ID);
  assert.ok(
    tenant.item,
    `no item for ${TENANT_ID}: ${JSON.stringify(services.body)}`,
  );
  assert.deepEqual(tenant.item.errors, []);
  assert.deepEqual(
    tenant
      .ofType('pods')
      .map(p => `${p.metadata.name} ${p.status.phase}`)
      .sort(),
    SEEDED_PODS.map(p => `${p} Running`),
  );
  assert.deepEqual(
    tenant.ofType('replicasets').map(r => r.metadata.name),
    ['press-line-vision-6b7f9c8d4f'],
  );
  assert.deepEqual(
    tenant.ofType('deployments').map(d => d.metadata.name),
    [COMPONENT],
  );
  assert.deepEqual(
    tenant.ofType('services').map(s => s.metadata.name),
    [COMPONENT],
  );
  // The platform team may read the islands too (examples/fleet/islands/*/05-access.yaml).
  for (const item of services.body.items as ClusterObjects[])
    assert.deepEqual(item.errors, [], `errors for ${item.cluster.name}`);
}

async function checkWorkloadsQuery() {
  step(
    'POST /api/kubernetes/resources/workloads/query (what the Kubernetes tab asks)',
  );
  const workloads = await call('/api/kubernetes/resources/workloads/query', {
    method: 'POST',
    body: { entityRef: `component:default/${COMPONENT}` },
  });
  assert.equal(workloads.status, 200, JSON.stringify(workloads.body));
  assert.deepEqual(podNames(workloads.body.items, TENANT_ID), SEEDED_PODS);
}

async function checkTenantEntityLooksInItsClusterOnly() {
  step(
    "the tenant cluster's own entity: its Kubernetes tab looks in that cluster only",
  );
  const clusterEntity = await catalogEntity('resource', TENANT_ENTITY);
  assert.equal(
    clusterEntity.metadata.annotations[
      'backstage.io/kubernetes-label-selector'
    ],
    'backstage.io/kubernetes-id',
  );
  const onCluster = await call('/api/kubernetes/resources/workloads/query', {
    method: 'POST',
    body: { entityRef: `resource:default/${TENANT_ENTITY}` },
  });
  assert.equal(onCluster.status, 200, JSON.stringify(onCluster.body));
  assert.deepEqual(
    onCluster.body.items.map((i: ClusterObjects) => i.cluster.name),
    [TENANT_ID],
  );
  assert.deepEqual(podNames(onCluster.body.items, TENANT_ID), SEEDED_PODS);
}

async function checkProxyReachesTenant() {
  step('the proxy reaches the tenant API server');
  const proxied = await call(
    '/api/kubernetes/proxy/api/v1/namespaces/press-line/pods',
    {
      headers: { 'backstage-kubernetes-cluster': TENANT_ID },
    },
  );
  assert.equal(proxied.status, 200, JSON.stringify(proxied.body));
  assert.deepEqual(
    proxied.body.items.map((p: any) => p.metadata.name).sort(),
    SEEDED_PODS,
  );
  // The user of the tenant's Secret may only read workloads (rbac.yaml, tenant part).
  const secrets = await call(
    '/api/kubernetes/proxy/api/v1/namespaces/press-line/secrets',
    {
      headers: { 'backstage-kubernetes-cluster': TENANT_ID },
    },
  );
  assert.equal(secrets.status, 403, JSON.stringify(secrets.body));
}

async function checkTenantApiServerDown(
  controlPlane: LocalControlPlane,
  entity: unknown,
) {
  step("the tenant's API server down: 200, an error for that cluster only");
  await controlPlane.stopCluster(TENANT);
  const down = await servicesOfComponent(entity);
  assert.equal(down.status, 200, JSON.stringify(down.body));
  const downTenant = objectsOf(down.body.items, TENANT_ID);
  assert.deepEqual(downTenant.ofType('pods'), []);
  assert.ok(
    downTenant.item?.errors.some((e: any) => e.errorType === 'FETCH_ERROR'),
    `an error for the unreachable tenant: ${JSON.stringify(downTenant.item)}`,
  );
  for (const item of down.body.items as ClusterObjects[])
    if (item.cluster.name !== TENANT_ID) assert.deepEqual(item.errors, []);
  await recordKubernetesTab('kubernetes-tab-tenant-down.json', down.body);
  await controlPlane.startCluster(TENANT);
}

async function checkTenantLeftOutWithIslandStopped(
  controlPlane: LocalControlPlane,
  entity: unknown,
) {
  step('its island stopped: the tenant is left out, no 5xx');
  await controlPlane.stopCluster('island-a');
  await waitFor(
    `${TENANT_ID} left out of /api/kubernetes/clusters`,
    async () => {
      const r = await call('/api/kubernetes/clusters');
      return (
        r.status === 200 && !r.body.items.some((c: any) => c.name === TENANT_ID)
      );
    },
    60_000,
    500,
  );
  const islandDown = await servicesOfComponent(entity);
  assert.equal(islandDown.status, 200, JSON.stringify(islandDown.body));
  assert.equal(objectsOf(islandDown.body.items, TENANT_ID).item, undefined);
  await controlPlane.startCluster('island-a');
}

function checkNoCredentialMaterial(
  controlPlane: LocalControlPlane,
  backendLogFile: string,
) {
  step('no response and no log line carries credential material');
  const log = readFileSync(backendLogFile, 'utf8');
  const patterns = credentialPatterns(controlPlane);
  assert.deepEqual(findCredentials(texts, patterns), []);
  assert.deepEqual(findCredentialsInLog(log, patterns), []);
  // Tenants without a kubeconfig Secret are normal (no API server): named in one line, not per refresh.
  const lines = log.split('\n');
  assert.deepEqual(
    lines.filter(l => /cluster access for/.test(l)),
    [],
  );
  assert.equal(
    lines.filter(l => /no kubeconfig Secret readable/.test(l)).length,
    1,
  );
  console.log(
    `kubernetes-backend with the fleet's clusters: OK (${
      texts.length / 2
    } responses checked, ${log.split('\n').length} log lines)`,
  );
}

async function stopAll() {
  await backend?.stop();
  await plane?.stop();
}

main()
  .then(stopAll)
  .catch(async e => {
    console.error(
      `check-kubernetes-backend: FAILED: ${e instanceof Error ? e.stack : e}`,
    );
    if (backend) console.error(`backend log tail:\n${backend.logTail(60)}`);
    await stopAll();
    process.exit(1);
  });
