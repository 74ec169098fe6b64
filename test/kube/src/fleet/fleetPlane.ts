/*
 * The fleet test environment shared by the backend packages' integration tests: a local control
 * plane with the fleet user, examples/deploy/rbac.yaml applied with admin rights, and the seeded
 * example fleet; plus polling and the credential scan their assertions use.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { DEFAULT_CLUSTERS, LocalControlPlane } from '../LocalControlPlane';
import { REPO_ROOT } from '../paths';
import { AnyObject, FleetObjectApi, seedFleet } from '../seed';

/** The user the fleet runs as in the integration tests, in group kamaji-backstage (bound by rbac.yaml). */
export const FLEET_USER = {
  name: 'kamaji-backstage',
  groups: ['kamaji-backstage'],
};
export const ISLANDS = ['island-a', 'island-b'];
export const TEST_FIELD_MANAGER = 'kamaji-backstage-test';

/** Where a part of examples/deploy/rbac.yaml is applied. */
export type RbacTarget = 'management' | 'island' | 'tenant';

function rbacTargetsOf(name: string): RbacTarget[] {
  if (name.startsWith('kamaji-backstage-island-')) return ['island'];
  if (name.startsWith('kamaji-backstage-tenant-')) return ['tenant'];
  // The Kubernetes plugin's impersonating identity, on tenant clusters and islands.
  if (name.startsWith('kamaji-backstage-impersonator'))
    return ['tenant', 'island'];
  return ['management'];
}

/** The documents of examples/deploy/rbac.yaml for management clusters, islands or tenant clusters. */
export function rbacDocuments(target: RbacTarget): AnyObject[] {
  const text = readFileSync(
    join(REPO_ROOT, 'examples', 'deploy', 'rbac.yaml'),
    'utf8',
  );
  return parseAllDocuments(text)
    .map(d => d.toJS() as AnyObject | null)
    .filter((d): d is AnyObject => !!d?.kind)
    .filter(d => rbacTargetsOf(d.metadata.name).includes(target));
}

export async function applyAll(api: FleetObjectApi, objs: AnyObject[]) {
  for (const o of objs)
    await api.apply(o, { fieldManager: TEST_FIELD_MANAGER });
}

/**
 * Starts the local control plane with the fleet user (and `extraUsers`), applies rbac.yaml with
 * the admin credentials (management part to central, island part to the islands) and seeds the
 * example fleet; the islands' kubeconfig Secrets hold the fleet user's kubeconfig, so islands are
 * read with the island role only. `extraIslands` adds API servers declared in central as copies of
 * island-a's Cluster (same labels and spec), each with its own kubeconfig Secret.
 */
export async function startFleetPlane(
  extraUsers: Array<{ name: string; groups: string[] }> = [],
  extraIslands: string[] = [],
) {
  const plane = await LocalControlPlane.start({
    users: [FLEET_USER, ...extraUsers],
    clusters: {
      ...DEFAULT_CLUSTERS,
      ...Object.fromEntries(extraIslands.map(i => [i, ['kamaji']])),
    },
  });
  const admin = (c: string) => FleetObjectApi.forConfig(plane.kubeConfig(c));
  await applyAll(admin('central'), rbacDocuments('management'));
  for (const island of [...ISLANDS, ...extraIslands])
    await applyAll(admin(island), rbacDocuments('island'));
  const seeded = await seedFleet({
    clusters: {
      central: plane.kubeConfig('central'),
      'island-a': plane.kubeConfig('island-a'),
      'island-b': plane.kubeConfig('island-b'),
    },
    islandKubeconfigs: Object.fromEntries(
      ISLANDS.map(i => [i, plane.kubeConfigYaml(i, FLEET_USER.name)]),
    ),
  });
  for (const island of extraIslands) {
    await declareIslandLikeA(
      admin('central'),
      island,
      plane.kubeConfigYaml(island, FLEET_USER.name),
    );
  }
  return { plane, admin, seeded };
}

/** An island declared in central as a copy of island-a's Cluster, with its kubeconfig Secret. */
async function declareIslandLikeA(
  central: FleetObjectApi,
  name: string,
  kubeconfig: string,
) {
  const a = (await central.get({
    apiVersion: 'cluster.x-k8s.io/v1beta2',
    kind: 'Cluster',
    metadata: { namespace: 'fleet-islands', name: 'island-a' },
  }))!;
  await applyAll(central, [
    {
      apiVersion: a.apiVersion,
      kind: 'Cluster',
      metadata: {
        namespace: 'fleet-islands',
        name,
        labels: { ...a.metadata.labels },
      },
      spec: a.spec,
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        namespace: 'fleet-islands',
        name: `${name}-kubeconfig`,
        labels: { 'cluster.x-k8s.io/cluster-name': name },
      },
      type: 'cluster.x-k8s.io/secret',
      data: { value: Buffer.from(kubeconfig).toString('base64') },
    },
  ]);
}

/** Polls until `check` returns a truthy value; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 20_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise(r => setTimeout(r, intervalMs));
  }
}

/**
 * Everything that must never appear in logs, the model or a response: private keys, kubeconfig
 * credential fields, bearer tokens, and the control plane's static tokens and client keys.
 */
export function credentialPatterns(plane: {
  state: LocalControlPlane['state'];
}): RegExp[] {
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const patterns = [
    /BEGIN [A-Z ]*PRIVATE KEY/,
    /client-key-data/,
    /client-certificate-data/,
    /certificate-authority-data/,
    /\btoken:\s*\S/,
    /Bearer\s+\S/i,
    /Authorization/i,
  ];
  for (const u of Object.values(plane.state.users)) {
    if (u.token) patterns.push(new RegExp(escape(u.token)));
    for (const file of Object.values(u.kubeconfigs)) {
      const text = readFileSync(file, 'utf8');
      const key = /client-key-data:\s*(\S+)/.exec(text)?.[1];
      if (key) patterns.push(new RegExp(escape(key.slice(0, 40))));
    }
  }
  return patterns;
}

/**
 * Credential material in a backend log. The log names the header the Kubernetes proxy reads
 * (Backstage-Kubernetes-Authorization) in its docs links; only credentials themselves count there.
 */
export function findCredentialsInLog(
  log: string,
  patterns: RegExp[],
): string[] {
  return findCredentials(
    log.split('\n'),
    patterns.filter(p => String(p) !== '/Authorization/i'),
  );
}

/** A recorded response to scan: its status line, headers and body. */
export interface ScannedResponse {
  status: number;
  method: string;
  url: string;
  headers: Array<{ name: string; value: string }>;
  body: string;
}

/**
 * A response as findCredentials reads it. `Vary` is left out: it names the request headers an
 * answer depends on (`Authorization` among them), no credential.
 */
export function responseText(response: ScannedResponse): string {
  return [
    `${response.status} ${response.method} ${response.url}`,
    ...response.headers
      .filter(h => h.name.toLowerCase() !== 'vary')
      .map(h => `${h.name}: ${h.value}`),
    response.body,
  ].join('\n');
}

export function findCredentials(texts: string[], patterns: RegExp[]): string[] {
  const found: string[] = [];
  for (const t of texts) {
    for (const p of patterns)
      if (p.test(t)) found.push(`${p} in: ${t.slice(0, 200)}`);
  }
  return found;
}
