import {
  ConflictError,
  InputError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  checkKubernetesUpgrade,
  compareKubeVersions,
  FLEET_KINDS,
  FleetCluster,
  IslandNode,
  KAMAJI_FIELD_MANAGER,
  KubeKind,
  KubeVersion,
  parseKubeVersion,
  ScaleClusterResult,
  TenantNode,
  UpgradeClusterResult,
  VersionCeiling,
  DeleteClusterResult,
  ActionPreview,
  ObjectChange,
} from '@kamaji-backstage/plugin-kamaji-common';
import {
  FleetService,
  kindPath,
  KubeClient,
  KubePatchType,
} from '@kamaji-backstage/plugin-kamaji-node';
import { mapKubeError } from './kubeErrors';
import { fieldChanges } from './fieldChanges';
import { listDependents, listLabelled } from './dependents';

export interface ActionLimits {
  maxReplicas: number;
  ceiling: VersionCeiling;
}

/** A declared cluster (tenant or island) the actions work on. */
export type DeclaredCluster = (TenantNode | IslandNode) & { namespace: string };

export type UpgradeResult = UpgradeClusterResult;
export type ScaleResult = ScaleClusterResult;
export type DeleteResult = DeleteClusterResult & { deleting: true };

/**
 * How an action writes: for real, or with `dryRun=All`, collecting what the API server says
 * would change. The action and its preview run the same code with a different Writes.
 */
interface Writes {
  dryRun: boolean;
  changes: ObjectChange[];
}

const applying = (): Writes => ({ dryRun: false, changes: [] });
const dryRunning = (): Writes => ({ dryRun: true, changes: [] });

type JsonPatch = Array<{ op: string; path: string; value?: unknown }>;

const AUTOSCALER_MIN =
  'cluster.x-k8s.io/cluster-api-autoscaler-node-group-min-size';
const AUTOSCALER_MAX =
  'cluster.x-k8s.io/cluster-api-autoscaler-node-group-max-size';

function isDeletingInModel(c: FleetCluster): boolean {
  return (c as TenantNode).phase === 'Deleting';
}

/** A worker pool the upgrade moves to the target version. */
interface PoolUpgrade {
  md: any;
  name: string;
  from?: string;
}

/**
 * A JSON patch setting `path` to `next`: guarded by a test of the value read (so a concurrent
 * change fails the patch instead of being overwritten), or an add where there was none.
 */
function replacing(
  path: string,
  current: unknown,
  next: string | number,
): JsonPatch {
  const present = typeof current === typeof next;
  return present
    ? [
        { op: 'test', path, value: current },
        { op: 'replace', path, value: next },
      ]
    : [{ op: 'add', path, value: next }];
}

/** What an upgrade has changed so far, for the message of a write that failed after them. */
function alreadyChanged(result: UpgradeResult): string {
  return [
    result.controlPlane
      ? `control plane to ${result.controlPlane.to}`
      : undefined,
    ...result.workerPools.map(p => `pool ${p.name} to ${p.to}`),
  ]
    .filter(Boolean)
    .join(', ');
}

/** Refuses replicas outside the range the pool's cluster autoscaler annotations keep it in. */
function refuseOutsideAutoscalerRange(
  md: any,
  request: { pool: string; replicas: number },
) {
  const annotations = md?.metadata?.annotations ?? {};
  const min = Number(annotations[AUTOSCALER_MIN]);
  const max = Number(annotations[AUTOSCALER_MAX]);
  if (
    AUTOSCALER_MIN in annotations &&
    AUTOSCALER_MAX in annotations &&
    Number.isFinite(min) &&
    Number.isFinite(max) &&
    (request.replicas < min || request.replicas > max)
  ) {
    throw new InputError(
      `replicas ${request.replicas} is outside ${min}..${max}, the range the cluster autoscaler keeps pool ${request.pool} in: choose a value in that range or change the autoscaler annotations`,
    );
  }
}

/**
 * The day-2 actions on declared clusters, written to the management cluster that declares them
 * with the backend's own credentials and the field manager `kamaji-backstage`.
 * Callers check permissions and write the audit trail; this class checks the request against the
 * live objects and maps every Kubernetes failure to a clean Backstage error.
 */
export class ClusterActions {
  constructor(
    private readonly fleet: FleetService,
    private readonly limits: ActionLimits,
  ) {}

  private api(managementCluster: string): KubeClient {
    const access = this.fleet.getManagementClusterAccess(managementCluster);
    if (!access) {
      throw new ServiceUnavailableError(
        `management cluster ${managementCluster} has no credentials configured in the backend`,
      );
    }
    return new KubeClient(access.kubeConfig);
  }

