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

const SECRET_KIND = { group: '', version: 'v1', plural: 'secrets' };

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
  const selector = `${KAMAJI_LABELS.capiClusterName}=${cluster.name}`;
  const notes: string[] = [];
  const listed = async (
    what: string,
    list: () => Promise<{ items?: any[] }>,
    toDependent: (item: any) => DependentObject,
  ): Promise<DependentObject[]> => {
    try {
      const answer = await list();
      return (answer.items ?? []).map(toDependent);
    } catch (e) {
      notes.push(
        mapKubeError(e, `list ${what}`, cluster.managementCluster).message,
      );
      return [];
    }
  };
  const list = (kind: Pick<KubeKind, 'group' | 'version' | 'plural'>) =>
    api.getJson(kindPath(kind, { namespace: cluster.namespace }), {
      query: { labelSelector: selector },
    });
  const ofKind = (kind: KubeKind, role: string) =>
    listed(
      `${kind.kind}s of ${cluster.namespace}/${cluster.name}`,
      () => list(kind),
      item => ({
        kind: kind.kind,
        namespace: cluster.namespace,
        name: item.metadata.name,
        location: cluster.managementCluster,
        role,
      }),
    );

  const [pools, machines, secrets] = await Promise.all([
    ofKind(FLEET_KINDS.MachineDeployment, 'worker pool'),
    ofKind(FLEET_KINDS.Machine, 'machine'),
    listed(
      `Secrets of ${cluster.namespace}/${cluster.name}`,
      () => list(SECRET_KIND),
      item => ({
        kind: 'Secret',
        namespace: cluster.namespace,
        name: item.metadata.name,
        location: cluster.managementCluster,
        role: secretRole(item.metadata.name),
      }),
    ),
  ]);
  const tcp =
    cluster.role === 'tenant'
      ? (cluster as TenantNode).controlPlane.tenantControlPlane
      : undefined;
  return {
    dependents: [
      ...fromRef(live?.spec?.controlPlaneRef, cluster, 'control plane'),
      ...(tcp?.name
        ? [
            {
              kind: 'TenantControlPlane',
              namespace: tcp.namespace,
              name: tcp.name,
              location: tcp.hostedIn,
              role: 'control plane pods and data store entry',
            },
          ]
        : []),
      ...fromRef(live?.spec?.infrastructureRef, cluster, 'infrastructure'),
      ...pools,
      ...machines,
      ...secrets,
    ],
    notes,
  };
}
