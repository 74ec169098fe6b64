/* The fleet benchmark's control plane and seeding (not measured): central, and the islands, real or fake. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  FleetObjectApi,
  LocalControlPlane,
  rbacDocuments,
} from '@internal/test-kube';
import type { KubernetesCluster } from './backend';
import { kubeconfigYaml, startFakeIslands } from './fakeIslands';
import { CONCURRENCY, FAKE, FLEET_USER, PER_ISLAND } from './fleetOptions';
import { Cleanups, pool, seconds, sleep } from './lib';
import {
  TCP_NS,
  Tenant,
  apply,
  applyStatus,
  islandDataStore,
  islandSecret,
  namespace,
  planTenants,
  seedCentral,
  tenantTcp,
} from './seed';

type Log = (s: string) => void;

/** How the backends reach one island: its kubeconfig Secret on central, and its cluster entry. */
interface IslandAccess {
  island: string;
  kubeconfigYaml: string;
  cluster: KubernetesCluster;
}

type KubeObject = ReturnType<typeof tenantTcp>;

const FAKE_ISLAND_TOKEN = 'bench-fake-island-token';

/** Starts central and the real islands (none with fake islands); returns the plane and the ms it took. */
export async function startControlPlane(
  realIslands: string[],
  cleanups: Cleanups,
  log: Log,
): Promise<{ plane: LocalControlPlane; planeMs: number }> {
  const t = Date.now();
  const clusters: Record<string, string[]> = {
    central: ['capi', 'kamaji', 'addons'],
  };
  for (const i of realIslands) clusters[i] = ['kamaji'];
  const plane = await LocalControlPlane.start({
    clusters,
    users: [FLEET_USER],
    startTimeoutMs: 600_000,
    quiet: true,
  });
  cleanups.push(() => plane.stop());
  const planeMs = Date.now() - t;
  log(
    `control plane (central + ${
      realIslands.length
    } real islands) ready in ${seconds(planeMs)} s`,
  );
  return { plane, planeMs };
}

/**
 * Seeds central and the islands (fake islands are started, serving their tenants), and gives
 * central a kubeconfig Secret per island; returns the islands as kubernetes-backend clusters and,
 * with fake islands, the URL of their control API (`POST /clusters/{island}/stop`, `/start`).
 */
export async function seedFleet(
  plane: LocalControlPlane,
  islands: string[],
  workDir: string,
  cleanups: Cleanups,
  log: Log,
): Promise<{
  clusters: KubernetesCluster[];
  seedMs: number;
  fakeControlUrl?: string;
}> {
  const t = Date.now();
  const central = FleetObjectApi.forConfig(plane.kubeConfig('central'));
  for (const o of rbacDocuments('management')) await apply(central, o as any);
  const tenants = planTenants(islands, PER_ISLAND);
  await seedCentral(central, islands, tenants, CONCURRENCY, log);
  log(
    `seeded central: ${islands.length} islands, ${
      tenants.length
    } Clusters + KamajiControlPlanes in ${seconds(Date.now() - t)} s`,
  );
  const { access, controlUrl } = FAKE
    ? await startFakeIslandAccess(plane, workDir, tenants, islands, cleanups)
    : { access: await seedRealIslands(plane, tenants, islands) };
  await pool(access, CONCURRENCY, async a => {
    await apply(central, islandSecret(a.island, a.kubeconfigYaml));
  });
  const seedMs = Date.now() - t;
  log(`seeding done in ${seconds(seedMs)} s (not part of the figures)`);
  return {
    clusters: access.map(a => a.cluster),
    seedMs,
    fakeControlUrl: controlUrl,
  };
}

async function startFakeIslandAccess(
  plane: LocalControlPlane,
  workDir: string,
  tenants: Tenant[],
  islands: string[],
  cleanups: Cleanups,
): Promise<{ access: IslandAccess[]; controlUrl: string }> {
  const caDir = join(plane.stateDir, 'pki');
  const { proc, out } = await startFakeIslands(
    workDir,
    caDir,
    tenants,
    islands,
  );
  cleanups.push(async () => {
    if (proc.exitCode === null) {
      const done = new Promise(r => proc.once('exit', r));
      proc.kill('SIGTERM');
      await Promise.race([done, sleep(5000)]);
    }
  });
  const fakeCa = readFileSync(out.caFile ?? join(caDir, 'ca.crt')).toString(
    'base64',
  );
  const access = islands.map(island => {
    const server = out.clusters[island].server;
    return {
      island,
      kubeconfigYaml: kubeconfigYaml(server, fakeCa, FAKE_ISLAND_TOKEN),
      cluster: {
        name: island,
        url: server,
        serviceAccountToken: FAKE_ISLAND_TOKEN,
        caData: fakeCa,
      },
    };
  });
  return { access, controlUrl: out.controlUrl };
}

/** Seeds each real island (RBAC, its TenantControlPlanes with status, its DataStore). */
async function seedRealIslands(
  plane: LocalControlPlane,
  tenants: Tenant[],
  islands: string[],
): Promise<IslandAccess[]> {
  const { caFile, users } = plane.state;
  const caData = readFileSync(caFile).toString('base64');
  const fleetToken = users[FLEET_USER.name].token!;
  const byIsland = new Map<string, Tenant[]>(islands.map(i => [i, []]));
  for (const tn of tenants) byIsland.get(tn.island)!.push(tn);
  const access: IslandAccess[] = [];
  await pool(islands, 4, async island => {
    const api = FleetObjectApi.forConfig(plane.kubeConfig(island));
    for (const o of rbacDocuments('island')) await apply(api, o as any);
    await apply(api, namespace(TCP_NS));
    const tcps = byIsland.get(island)!.map(tn => tenantTcp(tn, true));
    await pool([...tcps, islandDataStore(tcps)], 6, object =>
      applyWithStatus(api, object),
    );
    access.push({
      island,
      kubeconfigYaml: plane.kubeConfigYaml(island, FLEET_USER.name, 'token'),
      cluster: {
        name: island,
        url: plane.server(island),
        serviceAccountToken: fleetToken,
        caData,
      },
    });
  });
  return access;
}

async function applyWithStatus(api: FleetObjectApi, object: KubeObject) {
  const { status, ...spec } = object;
  await apply(api, spec as any);
  if (status)
    await applyStatus(api, {
      apiVersion: object.apiVersion,
      kind: object.kind,
      metadata: {
        name: object.metadata.name,
        namespace: object.metadata.namespace,
      },
      status,
    });
}
