/*
 * TEST HELPER. The declaration of a Kamaji tenant in a management cluster (Cluster,
 * KamajiControlPlane, MachineDeployment) as plain objects, for tests against a real API server.
 */
import { FLEET_KINDS, KubeKind } from '@kamaji-backstage/plugin-kamaji-common';

export const NS = 'fleet-tenants';
const { Cluster, KamajiControlPlane, MachineDeployment } = FLEET_KINDS;

export function at(kind: KubeKind) {
  return {
    group: kind.group,
    version: kind.version,
    namespace: NS,
    plural: kind.plural,
  };
}

export function clusterObject(name: string) {
  return {
    apiVersion: `${Cluster.group}/${Cluster.version}`,
    kind: 'Cluster',
    metadata: {
      name,
      namespace: NS,
      labels: { 'kamaji-backstage.io/owner': 'team-retail' },
    },
    spec: {
      controlPlaneRef: {
        apiGroup: KamajiControlPlane.group,
        kind: 'KamajiControlPlane',
        name,
      },
    },
  };
}

export function kcpObject(name: string, version: string) {
  return {
    apiVersion: `${KamajiControlPlane.group}/${KamajiControlPlane.version}`,
    kind: 'KamajiControlPlane',
    metadata: {
      name,
      namespace: NS,
      labels: { 'cluster.x-k8s.io/cluster-name': name },
    },
    spec: { version, replicas: 2, dataStoreName: 'default' },
  };
}

export function mdObject(
  cluster: string,
  name: string,
  replicas: number,
  version: string,
) {
  const labels = {
    'cluster.x-k8s.io/cluster-name': cluster,
    'cluster.x-k8s.io/deployment-name': name,
  };
  return {
    apiVersion: `${MachineDeployment.group}/${MachineDeployment.version}`,
    kind: 'MachineDeployment',
    metadata: { name, namespace: NS, labels },
    spec: {
      clusterName: cluster,
      replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          clusterName: cluster,
          version,
          bootstrap: { dataSecretName: `${name}-bootstrap` },
          infrastructureRef: {
            apiGroup: 'infrastructure.cluster.x-k8s.io',
            kind: 'EdgeMachineTemplate',
            name,
          },
        },
      },
    },
  };
}
