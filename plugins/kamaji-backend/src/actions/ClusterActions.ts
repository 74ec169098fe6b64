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
  KAMAJI_LABELS,
  KubeKind,
  parseKubeVersion,
  ScaleClusterResult,
  TenantNode,
  UpgradeClusterResult,
  VersionCeiling,
  DeleteClusterResult,
  ActionPreview,
  ObjectChange,
} from '@kamaji-backstage/plugin-kamaji-common';
import { FleetService } from '@kamaji-backstage/plugin-kamaji-node';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { mapKubeError } from './kubeErrors';
import { fieldChanges } from './fieldChanges';
import { listDependents } from './dependents';

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

function params(kind: KubeKind, namespace: string) {
  return {
    group: kind.group,
    version: kind.version,
    namespace,
    plural: kind.plural,
  };
}

function isDeletingInModel(c: FleetCluster): boolean {
  return (c as TenantNode).phase === 'Deleting';
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

  private api(managementCluster: string): CustomObjectsApi {
    const access = this.fleet.getManagementClusterAccess(managementCluster);
    if (!access) {
      throw new ServiceUnavailableError(
        `management cluster ${managementCluster} has no credentials configured in the backend`,
      );
    }
    return access.kubeConfig.makeApiClient(CustomObjectsApi);
  }

  /** A JSON patch of one stored object, as kamaji-backstage; a dry run records the changes. */
  private async patch(
    api: CustomObjectsApi,
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
        api.patchNamespacedCustomObject({
          ...params(kind, cluster.namespace),
          name,
          body,
          fieldManager: KAMAJI_FIELD_MANAGER,
          ...(writes.dryRun ? { dryRun: 'All' } : {}),
        }),
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
  private async readLiveCluster(
    api: CustomObjectsApi,
    cluster: DeclaredCluster,
  ) {
    const obj: any = await this.call(
      cluster,
      `read Cluster ${cluster.namespace}/${cluster.name}`,
      () =>
        api.getNamespacedCustomObject({
          ...params(FLEET_KINDS.Cluster, cluster.namespace),
          name: cluster.name,
        }),
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

  private async runUpgrade(
    cluster: DeclaredCluster,
    request: { version: string; workers?: boolean },
    writes: Writes,
  ): Promise<UpgradeResult> {
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
      request.version,
      this.limits.ceiling,
    );
    if (early.kind === 'invalid') throw new InputError(early.message);

    const api = this.api(cluster.managementCluster);
    const live = await this.readLiveCluster(api, cluster);
    const ref = live?.spec?.controlPlaneRef;
    if (ref?.kind !== 'KamajiControlPlane' || typeof ref?.name !== 'string') {
      throw new ConflictError(
        `cluster ${cluster.id} has no KamajiControlPlane (controlPlaneRef is ${
          ref?.kind ?? 'unset'
        }): upgrades work on Kamaji tenant clusters`,
      );
    }
    const kcpWhat = `KamajiControlPlane ${cluster.namespace}/${ref.name}`;
    const kcp: any = await this.call(cluster, `read ${kcpWhat}`, () =>
      api.getNamespacedCustomObject({
        ...params(FLEET_KINDS.KamajiControlPlane, cluster.namespace),
        name: ref.name,
      }),
    );
    if (kcp?.metadata?.deletionTimestamp) {
      throw new ConflictError(`${kcpWhat} is being deleted`);
    }
    const current: string | undefined = kcp?.spec?.version;
    const check = checkKubernetesUpgrade(
      current,
      request.version,
      this.limits.ceiling,
    );
    if (check.kind === 'invalid') throw new InputError(check.message);
    const target = check.target;

    // Worker pools: checked before anything is written, so a bad pool changes nothing.
    const pools: Array<{
      md: any;
      name: string;
      from?: string;
      hasVersion: boolean;
    }> = [];
    if (request.workers) {
      const list: any = await this.call(
        cluster,
        `list MachineDeployments of ${cluster.namespace}/${cluster.name}`,
        () =>
          api.listNamespacedCustomObject({
            ...params(FLEET_KINDS.MachineDeployment, cluster.namespace),
            labelSelector: `${KAMAJI_LABELS.capiClusterName}=${cluster.name}`,
          }),
      );
      for (const md of list?.items ?? []) {
        if (md?.spec?.clusterName !== cluster.name) continue;
        const from: string | undefined = md?.spec?.template?.spec?.version;
        const parsed = parseKubeVersion(from, { lenient: true });
        if (parsed && compareKubeVersions(target, parsed) < 0) {
          throw new InputError(
            `version ${target.text} is lower than worker pool ${md.metadata.name}'s ${parsed.text}: downgrades are not supported`,
          );
        }
        if (parsed && compareKubeVersions(target, parsed) === 0) continue;
        pools.push({
          md,
          name: md.metadata.name,
          from,
          hasVersion: typeof from === 'string',
        });
      }
    }

    const result: UpgradeResult = {
      cluster: cluster.id,
      version: target.text,
      changed: false,
      workerPools: [],
    };
    if (check.kind === 'ok') {
      const patch =
        typeof current === 'string'
          ? [
              { op: 'test', path: '/spec/version', value: current },
              { op: 'replace', path: '/spec/version', value: target.text },
            ]
          : [{ op: 'add', path: '/spec/version', value: target.text }];
      await this.patch(
        api,
        cluster,
        FLEET_KINDS.KamajiControlPlane,
        kcp,
        patch,
        writes,
      );
      result.controlPlane = { name: ref.name, from: current, to: target.text };
      result.changed = true;
    }
    for (const pool of pools) {
      const patch = pool.hasVersion
        ? [
            {
              op: 'test',
              path: '/spec/template/spec/version',
              value: pool.from,
            },
            {
              op: 'replace',
              path: '/spec/template/spec/version',
              value: target.text,
            },
          ]
        : [
            {
              op: 'add',
              path: '/spec/template/spec/version',
              value: target.text,
            },
          ];
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
          (e as Error).message = `${(e as Error).message} (already changed: ${[
            result.controlPlane
              ? `control plane to ${result.controlPlane.to}`
              : undefined,
            ...result.workerPools.map(p => `pool ${p.name} to ${p.to}`),
          ]
            .filter(Boolean)
            .join(', ')})`;
        }
        throw e;
      }
      result.workerPools.push({
        name: pool.name,
        from: pool.from,
        to: target.text,
      });
      result.changed = true;
    }
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

  private async runScale(
    cluster: DeclaredCluster,
    request: { pool: string; replicas: number },
    writes: Writes,
  ): Promise<ScaleResult> {
    if (cluster.role === 'tenant' && !cluster.managed) {
      throw new ConflictError(
        `cluster ${cluster.id} is not declared in a management cluster: it has no worker pools to scale`,
      );
    }
    if (
      !Number.isInteger(request.replicas) ||
      request.replicas < 0 ||
      request.replicas > this.limits.maxReplicas
    ) {
      throw new InputError(
        `replicas must be an integer from 0 to ${this.limits.maxReplicas} (got ${request.replicas})`,
      );
    }
    if (isDeletingInModel(cluster)) {
      throw new ConflictError(`cluster ${cluster.id} is being deleted`);
    }
    const known = (cluster as TenantNode).workerPools?.map(p => p.name) ?? [];
    const notAPool = () =>
      new InputError(
        `pool ${JSON.stringify(request.pool)} is not a worker pool of cluster ${
          cluster.id
        }${known.length ? `; its pools are: ${known.join(', ')}` : ''}`,
      );

    const api = this.api(cluster.managementCluster);
    await this.readLiveCluster(api, cluster);
    const mdWhat = `MachineDeployment ${cluster.namespace}/${request.pool}`;
    let md: any;
    try {
      md = await api.getNamespacedCustomObject({
        ...params(FLEET_KINDS.MachineDeployment, cluster.namespace),
        name: request.pool,
      });
    } catch (e) {
      const mapped = mapKubeError(
        e,
        `read ${mdWhat}`,
        cluster.managementCluster,
      );
      if (mapped.name === 'NotFoundError') throw notAPool();
      throw mapped;
    }
    if (md?.spec?.clusterName !== cluster.name) throw notAPool();
    if (md?.metadata?.deletionTimestamp) {
      throw new ConflictError(`${mdWhat} is being deleted`);
    }
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
    const patch =
      from === undefined
        ? [{ op: 'add', path: '/spec/replicas', value: request.replicas }]
        : [
            { op: 'test', path: '/spec/replicas', value: from },
            { op: 'replace', path: '/spec/replicas', value: request.replicas },
          ];
    await this.patch(
      api,
      cluster,
      FLEET_KINDS.MachineDeployment,
      md,
      patch,
      writes,
    );
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
    const access = this.fleet.getManagementClusterAccess(
      cluster.managementCluster,
    )!;
    const { dependents, notes } = await listDependents(
      {
        custom: this.api(cluster.managementCluster),
        core: access.kubeConfig.makeApiClient(CoreV1Api),
      },
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
        api.deleteNamespacedCustomObject({
          ...params(FLEET_KINDS.Cluster, cluster.namespace),
          name: cluster.name,
          propagationPolicy: 'Background',
          ...(writes.dryRun ? { dryRun: 'All' } : {}),
        }),
    );
    return live;
  }
}
