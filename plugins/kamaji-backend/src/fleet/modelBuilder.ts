import {
  AddonAttachment,
  AddonSet,
  ClusterId,
  ConnectionState,
  FleetCondition,
  FLEET_KINDS,
  FleetProblem,
  Health,
  HealthStatus,
  IslandNode,
  KAMAJI_LABELS,
  ManagementClusterNode,
  ReplicaCounts,
  Staleness,
  TenantControlPlaneInfo,
  TenantNode,
  WorkerPool,
  clusterId,
  hasVersionSkew,
  normalizeKubernetesVersion,
  unmanagedTenantId,
} from '@kamaji-backstage/plugin-kamaji-common';
import {
  countHealth,
  islandHealth,
  managementHealth,
  staleHealth,
  tenantHealth,
  worstHealth,
  TenantHealthInput,
} from './health';
import type { IslandRef } from './islands';
import type {
  AddonDelivery,
  SlimAddonSet,
  SlimCluster,
  SlimClusterSummary,
  SlimCrsBinding,
  SlimDataStore,
  SlimHelmReleaseProxy,
  SlimKcp,
  SlimMachine,
  SlimMachineDeployment,
  SlimSecret,
  SlimTcp,
} from './objects';
import { matchesSelector } from './selectors';

/** Read access to what one cluster's watchers hold. */
export interface SourceView {
  connection: ConnectionState;
  staleness: Staleness;
  /** Whether the kind was listed at least once (its items mean something, even if stale). */
  readable(kind: string): boolean;
  /** Why a kind cannot be read, when it cannot. */
  unreadableReason(kind: string): string | undefined;
  items<T>(kind: string): ReadonlyMap<string, T>;
}

export interface IslandView {
  ref: IslandRef;
  /** Absent when no connection could be set up (Secret missing, kubeconfig refused). */
  source?: SourceView;
  connection: ConnectionState;
  staleness: Staleness;
}

export interface ManagementView {
  name: string;
  title?: string;
  source: SourceView;
  islands: ReadonlyMap<string, IslandView>;
  /** `secretNamespace/secretName` → island key. */
  islandsBySecret: ReadonlyMap<string, string>;
  /** Problems found outside objects (e.g. an island's kubeconfig Secret missing). */
  problems?: FleetProblem[];
}

export interface BuiltFleet {
  managementClusters: ManagementClusterNode[];
  islands: IslandNode[];
  tenants: TenantNode[];
  addonSets: AddonSet[];
  problems: FleetProblem[];
}

const KCP_GROUP = FLEET_KINDS.KamajiControlPlane.group;
const K = {
  Cluster: 'Cluster',
  KCP: 'KamajiControlPlane',
  MD: 'MachineDeployment',
  Machine: 'Machine',
  TCP: 'TenantControlPlane',
  DataStore: 'DataStore',
  ClusterProfile: 'ClusterProfile',
  ClusterSummary: 'ClusterSummary',
  CRS: 'ClusterResourceSet',
  CRSBinding: 'ClusterResourceSetBinding',
  HCP: 'HelmChartProxy',
  HRP: 'HelmReleaseProxy',
  Secret: 'Secret',
} as const;

/** `group:default/<name>` from the owner label; `<namespace>.<name>` names a group in another namespace. */
export function ownerRef(label: string | undefined): string | undefined {
  if (!label) return undefined;
  const dot = label.indexOf('.');
  return dot > 0
    ? `group:${label.slice(0, dot)}/${label.slice(dot + 1)}`
    : `group:default/${label}`;
}

function byId<T extends { id: string }>(a: T, b: T): number {
  if (a.id === b.id) return 0;
  return a.id < b.id ? -1 : 1;
}

function sumReplicas(list: ReplicaCounts[]): ReplicaCounts {
  const total: ReplicaCounts = {
    desired: 0,
    current: 0,
    ready: 0,
    available: 0,
    upToDate: 0,
  };
  for (const r of list) {
    total.desired += r.desired;
    total.current += r.current;
    total.ready += r.ready;
    total.available += r.available;
    total.upToDate += r.upToDate;
  }
  return total;
}

