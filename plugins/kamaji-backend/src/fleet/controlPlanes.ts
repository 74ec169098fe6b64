import {
  FLEET_KINDS,
  externalTenantControlPlaneName,
} from '@kamaji-backstage/plugin-kamaji-common';
import type { TenantHealthInput } from './health';
import type { IslandView } from './modelBuilder';
import { ManagementBuild, reportProblems } from './managementBuild';
import type { SlimCluster, SlimKcp, SlimTcp } from './objects';

/** What a declared tenant's control plane is, where it runs, and why parts of it are unknown. */
export interface ControlPlaneFound {
  kcp?: SlimKcp;
  /** Why there is no KamajiControlPlane, when there is none. */
  kcpInput?: 'missing' | 'unreadable';
  tcp?: SlimTcp;
  /** Its key (namespace/name) where it runs, when it was found. */
  tcpKey?: string;
  /** Why there is no TenantControlPlane, when there is none. */
  tcpInput?: TenantHealthInput['tcp'];
  /** The key of the island the KamajiControlPlane's external reference names. */
  islandKey?: string;
  /** Where the TenantControlPlane runs: an island id or the management cluster's name. */
  hostedIn?: string;
}

type Placement = Omit<ControlPlaneFound, 'kcp' | 'kcpInput'>;

/** Why an external reference names no island of this management cluster. */
function notAnIsland(
  build: ManagementBuild,
  reference: NonNullable<SlimKcp['external']>,
): string {
  const secretRef = `${reference.secretNamespace}/${
    reference.secretName ?? ''
  }`;
  if (!reference.secretName)
    return 'externalClusterReference names no kubeconfig Secret';
  if (
    !build.source.items('Secret').has(secretRef) &&
    build.source.readable('Secret')
  ) {
    return `externalClusterReference points at Secret ${secretRef}, which does not exist`;
  }
  return `externalClusterReference Secret ${secretRef} is not the kubeconfig of an island Cluster of ${build.name}`;
}

/** The TenantControlPlane Kamaji runs for `kcp` on `island`, or why it is not there. */
function onIsland(
  islandKey: string,
  island: IslandView,
  build: ManagementBuild,
  kcp: SlimKcp,
): Placement {
  const hostedIn = build.islandIds.get(islandKey);
  const namespace = kcp.external?.deploymentNamespace ?? '';
  const tcpKey = `${namespace}/${externalTenantControlPlaneName(
    kcp.uid ?? '',
  )}`;
  const tcp = island.source?.items<SlimTcp>('TenantControlPlane').get(tcpKey);
  if (tcp) return { islandKey, hostedIn, tcp, tcpKey };
  if (island.source?.readable('TenantControlPlane')) {
    const missing = `TenantControlPlane ${tcpKey} not found on island ${island.ref.name}`;
    return { islandKey, hostedIn, tcpInput: { missing } };
  }
  const reason =
    island.source?.unreadableReason('TenantControlPlane') ??
    island.connection.lastError;
  const unknown = `TenantControlPlanes on island ${
    island.ref.name
  } cannot be read${reason ? `: ${reason}` : ''}`;
  return { islandKey, hostedIn, tcpInput: { unknown } };
}

/** Where the TenantControlPlane of a KamajiControlPlane with an external reference runs. */
function onExternalCluster(
  build: ManagementBuild,
  kcp: SlimKcp,
  kcpKey: string,
): Placement {
  const ext = kcp.external!;
  const islandKey = ext.secretName
    ? build.view.islandsBySecret.get(`${ext.secretNamespace}/${ext.secretName}`)
    : undefined;
  if (!islandKey) {
    const message = notAnIsland(build, ext);
    reportProblems(build.problems, build.name, `KamajiControlPlane ${kcpKey}`, [
      message,
    ]);
    return {
      tcpInput: { unknown: `control plane location unknown: ${message}` },
    };
  }
  const island = build.view.islands.get(islandKey);
  // The island's connection is being set up (the Secret index moves first).
  if (!island)
    return {
      islandKey,
      tcpInput: { unknown: `island ${islandKey} is being connected` },
    };
  return onIsland(islandKey, island, build, kcp);
}

/** The TenantControlPlane of a KamajiControlPlane in the management cluster itself. */
function local(build: ManagementBuild, kcp: SlimKcp): Placement {
  const tcpKey = `${kcp.namespace}/${kcp.name}`;
  const tcp = build.source.items<SlimTcp>('TenantControlPlane').get(tcpKey);
  if (tcp) return { hostedIn: build.name, tcp, tcpKey };
  const tcpInput = build.source.readable('TenantControlPlane')
    ? { missing: `TenantControlPlane ${tcpKey} not found in ${build.name}` }
    : { unknown: `TenantControlPlanes in ${build.name} cannot be read` };
  return { hostedIn: build.name, tcpInput };
}

/**
 * Finds the control plane of a declared tenant: its KamajiControlPlane and the
 * TenantControlPlane Kamaji runs for it, on an island or in the management cluster, and reports
 * the problems of both.
 */
export function findControlPlane(
  build: ManagementBuild,
  cluster: SlimCluster,
): ControlPlaneFound {
  const ref = cluster.controlPlaneRef;
  const group = FLEET_KINDS.KamajiControlPlane.group;
  if (!ref || ref.kind !== 'KamajiControlPlane' || ref.group !== group)
    return {};
  const kcpKey = `${cluster.namespace}/${ref.name}`;
  const kcp = build.source.items<SlimKcp>('KamajiControlPlane').get(kcpKey);
  if (!kcp) {
    const readable = build.source.readable('KamajiControlPlane');
    return { kcpInput: readable ? 'missing' : 'unreadable' };
  }
  reportProblems(
    build.problems,
    build.name,
    `KamajiControlPlane ${kcpKey}`,
    kcp.problems,
  );
  const placement = kcp.external
    ? onExternalCluster(build, kcp, kcpKey)
    : local(build, kcp);
  const { tcp, islandKey } = placement;
  if (tcp?.problems) {
    const where = islandKey ? build.islandIds.get(islandKey)! : build.name;
    reportProblems(
      build.problems,
      where,
      `TenantControlPlane ${tcp.namespace}/${tcp.name}`,
      tcp.problems,
    );
  }
  return { kcp, ...placement };
}
