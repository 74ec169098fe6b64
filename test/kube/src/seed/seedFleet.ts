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

function listSubDirs(fleetDir: string, sub: 'islands' | 'tenants'): string[] {
  const dir = join(fleetDir, sub);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter(d => statSync(join(dir, d)).isDirectory())
    .sort();
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
  const fleetDir = resolve(options.fleetDir ?? DEFAULT_FLEET_DIR);
  const log = options.log ?? (() => {});
  if (!existsSync(join(fleetDir, 'central'))) {
    throw new Error(
      `no ${join(fleetDir, 'central')} directory: not a fleet directory`,
    );
  }
  const apis: Record<string, FleetObjectApi> = {};
  for (const [name, kc] of Object.entries(options.clusters))
    apis[name] = FleetObjectApi.forConfig(kc);
  const central = apis[MANAGEMENT_CLUSTER];
  if (!central)
    throw new Error(
      `no KubeConfig for the management cluster "${MANAGEMENT_CLUSTER}"`,
    );

  const islands = listSubDirs(fleetDir, 'islands');
  for (const island of islands) {
    if (!apis[island])
      throw new Error(
        `${fleetDir}/islands/${island} exists, but no KubeConfig was given for cluster "${island}"`,
      );
    if (options.islandKubeconfigs[island] === undefined) {
      throw new Error(
        `no kubeconfig YAML given for island "${island}" (needed for Secret ${island}-kubeconfig)`,
      );
    }
  }

  const tenants: string[] = [];
  for (const tenant of listSubDirs(fleetDir, 'tenants')) {
    if (!apis[tenant]) {
      log(
        `tenant ${tenant}: no API server given, its workloads (tenants/${tenant}) and Secret are not seeded`,
      );
      continue;
    }
    if (options.tenantKubeconfigs?.[tenant] === undefined) {
      throw new Error(
        `no kubeconfig YAML given for tenant "${tenant}" (needed for Secret ${tenant}-kubeconfig)`,
      );
    }
    tenants.push(tenant);
  }

  const result: SeedResult = {
    clusters: {},
    tenantControlPlanes: {},
    durationMs: 0,
  };

  // 1. central
  const centralDocs = readManifests(
    join(fleetDir, 'central'),
    fleetDir,
    isSeededTcp,
  );
  const centralCounts = newCounts();
  result.clusters[MANAGEMENT_CLUSTER] = centralCounts;
  await seedCluster(
    MANAGEMENT_CLUSTER,
    centralDocs,
    centralCounts,
    async applyAll => {
      // 2. the CAPI kubeconfig Secrets of the islands and of the tenants with an API server,
      // next to their Clusters
      const secrets: Array<[string, string, 'island' | 'tenant']> = [
        ...Object.entries(options.islandKubeconfigs).map(
          ([n, k]) => [n, k, 'island'] as [string, string, 'island'],
        ),
        ...tenants.map(
          t =>
            [t, options.tenantKubeconfigs![t], 'tenant'] as [
              string,
              string,
              'tenant',
            ],
        ),
      ];
      for (const [name, kubeconfig, role] of secrets) {
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
        const namespace =
          cluster?.obj.metadata.namespace ?? DEFAULT_ISLAND_NAMESPACE;
        const secret: AnyObject = {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: {
            name: `${name}-kubeconfig`,
            namespace,
            labels: { [KAMAJI_LABELS.capiClusterName]: name },
          },
          type: CAPI_SECRET_TYPE,
          data: { value: Buffer.from(kubeconfig, 'utf8').toString('base64') },
        };
        await applyAll([
          {
            obj: secret,
            source: `(kubeconfig of ${role} ${name}, ${Buffer.byteLength(
              kubeconfig,
            )} bytes)`,
          },
        ]);
      }
    },
  );

  // 3. the islands
  for (const island of islands) {
    const counts = newCounts();
    result.clusters[island] = counts;
    const docs = readManifests(
      join(fleetDir, 'islands', island),
      fleetDir,
      isSeededTcp,
    );
    await seedCluster(island, docs, counts);
  }

  // 4. the tenants' own API servers: their workloads
  for (const tenant of tenants) {
    const counts = newCounts();
    result.clusters[tenant] = counts;
    await seedCluster(
      tenant,
      readManifests(join(fleetDir, 'tenants', tenant), fleetDir),
      counts,
    );
  }

  const declared = centralDocs
    .filter(d => d.obj.kind === KCP.kind)
    .map(d => `${d.obj.metadata.namespace}/${d.obj.metadata.name}`);
  for (const kcp of declared) {
    if (!result.tenantControlPlanes[kcp])
      log(
        `warning: KamajiControlPlane ${kcp} has no TenantControlPlane in ${fleetDir}`,
      );
  }
  result.durationMs = Date.now() - started;
  return result;

  async function seedCluster(
    cluster: string,
    docs: ManifestObject[],
    counts: SeedClusterCounts,
    extra?: (
      applyAll: (objs: ManifestObject[]) => Promise<void>,
    ) => Promise<void>,
  ) {
    const api = apis[cluster];
    const applied: Applied[] = [];
    const applyAll = async (objs: ManifestObject[]) => {
      for (const m of objs)
        applied.push(
          await applyObject(cluster, api, withController(m, applied), counts),
        );
    };
    const direct = docs.filter(d => !isSeededTcp(d.obj));
    const seeded = docs.filter(d => isSeededTcp(d.obj));
    await applyAll(direct.filter(d => d.obj.kind === 'Namespace'));
    await applyAll(direct.filter(d => d.obj.kind !== 'Namespace'));
    if (extra) await extra(applyAll);

    // TenantControlPlanes named after their KamajiControlPlane (central has been applied by now).
    const wanted = new Map<string, Set<string>>(); // namespace -> seeded TCP names
    for (const m of seeded) {
      const { resolved, kcpRef } = await resolveSeededTcp(cluster, m);
      const a = await applyObject(cluster, api, resolved, counts);
      a.tcpName = a.stored.metadata.name;
      applied.push(a);
      const { namespace, name } = a.stored.metadata;
      result.tenantControlPlanes[kcpRef] = { cluster, namespace, name };
      if (!wanted.has(namespace)) wanted.set(namespace, new Set());
      wanted.get(namespace)!.add(name);
    }
    // A KCP that was re-created has a new uid: remove the TCP seeded for the old one.
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
          log(
            `${cluster}: deleted stale ${describe(
              tcp,
            )} (its KamajiControlPlane was re-created)`,
          );
        }
      }
    }

    // DataStore status.usedBy, as Kamaji reports it: the TCPs of this cluster that use the DataStore.
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

    // Play the controllers: write each object's status through the status subresource.
    for (const a of applied) {
      if (a.status === undefined) continue;
      const tcpName =
        a.tcpName ??
        (a.stored.kind === KCP.kind ? tcpNameForKcp(a.stored) : undefined);
      const status = substituteTcpName(a.status, tcpName, a.source);
      const body: AnyObject = {
        apiVersion: a.stored.apiVersion,
        kind: a.stored.kind,
        metadata: {
          name: a.stored.metadata.name,
          ...(a.stored.metadata.namespace
            ? { namespace: a.stored.metadata.namespace }
            : {}),
        },
        status,
      };
      let stored: AnyObject;
      try {
        stored = await api.apply(body, {
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
      if (
        stored.metadata.resourceVersion !== a.stored.metadata.resourceVersion
      ) {
        counts.statusesChanged++;
        log(`${cluster}: status of ${describe(stored)} written`);
      }
    }
  }

  async function applyObject(
    cluster: string,
    api: FleetObjectApi,
    m: ManifestObject,
    counts: SeedClusterCounts,
  ): Promise<Applied> {
    const body = clone(m.obj);
    const where = `${cluster}: ${describe(body)} (${m.source})`;
    let status: any;
    if (body.status !== undefined) {
      if (await api.hasStatusSubresource(body.apiVersion, body.kind)) {
        status = body.status;
        delete body.status;
      }
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
    counts.objects++;
    if (!before) {
      counts.created++;
      log(`${cluster}: created ${describe(stored)}`);
    } else if (
      before.metadata.resourceVersion !== stored.metadata.resourceVersion
    ) {
      counts.updated++;
      log(`${cluster}: updated ${describe(stored)}`);
    } else {
      counts.unchanged++;
    }
    return { source: m.source, stored, status };
  }

  /** Resolves `seed.kamaji-backstage.io/controlled-by` to the controller ownerReference. */
  function withController(
    m: ManifestObject,
    applied: Applied[],
  ): ManifestObject {
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
    const obj = clone(m.obj);
    delete obj.metadata.annotations[SEED_CONTROLLED_BY_ANNOTATION];
    if (!Object.keys(obj.metadata.annotations).length)
      delete obj.metadata.annotations;
    obj.metadata.ownerReferences = [
      {
        apiVersion: owner.apiVersion,
        kind: owner.kind,
        name: owner.metadata.name,
        uid: owner.metadata.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ];
    return { obj, source: m.source };
  }

  /** Names a seeded TenantControlPlane after its KamajiControlPlane in central, as the KCP controller would. */
  async function resolveSeededTcp(
    cluster: string,
    m: ManifestObject,
  ): Promise<{ resolved: ManifestObject; kcpRef: string }> {
    const obj = clone(m.obj);
    const kcpRef: string = obj.metadata.annotations[SEED_FOR_KCP_ANNOTATION];
    const where = `${cluster}: ${m.source}`;
    const [kcpNamespace, kcpName, ...rest] = kcpRef.split('/');
    if (!kcpNamespace || !kcpName || rest.length) {
      throw new Error(
        `${where}: ${SEED_FOR_KCP_ANNOTATION} must be <namespace>/<name>, got "${kcpRef}"`,
      );
    }
    const kcp = await central.get({
      apiVersion: apiVersionOf(KCP),
      kind: KCP.kind,
      metadata: { name: kcpName, namespace: kcpNamespace },
    });
    if (!kcp)
      throw new Error(
        `${where}: KamajiControlPlane ${kcpRef} does not exist in ${MANAGEMENT_CLUSTER}`,
      );
    const ext = kcp.spec?.deployment?.externalClusterReference;
    let name: string;
    let namespace: string;
    if (ext) {
      const island = String(ext.kubeconfigSecretName).replace(
        /-kubeconfig$/,
        '',
      );
      if (island !== cluster) {
        throw new Error(
          `${where}: KamajiControlPlane ${kcpRef} is hosted via Secret ${ext.kubeconfigSecretName}, i.e. on "${island}", but its TenantControlPlane is declared for "${cluster}"`,
        );
      }
      name = `kcp-${kcp.metadata.uid}`;
      namespace = ext.deploymentNamespace;
    } else {
      if (cluster !== MANAGEMENT_CLUSTER) {
        throw new Error(
          `${where}: KamajiControlPlane ${kcpRef} has no externalClusterReference, so its TenantControlPlane belongs in ${MANAGEMENT_CLUSTER}`,
        );
      }
      name = kcp.metadata.name;
      namespace = kcp.metadata.namespace;
      obj.metadata.ownerReferences = [
        {
          apiVersion: kcp.apiVersion,
          kind: kcp.kind,
          name: kcp.metadata.name,
          uid: kcp.metadata.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ];
    }
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
    delete obj.metadata.annotations[SEED_FOR_KCP_ANNOTATION];
    if (!Object.keys(obj.metadata.annotations).length)
      delete obj.metadata.annotations;
    return { resolved: { obj, source: m.source }, kcpRef };
  }
}
