import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import {
  FLEET_KINDS,
  KAMAJI_LABELS,
  apiVersionOf,
} from '@kamaji-backstage/plugin-kamaji-common';
import { REPO_ROOT } from '../paths';
import { AnyObject, FleetObjectApi } from './FleetObjectApi';
import { ManifestObject, describe, readManifests } from './manifests';

/** The field manager of every write the seeder makes. */
export const SEED_FIELD_MANAGER = 'kamaji-backstage-seed';

/**
 * On a TenantControlPlane manifest: `<namespace>/<name>` of the KamajiControlPlane in the
 * management cluster that (in a real fleet) creates it. The seeder derives the TCP's name from it
 * (`kcp-<KCP uid>` with an external cluster reference, else the KCP's name, plus a controller
 * ownerReference to the KCP), and does not write the annotation to the cluster.
 */
export const SEED_FOR_KCP_ANNOTATION =
  'seed.kamaji-backstage.io/for-kamajicontrolplane';

/**
 * On any manifest: `<Kind>/<name>` of an object in the same namespace and cluster, seeded before it,
 * that controls it (a ReplicaSet's Deployment, a Pod's ReplicaSet). The seeder writes the controller
 * ownerReference with the owner's uid, as the controllers do, and not the annotation itself.
 */
export const SEED_CONTROLLED_BY_ANNOTATION =
  'seed.kamaji-backstage.io/controlled-by';

/** Replaced, in the status of KamajiControlPlanes and seeded TenantControlPlanes, by the TCP's name. */
export const TCP_NAME_PLACEHOLDER = '${TCP_NAME}';

/** The example fleet of the repository. */
export const DEFAULT_FLEET_DIR = resolve(REPO_ROOT, 'examples', 'fleet');

const MANAGEMENT_CLUSTER = 'central';
const DEFAULT_ISLAND_NAMESPACE = 'fleet-islands';
const KCP = FLEET_KINDS.KamajiControlPlane;
const TCP = FLEET_KINDS.TenantControlPlane;
const CAPI_SECRET_TYPE = 'cluster.x-k8s.io/secret';

export interface SeedFleetOptions {
  /** KubeConfigs by cluster name: `central` (the management cluster) and one per island directory. */
  clusters: Record<string, KubeConfig>;
  /** Island name → kubeconfig YAML stored in central as the CAPI Secret `<island>-kubeconfig` (key `value`). */
  islandKubeconfigs: Record<string, string>;
  /**
   * Tenant name → kubeconfig YAML stored in central as the CAPI Secret `<tenant>-kubeconfig` (key
   * `value`, in the tenant Cluster's namespace), for tenants with their own API server in
   * `clusters`: their workloads (`tenants/<tenant>/*.yaml`) are seeded there. Tenant directories
   * without a KubeConfig in `clusters` are skipped (no API server, no Secret).
   */
  tenantKubeconfigs?: Record<string, string>;
  /** Default: examples/fleet of the repository. Layout: `central/*.yaml`, `islands/<island>/*.yaml`. */
  fleetDir?: string;
  /** Progress lines (never Secret content). */
  log?: (line: string) => void;
}

/** What one seeding run did in one cluster. */
export interface SeedClusterCounts {
  /** Objects applied (server-side apply). */
  objects: number;
  created: number;
  /** Existing objects whose resourceVersion changed. */
  updated: number;
  unchanged: number;
  /** Status subresource writes. */
  statuses: number;
  /** Status writes that changed the object. */
  statusesChanged: number;
  /** Seeded TenantControlPlanes removed because their KamajiControlPlane changed uid. */
  deleted: number;
}

export interface SeededTenantControlPlane {
  /** The cluster it was written to. */
  cluster: string;
  namespace: string;
  name: string;
}

export interface SeedResult {
  clusters: Record<string, SeedClusterCounts>;
  /** `<namespace>/<name>` of each KamajiControlPlane in central → the TenantControlPlane seeded for it. */
  tenantControlPlanes: Record<string, SeededTenantControlPlane>;
  durationMs: number;
}