  /** A JSON patch of one stored object, as kamaji-backstage; a dry run records the changes. */
  private async patch(
    api: KubeClient,
    cluster: DeclaredCluster,
    kind: KubeKind,
    before: any,
    body: JsonPatch,
    writes: Writes,
  ): Promise<unknown> {
    const name: string = before.metadata.name;
    const after = await this.call(
      cluster,
      `patch ${kind.kind} ${cluster.namespace}/${name}`,
      () =>
        api.request(
          'PATCH',
          kindPath(kind, { namespace: cluster.namespace, name }),
          {
            query: {
              fieldManager: KAMAJI_FIELD_MANAGER,
              dryRun: writes.dryRun ? 'All' : undefined,
            },
            body,
            contentType: KubePatchType.json,
          },
        ),
      { precondition: body.some(op => op.op === 'test') },
    );
    if (writes.dryRun) {
      writes.changes.push({
        kind: kind.kind,
        namespace: cluster.namespace,
        name,
        changes: fieldChanges(before, after),
      });
    }
    return after;
  }

  private async call<T>(
    cluster: DeclaredCluster,
    what: string,
    fn: () => Promise<T>,
    options: { precondition?: boolean } = {},
  ): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw mapKubeError(e, what, cluster.managementCluster, options);
    }
  }

  /** Reads the CAPI Cluster and refuses when it is being deleted. */
  private async readLiveCluster(api: KubeClient, cluster: DeclaredCluster) {
    const obj: any = await this.call(
      cluster,
      `read Cluster ${cluster.namespace}/${cluster.name}`,
      () =>
        api.getJson(
          kindPath(FLEET_KINDS.Cluster, {
            namespace: cluster.namespace,
            name: cluster.name,
          }),
        ),
    );
    if (obj?.metadata?.deletionTimestamp || obj?.status?.phase === 'Deleting') {
      throw new ConflictError(
        `cluster ${cluster.id} is being deleted; no further changes are possible`,
      );
    }
    return obj;
  }

  async upgrade(
    cluster: DeclaredCluster,
    request: { version: string; workers?: boolean },
  ): Promise<UpgradeResult> {
    return this.runUpgrade(cluster, request, applying());
  }

  /** The upgrade with every write a dry run: what would change, nothing stored. */
  async previewUpgrade(
    cluster: DeclaredCluster,
    request: { version: string; workers?: boolean },
  ): Promise<ActionPreview<UpgradeResult>> {
    const writes = dryRunning();
    const result = await this.runUpgrade(cluster, request, writes);
    return { dryRun: true, result, changes: writes.changes };
  }

  /** What the model already says against an upgrade, before any request. */
  private refuseUpgradeInModel(cluster: DeclaredCluster, version: string) {
    if (cluster.role !== 'tenant' || !cluster.managed) {
      throw new ConflictError(
        `cluster ${cluster.id} is ${
          cluster.role === 'island' ? 'an island' : 'not a declared tenant'
        }: upgrades work on tenant clusters with a KamajiControlPlane`,
      );
    }
    if (isDeletingInModel(cluster)) {
      throw new ConflictError(`cluster ${cluster.id} is being deleted`);
    }
    const tcpStatus = cluster.controlPlane?.tenantControlPlane?.status;
    if (tcpStatus === 'Upgrading') {
      throw new ConflictError(
        `cluster ${cluster.id} is in the middle of an upgrade (TenantControlPlane Upgrading); wait until it is Ready`,
      );
    }
    // Cheap input checks before any request: format and ceiling.
    const early = checkKubernetesUpgrade(
      undefined,
      version,
      this.limits.ceiling,
    );
    if (early.kind === 'invalid') throw new InputError(early.message);
  }

  /** The live KamajiControlPlane the live Cluster refers to; refused while it is being deleted. */
  private async readKamajiControlPlane(
    api: KubeClient,
    cluster: DeclaredCluster,
    live: any,
  ): Promise<{ name: string; kcp: any }> {
    const ref = live?.spec?.controlPlaneRef;
    if (ref?.kind !== 'KamajiControlPlane' || typeof ref?.name !== 'string') {
      throw new ConflictError(
        `cluster ${cluster.id} has no KamajiControlPlane (controlPlaneRef is ${
          ref?.kind ?? 'unset'
        }): upgrades work on Kamaji tenant clusters`,
      );
    }
    const what = `KamajiControlPlane ${cluster.namespace}/${ref.name}`;
    const kcp: any = await this.call(cluster, `read ${what}`, () =>
      api.getJson(
        kindPath(FLEET_KINDS.KamajiControlPlane, {
          namespace: cluster.namespace,
          name: ref.name,
        }),
      ),
    );
    if (kcp?.metadata?.deletionTimestamp) {
      throw new ConflictError(`${what} is being deleted`);
    }
    return { name: ref.name, kcp };
  }

  /**
   * The cluster's worker pools not at `target` yet, checked before anything is written, so a
   * pool that would be downgraded changes nothing.
   */
  private async poolsToUpgrade(
    api: KubeClient,
    cluster: DeclaredCluster,
    target: KubeVersion,
  ): Promise<PoolUpgrade[]> {
    const machineDeployments = await this.call(
      cluster,
      `list MachineDeployments of ${cluster.namespace}/${cluster.name}`,
      () => listLabelled(api, cluster, FLEET_KINDS.MachineDeployment),
    );
    const pools: PoolUpgrade[] = [];
    for (const md of machineDeployments) {
      if (md?.spec?.clusterName !== cluster.name) continue;
      const from: string | undefined = md?.spec?.template?.spec?.version;
      const parsed = parseKubeVersion(from, { lenient: true });
      if (parsed && compareKubeVersions(target, parsed) < 0) {
        throw new InputError(
          `version ${target.text} is lower than worker pool ${md.metadata.name}'s ${parsed.text}: downgrades are not supported`,
        );
      }
      if (parsed && compareKubeVersions(target, parsed) === 0) continue;
      pools.push({ md, name: md.metadata.name, from });
    }
    return pools;
  }

  /** Sets each pool's version; a failure says what the upgrade had changed already. */
  private async upgradePools(
    api: KubeClient,
    cluster: DeclaredCluster,
    pools: PoolUpgrade[],
    result: UpgradeResult,
    writes: Writes,
  ) {
    const to = result.version;
    for (const pool of pools) {
      const patch = replacing('/spec/template/spec/version', pool.from, to);
      try {
        await this.patch(
          api,
          cluster,
          FLEET_KINDS.MachineDeployment,
          pool.md,
          patch,
          writes,
        );
      } catch (e) {
        if (result.changed) {
          (e as Error).message = `${
            (e as Error).message
          } (already changed: ${alreadyChanged(result)})`;
        }
        throw e;
      }
      result.workerPools.push({ name: pool.name, from: pool.from, to });
      result.changed = true;
    }
  }

  private async runUpgrade(
    cluster: DeclaredCluster,
    request: { version: string; workers?: boolean },
    writes: Writes,
  ): Promise<UpgradeResult> {
    this.refuseUpgradeInModel(cluster, request.version);
    const api = this.api(cluster.managementCluster);
    const live = await this.readLiveCluster(api, cluster);
    const { name, kcp } = await this.readKamajiControlPlane(api, cluster, live);
    const current: string | undefined = kcp?.spec?.version;
    const check = checkKubernetesUpgrade(
      current,
      request.version,
      this.limits.ceiling,
    );
    if (check.kind === 'invalid') throw new InputError(check.message);
    const target = check.target;
    const pools = request.workers
      ? await this.poolsToUpgrade(api, cluster, target)
      : [];
    const result: UpgradeResult = {
      cluster: cluster.id,
      version: target.text,
      changed: false,
      workerPools: [],
    };
    if (check.kind === 'ok') {
      const patch = replacing('/spec/version', current, target.text);
      const kind = FLEET_KINDS.KamajiControlPlane;
      await this.patch(api, cluster, kind, kcp, patch, writes);
      result.controlPlane = { name, from: current, to: target.text };
      result.changed = true;
    }
    await this.upgradePools(api, cluster, pools, result, writes);
    return result;
  }

  async scale(
    cluster: DeclaredCluster,
    request: { pool: string; replicas: number },
  ): Promise<ScaleResult> {
    return this.runScale(cluster, request, applying());
  }

  /** The scale with its write a dry run: what would change, nothing stored. */
  async previewScale(
    cluster: DeclaredCluster,
    request: { pool: string; replicas: number },
  ): Promise<ActionPreview<ScaleResult>> {
    const writes = dryRunning();
    const result = await this.runScale(cluster, request, writes);
    return { dryRun: true, result, changes: writes.changes };
  }

  /** The worker pool (MachineDeployment) of the cluster named `pool`; refused when it is none. */
  private async readPool(
    api: KubeClient,
    cluster: DeclaredCluster,
    pool: string,
  ): Promise<any> {
    const known = (cluster as TenantNode).workerPools?.map(p => p.name) ?? [];
    const notAPool = () =>
      new InputError(
        `pool ${JSON.stringify(pool)} is not a worker pool of cluster ${
          cluster.id
        }${known.length ? `; its pools are: ${known.join(', ')}` : ''}`,
      );
    const what = `MachineDeployment ${cluster.namespace}/${pool}`;
    let md: any;
    try {
      md = await api.getJson(
        kindPath(FLEET_KINDS.MachineDeployment, {
          namespace: cluster.namespace,
          name: pool,
        }),
      );
    } catch (e) {
      const mapped = mapKubeError(e, `read ${what}`, cluster.managementCluster);
      if (mapped.name === 'NotFoundError') throw notAPool();
      throw mapped;
    }
    if (md?.spec?.clusterName !== cluster.name) throw notAPool();
    if (md?.metadata?.deletionTimestamp) {
      throw new ConflictError(`${what} is being deleted`);
    }
    return md;
  }

  private refuseScaleInModel(cluster: DeclaredCluster, replicas: number) {
    if (cluster.role === 'tenant' && !cluster.managed) {
      throw new ConflictError(
        `cluster ${cluster.id} is not declared in a management cluster: it has no worker pools to scale`,
      );
    }
    if (
      !Number.isInteger(replicas) ||
      replicas < 0 ||
      replicas > this.limits.maxReplicas
    ) {
      throw new InputError(
        `replicas must be an integer from 0 to ${this.limits.maxReplicas} (got ${replicas})`,
      );
    }
    if (isDeletingInModel(cluster)) {
      throw new ConflictError(`cluster ${cluster.id} is being deleted`);
    }
  }

  private async runScale(
    cluster: DeclaredCluster,
    request: { pool: string; replicas: number },
    writes: Writes,
  ): Promise<ScaleResult> {
    this.refuseScaleInModel(cluster, request.replicas);
    const api = this.api(cluster.managementCluster);
    await this.readLiveCluster(api, cluster);
    const md = await this.readPool(api, cluster, request.pool);
    refuseOutsideAutoscalerRange(md, request);
    const from: number | undefined =
      typeof md?.spec?.replicas === 'number' ? md.spec.replicas : undefined;
    const result: ScaleResult = {
      cluster: cluster.id,
      pool: request.pool,
      from,
      to: request.replicas,
      changed: from !== request.replicas,
    };
    if (!result.changed) return result;
    const patch = replacing('/spec/replicas', from, request.replicas);
    const kind = FLEET_KINDS.MachineDeployment;
    await this.patch(api, cluster, kind, md, patch, writes);
    return result;
  }

  async delete(
    cluster: DeclaredCluster,
    request: { confirm: string },
  ): Promise<DeleteResult> {
    if (request.confirm !== cluster.name) {
      throw new InputError(
        `confirm must be the cluster's name ${JSON.stringify(
          cluster.name,
        )} to delete it (got ${JSON.stringify(
          request.confirm.slice(0, 253),
        )}); nothing was deleted`,
      );
    }
    await this.runDelete(cluster, applying());
    return { cluster: cluster.id, deleting: true };
  }

  /**
   * The delete as a dry run (no confirmation needed: nothing is deleted), with the objects
   * that go with the cluster.
   */
  async previewDelete(
    cluster: DeclaredCluster,
  ): Promise<ActionPreview<DeleteResult>> {
    const live = await this.runDelete(cluster, dryRunning());
    const { dependents, notes } = await listDependents(
      this.api(cluster.managementCluster),
      cluster,
      live,
    );
    return {
      dryRun: true,
      result: { cluster: cluster.id, deleting: true },
      changes: [],
      dependents,
      ...(notes.length ? { notes } : {}),
    };
  }

  /** Deletes the CAPI Cluster (Cluster API removes what it owns); answers the live Cluster. */
  private async runDelete(cluster: DeclaredCluster, writes: Writes) {
    if (cluster.role === 'tenant' && !cluster.managed) {
      throw new ConflictError(
        `cluster ${cluster.id} is not declared in a management cluster; there is no Cluster to delete`,
      );
    }
    if (cluster.role === 'island' && cluster.tenantIds.length > 0) {
      throw new ConflictError(
        `island ${cluster.id} still hosts ${cluster.tenantIds.length} tenant control plane(s); delete or move them first`,
      );
    }
    if (isDeletingInModel(cluster)) {
      throw new ConflictError(`cluster ${cluster.id} is already being deleted`);
    }
    const api = this.api(cluster.managementCluster);
    const live = await this.readLiveCluster(api, cluster);
    await this.call(
      cluster,
      `delete Cluster ${cluster.namespace}/${cluster.name}`,
      () =>
        api.request(
          'DELETE',
          kindPath(FLEET_KINDS.Cluster, {
            namespace: cluster.namespace,
            name: cluster.name,
          }),
          {
            query: {
              propagationPolicy: 'Background',
              dryRun: writes.dryRun ? 'All' : undefined,
            },
          },
        ),
    );
    return live;
  }
}