function withDataProblems(health: Health, problems: string[]): Health {
  if (!problems.length) return health;
  return {
    status: worstHealth(health.status, 'unknown'),
    reasons: [...health.reasons, ...problems.map(p => `data problem: ${p}`)],
  };
}

function staleReason(what: string, connection: ConnectionState): string {
  return `${what} unreachable since ${connection.since}`;
}

/**
 * Builds the fleet model from what the watchers hold. Pure: the same views give the same nodes
 * (apart from nothing: no clocks are read here), so unchanged nodes serialise identically.
 */
export function buildFleet(views: ManagementView[]): BuiltFleet {
  const out: BuiltFleet = {
    managementClusters: [],
    islands: [],
    tenants: [],
    addonSets: [],
    problems: [],
  };
  for (const view of views) buildManagement(view, out);
  out.managementClusters.sort(byId);
  out.islands.sort(byId);
  out.tenants.sort(byId);
  out.addonSets.sort(byId);
  return out;
}

function buildManagement(view: ManagementView, out: BuiltFleet): void {
  const M = view.name;
  const src = view.source;
  const problem = (cluster: string, object: string, message: string) =>
    out.problems.push({ cluster, object, message });
  out.problems.push(...(view.problems ?? []));

  const clusters = src.items<SlimCluster>(K.Cluster) as Map<
    string,
    SlimCluster
  >;
  const kcps = src.items<SlimKcp>(K.KCP);
  const localTcps = src.items<SlimTcp>(K.TCP);
  const mds = src.items<SlimMachineDeployment>(K.MD);
  const machines = src.items<SlimMachine>(K.Machine);
  const secrets = src.items<SlimSecret>(K.Secret);

  // Management staleness covers everything declared there.
  const mgmtStale = src.staleness.stale;
  const mgmtStaleReason = staleReason(
    `management cluster ${M}`,
    src.connection,
  );

  // Worker pools and machines per Cluster.
  const mdsByCluster = new Map<string, SlimMachineDeployment[]>();
  for (const [key, md] of mds) {
    if (md.problems)
      for (const p of md.problems) problem(M, `MachineDeployment ${key}`, p);
    if (!md.clusterName) continue;
    const k = `${md.namespace}/${md.clusterName}`;
    const list = mdsByCluster.get(k);
    if (list) list.push(md);
    else mdsByCluster.set(k, [md]);
  }
  const machinePhases = new Map<string, Record<string, number>>(); // ns/cluster/pool -> phase -> n
  for (const m of machines.values()) {
    if (!m.clusterName) continue;
    const k = `${m.namespace}/${m.clusterName}/${m.pool ?? ''}`;
    const counts = machinePhases.get(k) ?? {};
    counts[m.phase] = (counts[m.phase] ?? 0) + 1;
    machinePhases.set(k, counts);
  }

  // Islands.
  const islandIdByKey = new Map<string, ClusterId>();
  for (const key of view.islands.keys()) {
    const [namespace, name] = key.split('/');
    islandIdByKey.set(
      key,
      clusterId({ managementCluster: M, namespace, name }),
    );
  }
  const claimed = new Map<string, Set<string>>(); // island key -> claimed TCP keys

  const tenants: TenantNode[] = [];
  const tenantHealthByIsland = new Map<string, HealthStatus[]>();
  const localTenantIds: ClusterId[] = [];

  for (const [key, cluster] of clusters) {
    if (cluster.problems)
      for (const p of cluster.problems) problem(M, `Cluster ${key}`, p);
    if (view.islands.has(key)) continue;
    const id = clusterId({
      managementCluster: M,
      namespace: cluster.namespace,
      name: cluster.name,
    });
    const dataProblems = [...(cluster.problems ?? [])];
    const ref = cluster.controlPlaneRef;
    const isKamaji =
      !!ref && ref.kind === 'KamajiControlPlane' && ref.group === KCP_GROUP;

    let kcp: SlimKcp | undefined;
    let kcpInput: TenantHealthInput['kcp'];
    let tcpInput: TenantHealthInput['tcp'];
    let tcp: SlimTcp | undefined;
    let islandKey: string | undefined;
    let hostedIn: string | undefined;

    if (isKamaji) {
      const kcpKey = `${cluster.namespace}/${ref!.name}`;
      kcp = kcps.get(kcpKey);
      if (kcp?.problems) {
        for (const p of kcp.problems)
          problem(M, `KamajiControlPlane ${kcpKey}`, p);
        dataProblems.push(...kcp.problems);
      }
      if (!kcp) kcpInput = src.readable(K.KCP) ? 'missing' : 'unreadable';
      else {
        kcpInput = {
          ready: kcp.ready,
          initialized: kcp.initialized,
          available: kcp.available,
          conditions: kcp.conditions,
          deleting: kcp.deleting,
        };
      }
      if (kcp?.external) {
        const ext = kcp.external;
        const secretRef = `${ext.secretNamespace}/${ext.secretName ?? ''}`;
        islandKey = ext.secretName
          ? view.islandsBySecret.get(secretRef)
          : undefined;
        if (!islandKey) {
          let msg: string;
          if (!ext.secretName) {
            msg = 'externalClusterReference names no kubeconfig Secret';
          } else if (!secrets.has(secretRef) && src.readable(K.Secret)) {
            msg = `externalClusterReference points at Secret ${secretRef}, which does not exist`;
          } else {
            msg = `externalClusterReference Secret ${secretRef} is not the kubeconfig of an island Cluster of ${M}`;
          }
          problem(M, `KamajiControlPlane ${kcpKey}`, msg);
          tcpInput = { unknown: `control plane location unknown: ${msg}` };
        } else {
          const island = view.islands.get(islandKey)!;
          hostedIn = islandIdByKey.get(islandKey);
          const tcpKey = `${ext.deploymentNamespace ?? ''}/kcp-${
            kcp.uid ?? ''
          }`;
          const islandTcps = island.source?.items<SlimTcp>(K.TCP);
          tcp = islandTcps?.get(tcpKey);
          if (tcp) {
            let set = claimed.get(islandKey);
            if (!set) claimed.set(islandKey, (set = new Set()));
            set.add(tcpKey);
          }
          if (!tcp) {
            const reason =
              island.source?.unreadableReason(K.TCP) ??
              island.connection.lastError;
            tcpInput = island.source?.readable(K.TCP)
              ? {
                  missing: `TenantControlPlane ${tcpKey} not found on island ${island.ref.name}`,
                }
              : {
                  unknown: `TenantControlPlanes on island ${
                    island.ref.name
                  } cannot be read${reason ? `: ${reason}` : ''}`,
                };
          }
        }
      } else if (kcp) {
        hostedIn = M;
        const tcpKey = `${kcp.namespace}/${kcp.name}`;
        tcp = localTcps.get(tcpKey);
        if (!tcp) {
          tcpInput = src.readable(K.TCP)
            ? { missing: `TenantControlPlane ${tcpKey} not found in ${M}` }
            : { unknown: `TenantControlPlanes in ${M} cannot be read` };
        }
      }
      if (tcp) {
        if (tcp.problems) {
          const where = islandKey ? islandIdByKey.get(islandKey)! : M;
          for (const p of tcp.problems)
            problem(
              where,
              `TenantControlPlane ${tcp.namespace}/${tcp.name}`,
              p,
            );
          dataProblems.push(...tcp.problems);
        }
        tcpInput = {
          status: tcp.status,
          version: normalizeKubernetesVersion(tcp.version),
          declaredVersion: normalizeKubernetesVersion(
            kcp?.version ?? tcp.declaredVersion,
          ),
          replicas: tcp.replicas,
          readyReplicas: tcp.readyReplicas,
          deleting: tcp.deleting,
        };
      }
    }

    // Worker pools.
    const pools: WorkerPool[] = (mdsByCluster.get(key) ?? [])
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .map(md => ({
        name: md.name,
        namespace: md.namespace,
        replicas: md.replicas,
        version: normalizeKubernetesVersion(md.version),
        phase: md.phase,
        machinePhases: machinePhases.get(`${key}/${md.name}`) ?? {},
        conditions: md.conditions,
      }));
    const workers = sumReplicas(pools.map(p => p.replicas));
    const allPhases: Record<string, number> = {};
    for (const p of pools) {
      for (const [ph, n] of Object.entries(p.machinePhases))
        allPhases[ph] = (allPhases[ph] ?? 0) + n;
    }

    const declared = normalizeKubernetesVersion(kcp?.version);
    const running = normalizeKubernetesVersion(tcp?.version);
    const workerVersions = [
      ...new Set(pools.map(p => p.version).filter((v): v is string => !!v)),
    ].sort();

    let health = tenantHealth({
      cluster: {
        phase: cluster.phase,
        available: cluster.available,
        controlPlaneInitialized: cluster.controlPlaneInitialized,
        deleting: cluster.deleting,
        conditions: cluster.conditions,
        missingControlPlaneRef: !ref,
      },
      kcp: kcpInput,
      tcp: tcpInput,
      workers: pools.length ? workers : undefined,
      machinePhases: allPhases,
    });
    health = withDataProblems(health, dataProblems);

    let staleness: Staleness = { stale: false };
    const island = islandKey ? view.islands.get(islandKey) : undefined;
    if (mgmtStale) {
      staleness = src.staleness;
      health = staleHealth(health, mgmtStaleReason);
    } else if (island?.staleness.stale) {
      staleness = island.staleness;
      health = staleHealth(
        health,
        staleReason(`island ${island.ref.name}`, island.connection),
      );
    }

    const controlPlane: TenantControlPlaneInfo = {};
    if (kcp) {
      controlPlane.kamajiControlPlane = {
        name: kcp.name,
        namespace: kcp.namespace,
        uid: kcp.uid,
        ready: kcp.ready,
        initialized: kcp.initialized,
        version: declared,
        replicas: kcp.replicas,
        readyReplicas: kcp.readyReplicas,
        dataStoreName: kcp.dataStoreName,
      };
    }
    if (tcp && hostedIn) {
      controlPlane.tenantControlPlane = {
        name: tcp.name,
        namespace: tcp.namespace,
        hostedIn,
        status: tcp.status,
        version: running,
        endpoint: tcp.endpoint,
        dataStore: tcp.dataStore,
        replicas: tcp.replicas,
        readyReplicas: tcp.readyReplicas,
      };
    }
    const conditions: FleetCondition[] = [
      ...cluster.conditions,
      ...(kcp?.conditions ?? []),
    ];

    const tenant: TenantNode = {
      id,
      role: 'tenant',
      name: cluster.name,
      namespace: cluster.namespace,
      managementCluster: M,
      owner: ownerRef(cluster.labels[KAMAJI_LABELS.owner]),
      site: cluster.labels[KAMAJI_LABELS.site],
      labels: cluster.labels,
      health,
      staleness,
      createdAt: cluster.createdAt,
      managed: true,
      islandId: islandKey ? islandIdByKey.get(islandKey) : undefined,
      phase: cluster.phase,
      available: cluster.available,
      versions: {
        declared,
        running,
        workers: workerVersions,
        skew: hasVersionSkew([declared, running, ...workerVersions]),
      },
      controlPlane,
      workerPools: pools,
      workers,
      addons: [],
      conditions,
      endpoint: tcp?.endpoint ?? cluster.endpoint ?? kcp?.endpoint,
    };
    tenants.push(tenant);
    if (islandKey) {
      const list = tenantHealthByIsland.get(islandKey) ?? [];
      list.push(health.status);
      tenantHealthByIsland.set(islandKey, list);
    } else {
      localTenantIds.push(id);
    }
  }

  // Unmanaged tenants: TenantControlPlanes on an island that no KamajiControlPlane claims.
  const islandTenantIds = new Map<string, ClusterId[]>();
  for (const [islandKey, island] of view.islands) {
    const islandId = islandIdByKey.get(islandKey)!;
    const tcps = island.source?.items<SlimTcp>(K.TCP);
    if (!tcps) continue;
    const taken = claimed.get(islandKey) ?? new Set<string>();
    for (const [tcpKey, tcp] of tcps) {
      if (taken.has(tcpKey)) continue;
      if (tcp.problems)
        for (const p of tcp.problems)
          problem(islandId, `TenantControlPlane ${tcpKey}`, p);
      const id = unmanagedTenantId(islandId, {
        namespace: tcp.namespace,
        name: tcp.name,
      });
      const running = normalizeKubernetesVersion(tcp.version);
      const declared = normalizeKubernetesVersion(tcp.declaredVersion);
      let health = tenantHealth({
        tcp: {
          status: tcp.status,
          version: running,
          declaredVersion: declared,
          replicas: tcp.replicas,
          readyReplicas: tcp.readyReplicas,
          deleting: tcp.deleting,
        },
      });
      if (tcp.deleting)
        health = { status: 'progressing', reasons: ['being deleted'] };
      health = withDataProblems(health, tcp.problems ?? []);
      let staleness: Staleness = { stale: false };
      if (island.staleness.stale) {
        staleness = island.staleness;
        health = staleHealth(
          health,
          staleReason(`island ${island.ref.name}`, island.connection),
        );
      } else if (mgmtStale) {
        staleness = src.staleness;
        health = staleHealth(health, mgmtStaleReason);
      }
      const labels = tcp.labels;
      tenants.push({
        id,
        role: 'tenant',
        name: tcp.name,
        namespace: tcp.namespace,
        managementCluster: M,
        owner: ownerRef(labels[KAMAJI_LABELS.owner]),
        site: labels[KAMAJI_LABELS.site],
        labels,
        health,
        staleness,
        createdAt: tcp.createdAt,
        managed: false,
        islandId,
        versions: {
          declared,
          running,
          workers: [],
          skew: hasVersionSkew([declared, running]),
        },
        controlPlane: {
          tenantControlPlane: {
            name: tcp.name,
            namespace: tcp.namespace,
            hostedIn: islandId,
            status: tcp.status,
            version: running,
            endpoint: tcp.endpoint,
            dataStore: tcp.dataStore,
            replicas: tcp.replicas,
            readyReplicas: tcp.readyReplicas,
          },
        },
        workerPools: [],
        workers: {
          desired: 0,
          current: 0,
          ready: 0,
          available: 0,
          upToDate: 0,
        },
        addons: [],
        conditions: [],
        endpoint: tcp.endpoint,
      });
      const list = tenantHealthByIsland.get(islandKey) ?? [];
      list.push(health.status);
      tenantHealthByIsland.set(islandKey, list);
    }
  }
  const islandKeyById = new Map([...islandIdByKey].map(([k, v]) => [v, k]));
  for (const t of tenants) {
    const key = t.islandId ? islandKeyById.get(t.islandId) : undefined;
    if (key) {
      const list = islandTenantIds.get(key) ?? [];
      list.push(t.id);
      islandTenantIds.set(key, list);
    }
  }

  // Island nodes.
  const islandNodes: IslandNode[] = [];
  for (const [key, island] of view.islands) {
    const cluster = clusters.get(key);
    if (!cluster) continue;
    const id = islandIdByKey.get(key)!;
    const dataStores = [
      ...(island.source?.items<SlimDataStore>(K.DataStore).values() ?? []),
    ]
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .map(d => ({
        name: d.name,
        driver: d.driver,
        ready: d.ready,
        usedBy: d.usedBy,
      }));
    const tenantHealthCounts = countHealth(tenantHealthByIsland.get(key) ?? []);
    let health = islandHealth({
      cluster: {
        phase: cluster.phase,
        available: cluster.available,
        deleting: cluster.deleting,
        conditions: cluster.conditions,
      },
      // While stale with data, health is computed as last known (without the disconnection), then
      // marked unknown below; an island never reached gets the disconnection itself as its reason.
      connection:
        island.staleness.stale && island.staleness.lastSeenAt
          ? { ...island.connection, status: 'connected' }
          : island.connection,
      dataStores,
      tenantHealth: tenantHealthCounts,
    });
    health = withDataProblems(health, cluster.problems ?? []);
    let staleness: Staleness = { stale: false };
    if (mgmtStale) {
      staleness = src.staleness;
      health = staleHealth(health, mgmtStaleReason);
    } else if (island.staleness.stale) {
      staleness = island.staleness;
    }
    if (!mgmtStale && island.staleness.stale && island.staleness.lastSeenAt) {
      const reason = staleReason(
        `island ${island.ref.name}`,
        island.connection,
      );
      health = staleHealth(
        health,
        island.connection.lastError
          ? `${reason} (${island.connection.lastError})`
          : reason,
      );
    }
    islandNodes.push({
      id,
      role: 'island',
      name: cluster.name,
      namespace: cluster.namespace,
      managementCluster: M,
      owner: ownerRef(cluster.labels[KAMAJI_LABELS.owner]),
      site: cluster.labels[KAMAJI_LABELS.site],
      labels: cluster.labels,
      health,
      staleness,
      createdAt: cluster.createdAt,
      connection: island.connection,
      phase: cluster.phase,
      kubernetesVersion: normalizeKubernetesVersion(cluster.version),
      tenantIds: (islandTenantIds.get(key) ?? []).sort(),
      tenantHealth: tenantHealthCounts,
      dataStores,
      conditions: cluster.conditions,
      endpoint: cluster.endpoint,
    });
  }

  // Addon sets.
  const addonSets = buildAddonSets(
    view,
    clusters,
    tenants,
    islandIdByKey,
    problem,
  );

  // Management node.
  let mHealth = managementHealth({
    connection: src.connection,
    islands: islandNodes.map(i => ({ name: i.name, health: i.health })),
  });
  if (mgmtStale) mHealth = staleHealth(mHealth, mgmtStaleReason);
  const mNode: ManagementClusterNode = {
    id: M,
    role: 'management',
    name: M,
    managementCluster: M,
    title: view.title,
    labels: {},
    health: mHealth,
    staleness: src.staleness,
    connection: src.connection,
    islandIds: islandNodes.map(i => i.id).sort(),
    tenantIds: localTenantIds.sort(),
    tenantHealth: countHealth(tenants.map(t => t.health.status)),
  };
  out.managementClusters.push(mNode);
  out.islands.push(...islandNodes);
  out.tenants.push(...tenants);
  out.addonSets.push(...addonSets);
}

