import {
  DependentObject,
  FLEET_KINDS,
  KAMAJI_LABELS,
  KubeKind,
  TenantNode,
} from '@kamaji-backstage/plugin-kamaji-common';
import { kindPath, KubeClient } from '@kamaji-backstage/plugin-kamaji-node';
import { mapKubeError } from './kubeErrors';
import type { DeclaredCluster } from './ClusterActions';

type ListedKind = Pick<KubeKind, 'kind' | 'group' | 'version' | 'plural'>;

const SECRET_KIND: ListedKind = {
  kind: 'Secret',
  group: '',
  version: 'v1',
  plural: 'secrets',
};

const SECRET_ROLES: Array<[RegExp, string]> = [
  [/-kubeconfig$/, 'kubeconfig'],
  [/-(ca|etcd|proxy|sa)$/, 'certificates and keys'],
];

function secretRole(name: string): string {
  return (
    SECRET_ROLES.find(([p]) => p.test(name))?.[1] ?? 'Secret of the cluster'
  );
}

/** A `*Ref` of the Cluster spec (v1beta2 `apiGroup` or v1beta1 `apiVersion`) as a dependent. */
function fromRef(
  ref: any,
  cluster: DeclaredCluster,
  role: string,
): DependentObject[] {
  if (typeof ref?.kind !== 'string' || typeof ref?.name !== 'string') return [];
  return [
    {
      kind: ref.kind,
      namespace: cluster.namespace,
      name: ref.name,
      location: cluster.managementCluster,
      role,
    },
  ];
}

/** The objects of `kind` in the cluster's namespace labelled with its name. */
export async function listLabelled(
  api: KubeClient,
  cluster: DeclaredCluster,
  kind: ListedKind,
): Promise<any[]> {
  const answer: { items?: any[] } = await api.getJson(
    kindPath(kind, { namespace: cluster.namespace }),
    {
      query: {
        labelSelector: `${KAMAJI_LABELS.capiClusterName}=${cluster.name}`,
      },
    },
  );
  return answer.items ?? [];
}

/**
 * The objects of `kind` labelled with the cluster's name, as dependents; a list the backend may
 * not read adds a note instead.
 */
async function labelledDependents(
  api: KubeClient,
  cluster: DeclaredCluster,
  kind: ListedKind,
  roleOf: (name: string) => string,
  notes: string[],
): Promise<DependentObject[]> {
  try {
    const items = await listLabelled(api, cluster, kind);
    return items.map(item => ({
      kind: kind.kind,
      namespace: cluster.namespace,
      name: item.metadata.name,
      location: cluster.managementCluster,
      role: roleOf(item.metadata.name),
    }));
  } catch (e) {
    const what = `${kind.kind}s of ${cluster.namespace}/${cluster.name}`;
    notes.push(
      mapKubeError(e, `list ${what}`, cluster.managementCluster).message,
    );
    return [];
  }
}

/** The tenant's TenantControlPlane where the model last saw it running. */
function tenantControlPlane(cluster: DeclaredCluster): DependentObject[] {
  const tcp =
    cluster.role === 'tenant'
      ? (cluster as TenantNode).controlPlane.tenantControlPlane
      : undefined;
  if (!tcp?.name) return [];
  return [
    {
      kind: 'TenantControlPlane',
      namespace: tcp.namespace,
      name: tcp.name,
      location: tcp.hostedIn,
      role: 'control plane pods and data store entry',
    },
  ];
}

/**
 * What goes with a deleted CAPI Cluster: its control plane and infrastructure (the Cluster's
 * refs), its worker pools and machines, its Secrets (kubeconfig, certificates) in the
 * management cluster, and the TenantControlPlane on the island as the fleet model last saw it
 * (no request to the island: its uplink may be down, and the model already knows).
 * A list the backend may not read becomes a note, not a failure.
 */
export async function listDependents(
  api: KubeClient,
  cluster: DeclaredCluster,
  live: any,
): Promise<{ dependents: DependentObject[]; notes: string[] }> {
  const notes: string[] = [];
  const labelled = (kind: ListedKind, roleOf: (name: string) => string) =>
    labelledDependents(api, cluster, kind, roleOf, notes);
  const [pools, machines, secrets] = await Promise.all([
    labelled(FLEET_KINDS.MachineDeployment, () => 'worker pool'),
    labelled(FLEET_KINDS.Machine, () => 'machine'),
    labelled(SECRET_KIND, secretRole),
  ]);
  return {
    dependents: [
      ...fromRef(live?.spec?.controlPlaneRef, cluster, 'control plane'),
      ...tenantControlPlane(cluster),
      ...fromRef(live?.spec?.infrastructureRef, cluster, 'infrastructure'),
      ...pools,
      ...machines,
      ...secrets,
    ],
    notes,
  };
}
