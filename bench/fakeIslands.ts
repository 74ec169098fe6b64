/*
 * The fake islands of the large benchmarks: `kubeplane fake-islands` serving TenantControlPlanes
 * and a DataStore that lists them.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KUBEPLANE_BIN } from '@internal/test-kube';
import { sleep, waitFor } from './lib';
import { Tenant, islandDataStore, tenantTcp } from './seed';

/** The kubeconfig of an island's CAPI Secret, with a static token. */
export function kubeconfigYaml(server: string, caData: string, token: string) {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: island`,
    `  cluster: {server: "${server}", certificate-authority-data: ${caData}}`,
    'users:',
    `- name: bench`,
    `  user: {token: ${token}}`,
    'contexts:',
    `- name: island`,
    `  context: {cluster: island, user: bench}`,
    'current-context: island',
    '',
  ].join('\n');
}

/** Starts one process serving every island (list/watch in memory, one TLS port each, same CA). */
export async function startFakeIslands(
  workDir: string,
  caDir: string,
  tenants: Tenant[],
  islands: string[],
): Promise<{ proc: ChildProcess; out: any }> {
  const byIsland = new Map<string, any[]>(islands.map(i => [i, []]));
  for (const t of tenants) byIsland.get(t.island)!.push(tenantTcp(t, true));
  for (const objects of byIsland.values())
    objects.push(islandDataStore(objects));
  const spec = {
    resources: [
      {
        group: 'kamaji.clastix.io',
        version: 'v1alpha1',
        kind: 'TenantControlPlane',
        plural: 'tenantcontrolplanes',
        namespaced: true,
      },
      {
        group: 'kamaji.clastix.io',
        version: 'v1alpha1',
        kind: 'DataStore',
        plural: 'datastores',
        namespaced: false,
      },
    ],
    clusters: islands.map(name => ({ name, objects: byIsland.get(name) })),
  };
  const specFile = join(workDir, 'fake-islands.json');
  const outFile = join(workDir, 'fake-islands.out.json');
  writeFileSync(specFile, JSON.stringify(spec));
  // A second start in the same dir must not read the previous process's addresses.
  rmSync(outFile, { force: true });
  let output = '';
  const proc = spawn(
    KUBEPLANE_BIN,
    ['fake-islands', '--spec', specFile, '--ca-dir', caDir, '--out', outFile],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  proc.stdout!.on('data', d => (output += d));
  proc.stderr!.on('data', d => (output += d));
  await waitFor(
    'kubeplane fake-islands to listen',
    () => {
      if (proc.exitCode !== null)
        throw new Error(`fake-islands exited: ${output}`);
      return existsSync(outFile) && readFileSync(outFile, 'utf8').length > 0;
    },
    60_000,
    100,
  );
  await sleep(200);
  return { proc, out: JSON.parse(readFileSync(outFile, 'utf8')) };
}
