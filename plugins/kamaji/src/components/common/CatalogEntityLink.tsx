import { useApiHolder } from '@backstage/core-plugin-api';
import { Progress } from '@backstage/core-components';
import { EntityRefLink, catalogApiRef } from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import {
  KAMAJI_ENTITY,
  type ClusterId,
} from '@kamaji-backstage/plugin-kamaji-common';

/**
 * A link to the catalog entity of a cluster: the entity whose
 * `kamaji-backstage.io/cluster-id` annotation is the cluster's id, looked up in the catalog
 * (so it works whatever names the catalog provider gives its entities).
 */
export function CatalogEntityLink(props: { clusterId: ClusterId }) {
  const catalogApi = useApiHolder().get(catalogApiRef);
  const { value, loading, error } = useAsync(async () => {
    if (!catalogApi) return undefined;
    const res = await catalogApi.getEntities({
      filter: {
        [`metadata.annotations.${KAMAJI_ENTITY.clusterIdAnnotation}`]:
          props.clusterId,
      },
      fields: ['kind', 'metadata.name', 'metadata.namespace', 'metadata.title'],
    });
    return res.items[0];
  }, [catalogApi, props.clusterId]);

  if (loading) return <Progress />;
  if (error) {
    return (
      <Typography variant="body2" color="textSecondary">
        Catalog lookup failed: {error.message}
      </Typography>
    );
  }
  if (!value) {
    return (
      <Typography variant="body2" color="textSecondary">
        No catalog entity is annotated with {KAMAJI_ENTITY.clusterIdAnnotation}:{' '}
        {props.clusterId} yet.
      </Typography>
    );
  }
  return (
    <EntityRefLink entityRef={value} hideIcon disableTooltip>
      Open in the catalog
    </EntityRefLink>
  );
}
