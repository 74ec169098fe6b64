/*
 * Builds a large synthetic fleet from the example manifests (examples/fleet: a tenant Cluster,
 * its KamajiControlPlane and a TenantControlPlane, all with realistic status) and writes it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { FleetObjectApi, REPO_ROOT } from '@internal/test-kube';
import { pool } from './lib';

export const FIELD_MANAGER = 'kamaji-backstage-bench';
export const ISLAND_NS = 'fleet-islands';
export const TENANT_NS = 'fleet-tenants';
export const TCP_NS = 'kamaji-tenants';
export const OWNERS = [
  'team-factory',
  'team-retail',
  'team-logistics',
  'team-data',
  'team-platform',
];
export const K8S_ID_LABEL = 'backstage.io/kubernetes-id';

type Obj = {
  apiVersion: string;
  kind: string;
  metadata: any;
  [k: string]: any;
};

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));

function docs(file: string): Obj[] {
  return parseAllDocuments(
    readFileSync(join(REPO_ROOT, 'examples', 'fleet', file), 'utf8'),
  )
    .map(d => d.toJS() as Obj)
    .filter(Boolean);
}

const T = (() => {
  const islands = docs('central/10-islands.yaml');
  const tenant = docs('central/30-tenant-lyon-press-line.yaml');
  const tcps = docs('islands/island-a/20-tenantcontrolplanes.yaml');
  return {
    dataStore: docs('islands/island-a/10-datastore.yaml')[0],
    island: islands[0],
    cluster: tenant.find(d => d.kind === 'Cluster')!,
    kcp: tenant.find(d => d.kind === 'KamajiControlPlane')!,
    tcp: tcps[0],
  };
})();

/** Health mix per tenant index: 70 % ready, 15 % degraded (Available False), 15 % without status (just created). */
export function stateOf(i: number): 'ready' | 'degraded' | 'new' {
  const m = i % 20;
  if (m < 14) return 'ready';
  if (m < 17) return 'degraded';
  return 'new';
}

export function islandName(i: number, width: number) {
  return `island-${String(i + 1).padStart(width, '0')}`;
}

export interface Tenant {
  name: string;
  island: string;
  owner: string;
  index: number;
  kcpUid?: string;
}

export function planTenants(islands: string[], perIsland: number): Tenant[] {
  const out: Tenant[] = [];
  let index = 0;
  for (const island of islands)
    for (let j = 0; j < perIsland; j++) {
      out.push({
        name: `${island}-t${String(j + 1).padStart(3, '0')}`,
        island,
        owner: OWNERS[index % OWNERS.length],
        index,
      });
      index++;
    }
  return out;
}

export function islandCluster(name: string, n: number): Obj {
  const o = clone(T.island);
  o.metadata = {
    name,
    namespace: ISLAND_NS,
    labels: {
      'kamaji-backstage.io/role': 'island',
      'kamaji-backstage.io/owner': 'team-platform',
      'kamaji-backstage.io/site': `site-${name}`,
    },
  };
  o.spec.controlPlaneEndpoint = {
    host: `10.${100 + (n >> 8)}.${n & 255}.10`,
    port: 6443,
  };
  o.spec.controlPlaneRef.name = name;
  o.spec.infrastructureRef.name = name;
  return o;
}

export function islandSecret(island: string, kubeconfigYaml: string): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: `${island}-kubeconfig`,
      namespace: ISLAND_NS,
      labels: { 'cluster.x-k8s.io/cluster-name': island },
    },
    type: 'cluster.x-k8s.io/secret',
    data: { value: Buffer.from(kubeconfigYaml).toString('base64') },
  };
}

function ip(t: Tenant) {
  return `10.${(t.index >> 16) & 255}.${(t.index >> 8) & 255}.${t.index & 255}`;
}

export function tenantCluster(t: Tenant): Obj {
  const o = clone(T.cluster);
  o.metadata = {
    name: t.name,
    namespace: TENANT_NS,
    labels: {
      'kamaji-backstage.io/owner': t.owner,
      'kamaji-backstage.io/island': t.island,
      'kamaji-backstage.io/site': `site-${t.island}`,
      'addons.kamaji-backstage.io/observability': 'enabled',
    },
  };
  o.spec.controlPlaneEndpoint = { host: ip(t), port: 6443 };
  o.spec.controlPlaneRef.name = t.name;
  o.spec.infrastructureRef.name = t.name;
  const st = stateOf(t.index);
  if (st === 'new') delete o.status;
  else if (st === 'degraded') {
    for (const c of o.status.conditions)
      if (c.type === 'Available' || c.type === 'WorkersAvailable') {
        c.status = 'False';
        c.reason = 'NotAvailable';
        c.message = '1 of 3 worker machines is not ready';
      }
    o.status.workers.readyReplicas = 2;
    o.status.workers.availableReplicas = 2;
  }
  return o;
}