interface Applied {
  source: string;
  stored: AnyObject;
  /** The status from the manifest, written through the status subresource. */
  status?: any;
  /** The name `${TCP_NAME}` stands for in this object's status. */
  tcpName?: string;
}

function isSeededTcp(obj: AnyObject): boolean {
  return (
    obj.kind === TCP.kind &&
    !!obj.metadata?.annotations?.[SEED_FOR_KCP_ANNOTATION]
  );
}

function newCounts(): SeedClusterCounts {
  return {
    objects: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    statuses: 0,
    statusesChanged: 0,
    deleted: 0,
  };
}

function clone<T>(value: T): T {
  return value === undefined ? value : JSON.parse(JSON.stringify(value));
}

/** Replaces `${TCP_NAME}` in every string of a value. */
function substituteTcpName(
  value: any,
  tcpName: string | undefined,
  where: string,
): any {
  if (typeof value === 'string') {
    if (!value.includes(TCP_NAME_PLACEHOLDER)) return value;
    if (!tcpName)
      throw new Error(
        `${where}: ${TCP_NAME_PLACEHOLDER} is only resolved in KamajiControlPlane and seeded TenantControlPlane status`,
      );
    return value.split(TCP_NAME_PLACEHOLDER).join(tcpName);
  }
  if (Array.isArray(value))
    return value.map(v => substituteTcpName(v, tcpName, where));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        substituteTcpName(v, tcpName, where),
      ]),
    );
  }
  return value;
}

function assertNoPlaceholder(value: any, where: string) {
  if (JSON.stringify(value ?? null).includes(TCP_NAME_PLACEHOLDER)) {
    throw new Error(
      `${where}: ${TCP_NAME_PLACEHOLDER} may only appear in status`,
    );
  }
}

/** The name of the TenantControlPlane a KamajiControlPlane produces. */
function tcpNameForKcp(kcp: AnyObject): string {
  return kcp.spec?.deployment?.externalClusterReference
    ? `kcp-${kcp.metadata.uid}`
    : kcp.metadata.name;
}

/** The island or tenant directories of a fleet directory, sorted. */
export function fleetSubDirs(
  fleetDir: string,
  sub: 'islands' | 'tenants',
): string[] {
  const dir = join(fleetDir, sub);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter(d => statSync(join(dir, d)).isDirectory())
    .sort();
}

/** The directories of a fleet, checked against the API servers and kubeconfigs given for them. */
interface FleetLayout {
  fleetDir: string;
  islands: string[];
  /** The tenant directories whose tenant has an API server of its own. */
  tenants: string[];
}

function readFleetLayout(
  options: SeedFleetOptions,
  log: (line: string) => void,
): FleetLayout {
  const fleetDir = resolve(options.fleetDir ?? DEFAULT_FLEET_DIR);
  if (!existsSync(join(fleetDir, 'central'))) {
    throw new Error(
      `no ${join(fleetDir, 'central')} directory: not a fleet directory`,
    );
  }
  if (!options.clusters[MANAGEMENT_CLUSTER])
    throw new Error(
      `no KubeConfig for the management cluster "${MANAGEMENT_CLUSTER}"`,
    );
  const islands = fleetSubDirs(fleetDir, 'islands');
  for (const island of islands) {
    if (!options.clusters[island])
      throw new Error(
        `${fleetDir}/islands/${island} exists, but no KubeConfig was given for cluster "${island}"`,
      );
    if (options.islandKubeconfigs[island] === undefined) {
      throw new Error(
        `no kubeconfig YAML given for island "${island}" (needed for Secret ${island}-kubeconfig)`,
      );
    }
  }
  const tenants = fleetSubDirs(fleetDir, 'tenants').filter(tenant => {
    if (!options.clusters[tenant]) {
      log(
        `tenant ${tenant}: no API server given, its workloads (tenants/${tenant}) and Secret are not seeded`,
      );
      return false;
    }
    if (options.tenantKubeconfigs?.[tenant] === undefined) {
      throw new Error(
        `no kubeconfig YAML given for tenant "${tenant}" (needed for Secret ${tenant}-kubeconfig)`,
      );
    }
    return true;
  });
  return { fleetDir, islands, tenants };
}

