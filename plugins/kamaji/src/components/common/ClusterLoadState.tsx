import { Progress, WarningPanel } from '@backstage/core-components';
import { MissingAnnotationEmptyState } from '@backstage/plugin-catalog-react';
import { KAMAJI_ENTITY } from '@kamaji-backstage/plugin-kamaji-common';
import { describeError, errorStatus } from '../../api/KamajiClient';
import { ErrorWithRetry } from './ErrorWithRetry';
import type { EntityClusterState } from './useEntityCluster';

/**
 * The body of a cluster card: the missing annotation, loading, a denied read, an unknown
 * cluster or a failure (with a retry link), and otherwise what `children` makes of the data.
 */
export function ClusterLoadState<T>(props: {
  state: EntityClusterState<T>;
  children: (value: T) => JSX.Element;
}) {
  const { id, value, loading, error, retry } = props.state;
  if (!id) {
    return (
      <MissingAnnotationEmptyState
        annotation={KAMAJI_ENTITY.clusterIdAnnotation}
      />
    );
  }
  if (loading) return <Progress />;
  const status = errorStatus(error);
  if (error && status === 403) {
    return (
      <WarningPanel severity="error" title="Permission denied" defaultExpanded>
        You may not read this cluster ({describeError(error)}).
      </WarningPanel>
    );
  }
  if (error && status === 404) {
    return (
      <WarningPanel
        severity="warning"
        title="Cluster not found"
        defaultExpanded
      >
        The fleet has no cluster {id} that you may read. It may have been
        deleted, or the annotation may be wrong.
      </WarningPanel>
    );
  }
  if (error) return <ErrorWithRetry error={error} retry={retry} />;
  return props.children(value as T);
}