export function tenantKcp(t: Tenant): Obj {
  const o = clone(T.kcp);
  o.metadata = {
    name: t.name,
    namespace: TENANT_NS,
    labels: {
      'cluster.x-k8s.io/cluster-name': t.name,
      'kamaji-backstage.io/owner': t.owner,
    },
  };
  o.spec.controlPlaneEndpoint = { host: ip(t), port: 6443 };
  o.spec.network.certSANs = [`${t.name}.example.com`];
  o.spec.deployment.externalClusterReference = {
    deploymentNamespace: TCP_NS,
    kubeconfigSecretName: `${t.island}-kubeconfig`,
    kubeconfigSecretKey: 'value',
    kubeconfigSecretNamespace: ISLAND_NS,
  };
  if (stateOf(t.index) === 'new') delete o.status;
  return o;
}

function subst(v: any, name: string): any {
  return JSON.parse(JSON.stringify(v).split('${TCP_NAME}').join(name));
}

export function kcpStatus(t: Tenant): Obj | undefined {
  if (stateOf(t.index) === 'new') return undefined;
  const o = tenantKcp(t);
  return {
    apiVersion: o.apiVersion,
    kind: o.kind,
    metadata: { name: t.name, namespace: TENANT_NS },
    status: subst(clone(T.kcp.status), `kcp-${t.kcpUid}`),
  };
}

/** The TenantControlPlane the KamajiControlPlane controller would create on the island. */
export function tenantTcp(t: Tenant, withStatus: boolean): Obj {
  const o = clone(T.tcp);
  const name = `kcp-${t.kcpUid}`;
  o.metadata = {
    name,
    namespace: TCP_NS,
    labels: {
      'cluster.x-k8s.io/cluster-name': t.name,
      'kamaji-backstage.io/owner': t.owner,
      [K8S_ID_LABEL]: 'fleet',
    },
  };
  o.spec.networkProfile.certSANs = [`${t.name}.example.com`];
  if (stateOf(t.index) === 'new' || !withStatus) delete o.status;
  else {
    o.status = subst(o.status, name);
    o.status.controlPlaneEndpoint = `${ip(t)}:6443`;
  }
  return o;
}

/** An island's DataStore, its `status.usedBy` listing the TenantControlPlanes as Kamaji reports it. */
export function islandDataStore(tcps: Obj[]): Obj {
  const o = clone(T.dataStore);
  o.status.usedBy = tcps
    .filter(tcp => tcp.status)
    .map(tcp => `${tcp.metadata.namespace}/${tcp.metadata.name}`);
  return o;
}

export function namespace(name: string): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { 'app.kubernetes.io/part-of': 'edge-fleet' } },
  };
}

export async function apply(api: FleetObjectApi, o: Obj): Promise<Obj> {
  return api.apply(o, { fieldManager: FIELD_MANAGER });
}

export async function applyStatus(api: FleetObjectApi, o: Obj): Promise<void> {
  await api.apply(o, { fieldManager: FIELD_MANAGER, subresource: 'status' });
}

/** Writes the central part of the fleet: islands (without Secrets), tenant Clusters and KCPs with status. Sets kcpUid. */
export async function seedCentral(
  central: FleetObjectApi,
  islands: string[],
  tenants: Tenant[],
  concurrency: number,
  log: (s: string) => void,
) {
  for (const ns of [ISLAND_NS, TENANT_NS]) await apply(central, namespace(ns));
  await pool(islands, concurrency, async (name, i) => {
    const o = islandCluster(name, i);
    await apply(central, o);
    await applyStatus(central, { ...o, spec: undefined } as any);
  });
  let done = 0;
  await pool(tenants, concurrency, async t => {
    const c = tenantCluster(t);
    await apply(central, { ...c, status: undefined } as any);
    if (c.status)
      await applyStatus(central, {
        apiVersion: c.apiVersion,
        kind: c.kind,
        metadata: { name: c.metadata.name, namespace: TENANT_NS },
        status: c.status,
      });
    const kcp = tenantKcp(t);
    const stored = await apply(central, { ...kcp, status: undefined } as any);
    t.kcpUid = stored.metadata.uid;
    const st = kcpStatus(t);
    if (st) await applyStatus(central, st);
    if (++done % 1000 === 0)
      log(`  central: ${done}/${tenants.length} tenants`);
  });
}