/**
 * The CAPI kubeconfig Secrets of the islands and of the tenants with an API server, each in the
 * namespace of its Cluster in central.
 */
function kubeconfigSecrets(
  options: SeedFleetOptions,
  { fleetDir, tenants }: FleetLayout,
  centralDocs: ManifestObject[],
): ManifestObject[] {
  const wanted = [
    ...Object.entries(options.islandKubeconfigs).map(([name, kubeconfig]) => ({
      name,
      kubeconfig,
      role: 'island',
    })),
    ...tenants.map(name => ({
      name,
      kubeconfig: options.tenantKubeconfigs![name],
      role: 'tenant',
    })),
  ];
  return wanted.map(({ name, kubeconfig, role }) => {
    const cluster = centralDocs.find(
      d =>
        d.obj.kind === 'Cluster' &&
        d.obj.metadata.name === name &&
        (d.obj.metadata.labels?.[KAMAJI_LABELS.role] === 'island') ===
          (role === 'island'),
    );
    if (!cluster && role === 'tenant')
      throw new Error(
        `tenants/${name}: no tenant Cluster "${name}" is declared in ${fleetDir}/central`,
      );
    const secret: AnyObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: `${name}-kubeconfig`,
        namespace: cluster?.obj.metadata.namespace ?? DEFAULT_ISLAND_NAMESPACE,
        labels: { [KAMAJI_LABELS.capiClusterName]: name },
      },
      type: CAPI_SECRET_TYPE,
      data: { value: Buffer.from(kubeconfig, 'utf8').toString('base64') },
    };
    const source = `(kubeconfig of ${role} ${name}, ${Buffer.byteLength(
      kubeconfig,
    )} bytes)`;
    return { obj: secret, source };
  });
}

/** Resolves `seed.kamaji-backstage.io/controlled-by` to the controller ownerReference. */
function withController(m: ManifestObject, applied: Applied[]): ManifestObject {
  const ref: string | undefined =
    m.obj.metadata.annotations?.[SEED_CONTROLLED_BY_ANNOTATION];
  if (!ref) return m;
  const [kind, name, ...rest] = ref.split('/');
  const owner = applied.find(
    a =>
      a.stored.kind === kind &&
      a.stored.metadata.name === name &&
      a.stored.metadata.namespace === m.obj.metadata.namespace,
  )?.stored;
  if (!kind || !name || rest.length || !owner) {
    throw new Error(
      `${m.source}: ${SEED_CONTROLLED_BY_ANNOTATION} must name a <Kind>/<name> seeded before it in the same namespace, got "${ref}"`,
    );
  }
  const obj = withoutAnnotation(m.obj, SEED_CONTROLLED_BY_ANNOTATION);
  obj.metadata.ownerReferences = [controllerReference(owner)];
  return { obj, source: m.source };
}

/** A copy of `obj` without one annotation (and without `annotations` once it is empty). */
function withoutAnnotation(obj: AnyObject, annotation: string): AnyObject {
  const copy = clone(obj);
  delete copy.metadata.annotations[annotation];
  if (!Object.keys(copy.metadata.annotations).length)
    delete copy.metadata.annotations;
  return copy;
}