function buildAddonSets(
  view: ManagementView,
  clusters: Map<string, SlimCluster>,
  tenants: TenantNode[],
  islandIdByKey: Map<string, ClusterId>,
  problem: (cluster: string, object: string, message: string) => void,
): AddonSet[] {
  const M = view.name;
  const src = view.source;
  const tenantById = new Map(tenants.map(t => [t.id, t]));
  const summaries = new Map<string, SlimClusterSummary>(); // ns/profile/cluster
  for (const s of src.items<SlimClusterSummary>(K.ClusterSummary).values()) {
    if (s.clusterType && s.clusterType !== 'Capi') continue;
    summaries.set(`${s.namespace}/${s.profileName}/${s.clusterName}`, s);
  }
  const bindings = new Map<string, SlimCrsBinding>(); // ns/cluster
  for (const b of src.items<SlimCrsBinding>(K.CRSBinding).values()) {
    bindings.set(`${b.namespace}/${b.clusterName}`, b);
  }
  const releases = new Map<string, SlimHelmReleaseProxy>(); // ns/proxy/cluster
  for (const r of src.items<SlimHelmReleaseProxy>(K.HRP).values()) {
    releases.set(`${r.namespace}/${r.proxyName}/${r.clusterName}`, r);
  }

  const sets: Array<[SlimAddonSet, string]> = [];
  for (const [k, s] of src.items<SlimAddonSet>(K.ClusterProfile))
    sets.push([s, k]);
  for (const [k, s] of src.items<SlimAddonSet>(K.CRS)) sets.push([s, k]);
  for (const [k, s] of src.items<SlimAddonSet>(K.HCP)) sets.push([s, k]);

  const result: AddonSet[] = [];
  for (const [set, key] of sets) {
    if (set.problems)
      for (const p of set.problems) problem(M, `${set.kind} ${key}`, p);
    const id = `${M}/${set.kind}/${set.namespace || '_'}/${set.name}`;
    const matching: string[] = [];
    const deliveries: Array<{
      state: AddonDelivery;
      cluster: string;
      message?: string;
    }> = [];
    for (const [ckey, c] of clusters) {
      const sameNs =
        set.kind === 'ClusterProfile' || c.namespace === set.namespace;
      if (!sameNs) continue;
      const selected =
        matchesSelector(
          c.labels,
          set.selector,
          set.kind === 'HelmChartProxy',
        ) || set.clusterRefs.includes(ckey);
      if (!selected) continue;
      const cid =
        islandIdByKey.get(ckey) ??
        clusterId({
          managementCluster: M,
          namespace: c.namespace,
          name: c.name,
        });
      matching.push(cid);
      const { state, message } = delivery(set, c, ckey);
      deliveries.push({ state, cluster: c.name, message });
      const tenant = tenantById.get(cid);
      if (tenant) {
        const attachment: AddonAttachment = {
          addonSetId: id,
          name: set.name,
          kind: set.kind,
          status: state,
        };
        if (message) attachment.message = message;
        tenant.addons.push(attachment);
      }
    }
    const reasons: Array<[HealthStatus, string]> = [];
    const failed = deliveries.filter(d => d.state === 'failed');
    const progressing = deliveries.filter(d => d.state === 'progressing');
    const unknown = deliveries.filter(d => d.state === 'unknown');
    if (failed.length)
      reasons.push([
        'degraded',
        `failed on ${failed.map(d => d.cluster).join(', ')}`,
      ]);
    if (progressing.length)
      reasons.push([
        'progressing',
        `not yet applied on ${progressing.map(d => d.cluster).join(', ')}`,
      ]);
    if (unknown.length)
      reasons.push([
        'unknown',
        `delivery status unknown on ${unknown.map(d => d.cluster).join(', ')}`,
      ]);
    if (
      set.condition &&
      set.condition.status !== 'True' &&
      !failed.length &&
      !progressing.length
    ) {
      reasons.push([
        'degraded',
        `${set.condition.type} ${set.condition.status}${
          set.condition.message
            ? `: ${set.condition.message.split('\n')[0]}`
            : ''
        }`,
      ]);
    }
    for (const p of set.problems ?? [])
      reasons.push(['unknown', `data problem: ${p}`]);
    const status = reasons.reduce<HealthStatus>(
      (w, [s]) => worstHealth(w, s),
      'healthy',
    );
    const health: Health = {
      status: src.staleness.stale ? 'unknown' : status,
      reasons: [
        ...(src.staleness.stale
          ? [
              `management cluster ${M} unreachable since ${src.connection.since}; last known: ${status}`,
            ]
          : []),
        ...reasons.map(([, r]) => r),
      ],
    };
    result.push({
      id,
      kind: set.kind,
      name: set.name,
      ...(set.namespace ? { namespace: set.namespace } : {}),
      managementCluster: M,
      selector: set.selector ?? {},
      contents: set.contents,
      matchingClusterIds: matching.sort(),
      health,
    });
  }
  for (const t of tenants)
    t.addons.sort((a, b) => (a.addonSetId < b.addonSetId ? -1 : 1));
  return result;

  function delivery(
    set: SlimAddonSet,
    c: SlimCluster,
    ckey: string,
  ): { state: AddonDelivery; message?: string } {
    const notReady = !c.controlPlaneInitialized;
    if (set.kind === 'ClusterProfile') {
      const failure = set.failedClusters[ckey];
      if (failure !== undefined)
        return { state: 'failed', message: failure || undefined };
      if (!src.readable(K.ClusterSummary)) return { state: 'unknown' };
      const s = summaries.get(`${c.namespace}/${set.name}/${c.name}`);
      if (!s)
        return notReady
          ? { state: 'progressing', message: 'waiting for the control plane' }
          : { state: 'unknown' };
      return { state: s.state, message: s.message };
    }
    if (set.kind === 'ClusterResourceSet') {
      if (!src.readable(K.CRSBinding)) return { state: 'unknown' };
      const b = bindings.get(`${c.namespace}/${c.name}`);
      const applied = b?.sets[set.name];
      if (applied === true) return { state: 'applied' };
      if (applied === false)
        return {
          state: 'progressing',
          message: 'some resources not applied yet',
        };
      return {
        state: 'progressing',
        message: notReady ? 'waiting for the control plane' : 'not applied yet',
      };
    }
    if (!src.readable(K.HRP)) return { state: 'unknown' };
    const r = releases.get(`${c.namespace}/${set.name}/${c.name}`);
    if (!r)
      return {
        state: 'progressing',
        message: notReady
          ? 'waiting for the control plane'
          : 'no HelmReleaseProxy yet',
      };
    return { state: r.state, message: r.message };
  }
}
