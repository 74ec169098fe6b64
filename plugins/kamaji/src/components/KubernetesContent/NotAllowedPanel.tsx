import type { ClusterObjects } from '@backstage/plugin-kubernetes-common';
import type { Entity } from '@backstage/catalog-model';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';
import { Alert, AlertTitle } from '@material-ui/lab';
import { hasObjects, refusalsOf } from './clusterRefusals';
import { useClusterEntities } from './useClusterEntities';

function OwnerToAsk(props: {
  clusterEntity?: Entity;
  loading: boolean;
  error?: Error;
}) {
  const owner = props.clusterEntity?.spec?.owner;
  if (typeof owner === 'string') {
    return (
      <>
        Ask the cluster&apos;s owner,{' '}
        <EntityRefLink
          entityRef={owner}
          defaultKind="group"
          defaultNamespace={props.clusterEntity?.metadata.namespace}
        />
        , to bind one of your groups to a role in that cluster.
      </>
    );
  }
  if (props.loading) return <>Looking up the cluster&apos;s owner…</>;
  if (props.error) {
    return (
      <>
        Its owner could not be looked up in the catalog ({props.error.message}
        ): ask your platform team who owns it.
      </>
    );
  }
  return (
    <>
      The catalog shows you no owner for this cluster: ask your platform team
      who owns it, to bind one of your groups to a role in that cluster.
    </>
  );
}

/**
 * Clusters whose API server refused the signed-in user (401/403): not a failure of Backstage but
 * the cluster's own RBAC on the user's groups, with whom to ask for access.
 */
export function NotAllowedPanel(props: { clusters: ClusterObjects[] }) {
  const entities = useClusterEntities(props.clusters.map(c => c.cluster.name));
  return (
    <>
      {props.clusters.map(item => {
        const { name, title } = item.cluster;
        const { statusCodes, resourcePaths } = refusalsOf(item);
        return (
          <Alert
            key={name}
            severity="info"
            role="status"
            aria-label={`Not allowed: ${title ?? name}`}
            style={{ marginBottom: 8 }}
          >
            <AlertTitle>Not allowed: {title ?? name}</AlertTitle>
            <Typography variant="body2" paragraph>
              {hasObjects(item)
                ? 'Your groups may not read some resources of the cluster '
                : 'Your groups have no access to the cluster '}
              {title ?? name}
              {title && title !== name ? ` (${name})` : ''}: the cluster&apos;s
              RBAC refused the request ({statusCodes.join(', ')}). This is the
              cluster&apos;s access control, not an error of Backstage or of the
              Kubernetes plugin.{' '}
              <OwnerToAsk
                clusterEntity={entities.value?.get(name)}
                loading={entities.loading}
                error={entities.error}
              />
            </Typography>
            <Typography variant="caption" component="p">
              Refused: {resourcePaths.join(', ')}
            </Typography>
          </Alert>
        );
      })}
    </>
  );
}