function controllerReference(owner: AnyObject) {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** DataStore `status.usedBy`, as Kamaji reports it: the TCPs of the same cluster that use it. */
function fillDataStoreUsedBy(applied: Applied[]) {
  const tcps = applied
    .filter(a => a.stored.kind === TCP.kind)
    .map(a => a.stored);
  for (const a of applied) {
    if (a.stored.kind === FLEET_KINDS.DataStore.kind && a.status) {
      a.status.usedBy = tcps
        .filter(
          t => (t.spec?.dataStore ?? 'default') === a.stored.metadata.name,
        )
        .map(t => `${t.metadata.namespace}/${t.metadata.name}`)
        .sort();
    }
  }
}

/** The status of an applied object as its controller would write it. */
function statusBody(a: Applied): AnyObject {
  const tcpName =
    a.tcpName ??
    (a.stored.kind === KCP.kind ? tcpNameForKcp(a.stored) : undefined);
  const { name, namespace } = a.stored.metadata;
  return {
    apiVersion: a.stored.apiVersion,
    kind: a.stored.kind,
    metadata: { name, ...(namespace ? { namespace } : {}) },
    status: substituteTcpName(a.status, tcpName, a.source),
  };
}

/** Seeds clusters one after the other, counting what it did in each. */
class FleetSeeder {
  readonly result: Omit<SeedResult, 'durationMs'> = {
    clusters: {},
    tenantControlPlanes: {},
  };

  constructor(
    private readonly apis: Record<string, FleetObjectApi>,
    private readonly log: (line: string) => void,
  ) {}

  /**
   * Applies a cluster's manifests (Namespaces first, then `extraObjects`, then the
   * TenantControlPlanes named after their KamajiControlPlane) and writes their statuses.
   */
  async seedCluster(
    cluster: string,
    docs: ManifestObject[],
    extraObjects: ManifestObject[] = [],
  ) {
    const counts = newCounts();
    this.result.clusters[cluster] = counts;
    const applied: Applied[] = [];
    const direct = docs.filter(d => !isSeededTcp(d.obj));
    for (const m of [
      ...direct.filter(d => d.obj.kind === 'Namespace'),
      ...direct.filter(d => d.obj.kind !== 'Namespace'),
      ...extraObjects,
    ])
      applied.push(
        await this.applyObject(cluster, withController(m, applied), counts),
      );
    const seeded = docs.filter(d => isSeededTcp(d.obj));
    const wanted = await this.applySeededTcps(cluster, seeded, applied, counts);
    await this.removeStaleTcps(cluster, wanted, counts);
    fillDataStoreUsedBy(applied);
    for (const a of applied) {
      if (a.status !== undefined) await this.writeStatus(cluster, a, counts);
    }
  }

  /**
   * TenantControlPlanes named after their KamajiControlPlane (central has been applied by now).
   * Returns the names seeded, by namespace.
   */
  private async applySeededTcps(
    cluster: string,
    seeded: ManifestObject[],
    applied: Applied[],
    counts: SeedClusterCounts,
  ): Promise<Map<string, Set<string>>> {
    const wanted = new Map<string, Set<string>>();
    for (const m of seeded) {
      const { resolved, kcpRef } = await this.resolveSeededTcp(cluster, m);
      const a = await this.applyObject(cluster, resolved, counts);
      a.tcpName = a.stored.metadata.name;
      applied.push(a);
      const { namespace, name } = a.stored.metadata;
      this.result.tenantControlPlanes[kcpRef] = { cluster, namespace, name };
      if (!wanted.has(namespace)) wanted.set(namespace, new Set());
      wanted.get(namespace)!.add(name);
    }
    return wanted;
  }

  /** A KCP that was re-created has a new uid: removes the TCP seeded for the old one. */
  private async removeStaleTcps(
    cluster: string,
    wanted: Map<string, Set<string>>,
    counts: SeedClusterCounts,
  ) {
    const api = this.apis[cluster];
    for (const [namespace, names] of wanted) {
      for (const tcp of await api.listAll(
        apiVersionOf(TCP),
        TCP.kind,
        namespace,
      )) {
        const seededByUs = (tcp.metadata.managedFields ?? []).some(
          (f: any) => f.manager === SEED_FIELD_MANAGER,
        );
        if (
          seededByUs &&
          tcp.metadata.name.startsWith('kcp-') &&
          !names.has(tcp.metadata.name)
        ) {
          await api.remove(tcp);
          counts.deleted++;
          this.log(
            `${cluster}: deleted stale ${describe(
              tcp,
            )} (its KamajiControlPlane was re-created)`,
          );
        }
      }
    }
  }

  /** Plays the controller: writes the object's status through the status subresource. */
  private async writeStatus(
    cluster: string,
    a: Applied,
    counts: SeedClusterCounts,
  ) {
    let stored: AnyObject;
    try {
      stored = await this.apis[cluster].apply(statusBody(a), {
        fieldManager: SEED_FIELD_MANAGER,
        subresource: 'status',
      });
    } catch (e) {
      throw new Error(
        `${cluster}: status of ${describe(a.stored)} (${a.source}): ${
          (e as Error).message
        }`,
      );
    }
    counts.statuses++;
    if (stored.metadata.resourceVersion !== a.stored.metadata.resourceVersion) {
      counts.statusesChanged++;
      this.log(`${cluster}: status of ${describe(stored)} written`);
    }
  }

  /** Server-side apply of one object, its status (when the kind has the subresource) kept apart. */
  private async applyObject(
    cluster: string,
    m: ManifestObject,
    counts: SeedClusterCounts,
  ): Promise<Applied> {
    const api = this.apis[cluster];
    const body = clone(m.obj);
    const where = `${cluster}: ${describe(body)} (${m.source})`;
    let status: any;
    if (
      body.status !== undefined &&
      (await api.hasStatusSubresource(body.apiVersion, body.kind))
    ) {
      status = body.status;
      delete body.status;
    }
    assertNoPlaceholder(body, where);
    if (
      (await api.isNamespaced(body.apiVersion, body.kind)) &&
      !body.metadata.namespace
    ) {
      throw new Error(`${where}: namespaced kind without metadata.namespace`);
    }
    let stored: AnyObject;
    let before: AnyObject | undefined;
    try {
      before = await api.get(body);
      stored = await api.apply(body, { fieldManager: SEED_FIELD_MANAGER });
    } catch (e) {
      throw new Error(`${where}: ${(e as Error).message}`);
    }
    this.count(cluster, counts, before, stored);
    return { source: m.source, stored, status };
  }

  private count(
    cluster: string,
    counts: SeedClusterCounts,
    before: AnyObject | undefined,
    stored: AnyObject,
  ) {
    counts.objects++;
    if (!before) {
      counts.created++;
      this.log(`${cluster}: created ${describe(stored)}`);
    } else if (
      before.metadata.resourceVersion !== stored.metadata.resourceVersion
    ) {
      counts.updated++;
      this.log(`${cluster}: updated ${describe(stored)}`);
    } else {
      counts.unchanged++;
    }
  }

  /** Names a seeded TenantControlPlane after its KamajiControlPlane in central, as the KCP controller would. */
  private async resolveSeededTcp(
    cluster: string,
    m: ManifestObject,
  ): Promise<{ resolved: ManifestObject; kcpRef: string }> {
    const kcpRef: string = m.obj.metadata.annotations[SEED_FOR_KCP_ANNOTATION];
    const where = `${cluster}: ${m.source}`;
    const kcp = await this.kamajiControlPlane(kcpRef, where);
    const obj = withoutAnnotation(m.obj, SEED_FOR_KCP_ANNOTATION);
    const { name, namespace } = tcpPlacement(kcp, kcpRef, cluster, where);
    if (!kcp.spec?.deployment?.externalClusterReference)
      obj.metadata.ownerReferences = [controllerReference(kcp)];
    if (obj.metadata.name && obj.metadata.name !== name) {
      throw new Error(
        `${where}: metadata.name "${obj.metadata.name}" differs from the name the controller uses, "${name}"`,
      );
    }
    if (obj.metadata.namespace && obj.metadata.namespace !== namespace) {
      throw new Error(
        `${where}: metadata.namespace "${obj.metadata.namespace}" differs from the KCP's deployment namespace "${namespace}"`,
      );
    }
    obj.metadata.name = name;
    obj.metadata.namespace = namespace;
    return { resolved: { obj, source: m.source }, kcpRef };
  }

  private async kamajiControlPlane(
    kcpRef: string,
    where: string,
  ): Promise<AnyObject> {
    const [kcpNamespace, kcpName, ...rest] = kcpRef.split('/');
    if (!kcpNamespace || !kcpName || rest.length) {
      throw new Error(
        `${where}: ${SEED_FOR_KCP_ANNOTATION} must be <namespace>/<name>, got "${kcpRef}"`,
      );
    }
    const kcp = await this.apis[MANAGEMENT_CLUSTER].get({
      apiVersion: apiVersionOf(KCP),
      kind: KCP.kind,
      metadata: { name: kcpName, namespace: kcpNamespace },
    });
    if (!kcp)
      throw new Error(
        `${where}: KamajiControlPlane ${kcpRef} does not exist in ${MANAGEMENT_CLUSTER}`,
      );
    return kcp;
  }
}

/**
 * Where the KCP controller puts a KamajiControlPlane's TenantControlPlane: `kcp-<uid>` in the
 * deployment namespace of the island its external cluster reference names, else the KCP's own
 * name and namespace in central. `cluster` is where the manifest declares it.
 */
function tcpPlacement(
  kcp: AnyObject,
  kcpRef: string,
  cluster: string,
  where: string,
): { name: string; namespace: string } {
  const ext = kcp.spec?.deployment?.externalClusterReference;
  if (ext) {
    const island = String(ext.kubeconfigSecretName).replace(/-kubeconfig$/, '');
    if (island !== cluster) {
      throw new Error(
        `${where}: KamajiControlPlane ${kcpRef} is hosted via Secret ${ext.kubeconfigSecretName}, i.e. on "${island}", but its TenantControlPlane is declared for "${cluster}"`,
      );
    }
    return { name: tcpNameForKcp(kcp), namespace: ext.deploymentNamespace };
  }
  if (cluster !== MANAGEMENT_CLUSTER) {
    throw new Error(
      `${where}: KamajiControlPlane ${kcpRef} has no externalClusterReference, so its TenantControlPlane belongs in ${MANAGEMENT_CLUSTER}`,
    );
  }
  return { name: kcp.metadata.name, namespace: kcp.metadata.namespace };
}

function warnAboutKcpsWithoutTcp(
  centralDocs: ManifestObject[],
  result: Omit<SeedResult, 'durationMs'>,
  fleetDir: string,
  log: (line: string) => void,
) {
  for (const d of centralDocs) {
    if (d.obj.kind !== KCP.kind) continue;
    const kcp = `${d.obj.metadata.namespace}/${d.obj.metadata.name}`;
    if (!result.tenantControlPlanes[kcp])
      log(
        `warning: KamajiControlPlane ${kcp} has no TenantControlPlane in ${fleetDir}`,
      );
  }
}

/**
 * Seeds the example fleet into real API servers: the management cluster `central` gets
 * `<fleetDir>/central/*.yaml` plus one CAPI kubeconfig Secret per island; each island gets
 * `<fleetDir>/islands/<island>/*.yaml`, with the TenantControlPlanes named after the uid of their
 * KamajiControlPlane in central. Every write is a server-side apply with strict field validation
 * (unknown fields are errors, nothing is silently pruned); status is written through the status
 * subresource, playing the controllers. Running it again changes nothing.
 */
export async function seedFleet(
  options: SeedFleetOptions,
): Promise<SeedResult> {
  const started = Date.now();
  const log = options.log ?? (() => {});
  const layout = readFleetLayout(options, log);
  const { fleetDir } = layout;
  const apis = Object.fromEntries(
    Object.entries(options.clusters).map(([name, kubeConfig]) => [
      name,
      FleetObjectApi.forConfig(kubeConfig),
    ]),
  );
  const seeder = new FleetSeeder(apis, log);
  const centralDocs = readManifests(
    join(fleetDir, 'central'),
    fleetDir,
    isSeededTcp,
  );
  await seeder.seedCluster(
    MANAGEMENT_CLUSTER,
    centralDocs,
    kubeconfigSecrets(options, layout, centralDocs),
  );
  for (const island of layout.islands) {
    const islandDir = join(fleetDir, 'islands', island);
    await seeder.seedCluster(
      island,
      readManifests(islandDir, fleetDir, isSeededTcp),
    );
  }
  // The tenants' own API servers: their workloads.
  for (const tenant of layout.tenants) {
    const tenantDir = join(fleetDir, 'tenants', tenant);
    await seeder.seedCluster(tenant, readManifests(tenantDir, fleetDir));
  }
  warnAboutKcpsWithoutTcp(centralDocs, seeder.result, fleetDir, log);
  return { ...seeder.result, durationMs: Date.now() - started };
}
