/* eslint-disable no-console */
/**
 * Seeds the example fleet (examples/fleet) into a running local control plane.
 *
 *   node --require ./node_modules/@backstage/cli/config/nodeTransform.cjs test/kube/src/seed/cli.ts \
 *     [--state-dir <dir>] [--fleet-dir <dir>] [--tenant-user <user>] [--verbose]
 *
 * --state-dir defaults to the demo control plane (.kube-local/demo). The admin kubeconfig of each
 * island becomes the content of its CAPI Secret <island>-kubeconfig in central (fine for a demo).
 * A tenant with workloads under tenants/<tenant>/ and its own cluster in the control plane (e.g.
 * `--cluster lyon-press-line`) gets them seeded there, and a CAPI Secret <tenant>-kubeconfig in
 * central holding the kubeconfig of --tenant-user (default kamaji-backstage, the demo backend's
 * user, which examples/deploy/rbac.yaml gives read-only access to workloads on tenant clusters).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { CRDS_DIR, DEMO_STATE_DIR, KUBEPLANE_BIN } from '../paths';
import { KubeplaneState } from '../state';
import {
  DEFAULT_FLEET_DIR,
  fleetSubDirs,
  seedFleet,
  SeedResult,
} from './seedFleet';

function usage(): never {
  console.error(
    'usage: cli.ts [--state-dir <dir>] [--fleet-dir <dir>] [--tenant-user <user>] [--verbose]',
  );
  process.exit(2);
}

function parseArgs(argv: string[]) {
  const out = {
    stateDir: DEMO_STATE_DIR,
    fleetDir: DEFAULT_FLEET_DIR,
    tenantUser: 'kamaji-backstage',
    verbose: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => argv[++i] ?? usage();
    if (arg === '--state-dir') out.stateDir = resolve(value());
    else if (arg.startsWith('--state-dir='))
      out.stateDir = resolve(arg.slice('--state-dir='.length));
    else if (arg === '--fleet-dir') out.fleetDir = resolve(value());
    else if (arg.startsWith('--fleet-dir='))
      out.fleetDir = resolve(arg.slice('--fleet-dir='.length));
    else if (arg === '--tenant-user') out.tenantUser = value();
    else if (arg === '--verbose' || arg === '-v') out.verbose = true;
    else usage();
  }
  return out;
}

function startHint(stateDir: string): string {
  return (
    `start the control plane first: ${KUBEPLANE_BIN} up --state-dir ${stateDir} --crds ${CRDS_DIR} ` +
    '--cluster central=capi,kamaji,addons --cluster island-a=kamaji --cluster island-b=kamaji'
  );
}

function readReadyState(stateDir: string): KubeplaneState {
  const statePath = join(stateDir, 'state.json');
  if (!existsSync(statePath)) {
    throw new Error(`no ${statePath}; ${startHint(stateDir)}`);
  }
  const state: KubeplaneState = JSON.parse(readFileSync(statePath, 'utf8'));
  if (!state.ready)
    throw new Error(
      `the control plane in ${stateDir} is not ready yet; ${startHint(
        stateDir,
      )}`,
    );
  return state;
}

function adminKubeConfig(path: string): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(path);
  return kubeConfig;
}

type Args = ReturnType<typeof parseArgs>;
/** Central and every island of the fleet directory, each of which must be running. */
function centralAndIslands(state: KubeplaneState, args: Args) {
  const islands = fleetSubDirs(args.fleetDir, 'islands');
  const clusters: Record<string, KubeConfig> = {};
  const islandKubeconfigs: Record<string, string> = {};
  for (const name of ['central', ...islands]) {
    const c = state.clusters[name];
    if (!c)
      throw new Error(
        `the control plane has no cluster "${name}" (has ${Object.keys(
          state.clusters,
        ).join(', ')}); ${startHint(args.stateDir)}`,
      );
    if (!c.running)
      throw new Error(
        `cluster "${name}" is stopped; start it again (LocalControlPlane.startCluster or restart kubeplane)`,
      );
    clusters[name] = adminKubeConfig(c.adminKubeconfig);
    if (name !== 'central')
      islandKubeconfigs[name] = readFileSync(c.adminKubeconfig, 'utf8');
  }
  return { clusters, islandKubeconfigs };
}

/** The tenants of the fleet directory that have a cluster of their own in the control plane. */
function tenantClusters(state: KubeplaneState, args: Args) {
  const clusters: Record<string, KubeConfig> = {};
  const tenantKubeconfigs: Record<string, string> = {};
  for (const tenant of fleetSubDirs(args.fleetDir, 'tenants')) {
    const c = state.clusters[tenant];
    if (!c) {
      console.log(
        `tenant ${tenant}: no cluster "${tenant}" in the control plane, its workloads are not seeded (start kubeplane with --cluster ${tenant})`,
      );
      continue;
    }
    if (!c.running) throw new Error(`cluster "${tenant}" is stopped`);
    const user = state.users[args.tenantUser];
    if (!user?.kubeconfigs[tenant])
      throw new Error(
        `the control plane has no user "${args.tenantUser}" for the Secret ${tenant}-kubeconfig; start kubeplane with --user ${args.tenantUser} or pass --tenant-user`,
      );
    clusters[tenant] = adminKubeConfig(c.adminKubeconfig);
    tenantKubeconfigs[tenant] = readFileSync(user.kubeconfigs[tenant], 'utf8');
  }
  return { clusters, tenantKubeconfigs };
}

function printCounts(result: SeedResult, fleetDir: string) {
  for (const [name, c] of Object.entries(result.clusters)) {
    console.log(
      `${name}: ${c.objects} objects (${c.created} created, ${c.updated} updated, ${c.unchanged} unchanged), ` +
        `${c.statuses} status writes (${c.statusesChanged} changed)${
          c.deleted ? `, ${c.deleted} stale deleted` : ''
        }`,
    );
  }
  console.log(
    `seeded ${fleetDir} in ${(result.durationMs / 1000).toFixed(1)} s`,
  );
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const state = readReadyState(args.stateDir);
  const central = centralAndIslands(state, args);
  const tenants = tenantClusters(state, args);
  const result = await seedFleet({
    clusters: { ...central.clusters, ...tenants.clusters },
    islandKubeconfigs: central.islandKubeconfigs,
    tenantKubeconfigs: tenants.tenantKubeconfigs,
    fleetDir: args.fleetDir,
    log: args.verbose
      ? line => console.log(`  ${line}`)
      : line => line.startsWith('warning') && console.log(line),
  });
  printCounts(result, args.fleetDir);
}

main().catch(e => {
  console.error(`seed: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
