import type { ReactNode } from 'react';
import { WarningPanel } from '@backstage/core-components';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  kubernetesClustersReadPermission,
  kubernetesResourcesReadPermission,
} from '@backstage/plugin-kubernetes-common';

/** Its children for users with both Kubernetes read permissions, else a panel saying so. */
export function RequireKubernetesReadPermissions(props: {
  children: ReactNode;
}) {
  const clusters = usePermission({
    permission: kubernetesClustersReadPermission,
  });
  const resources = usePermission({
    permission: kubernetesResourcesReadPermission,
  });
  if (clusters.loading || resources.loading) return null;
  if (clusters.allowed && resources.allowed) return <>{props.children}</>;
  return (
    <WarningPanel
      title="Permission required"
      message="Backstage's permission policy does not let you read Kubernetes clusters and resources (kubernetes.clusters.read, kubernetes.resources.read)."
    />
  );
}
