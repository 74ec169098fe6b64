import type { Entity } from '@backstage/catalog-model';
import { EmptyState, Progress } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  detectErrors,
  type DetectedError,
  type ObjectsByEntityResponse,
} from '@backstage/plugin-kubernetes-common';
import {
  Cluster,
  DetectedErrorsContext,
  ErrorPanel,
  ErrorReporting,
  useKubernetesObjects,
} from '@backstage/plugin-kubernetes-react';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { splitClusters } from './clusterRefusals';
import { NotAllowedPanel } from './NotAllowedPanel';
import { RequireKubernetesReadPermissions } from './RequireKubernetesReadPermissions';

/**
 * Props of the Kamaji Kubernetes tab (`EntityKamajiKubernetesContent`).
 *
 * @public
 */
export interface KamajiKubernetesContentProps {
  /** How often the objects are read again; the Kubernetes plugin's default is 10 s. */
  refreshIntervalMs?: number;
}

/** The names of the Pods with detected errors in one cluster. */
function podsWithErrorsIn(
  detected: Map<string, DetectedError[]>,
  cluster: string,
): Set<string> {
  return new Set(
    (detected.get(cluster) ?? [])
      .filter(e => e.sourceRef.kind === 'Pod')
      .map(e => e.sourceRef.name),
  );
}

function Objects(props: {
  entity: Entity;
  objects: ObjectsByEntityResponse;
  detected: Map<string, DetectedError[]>;
}) {
  const { refused, failed, shown } = splitClusters(props.objects.items);
  return (
    <Grid container spacing={3} direction="column">
      {refused.length > 0 && (
        <Grid item>
          <NotAllowedPanel clusters={refused} />
        </Grid>
      )}
      {failed.length > 0 && (
        <Grid item>
          <ErrorPanel
            entityName={props.entity.metadata.name}
            clustersWithErrors={failed}
          />
        </Grid>
      )}
      <Grid item>
        <ErrorReporting
          detectedErrors={props.detected}
          clusters={shown.map(i => i.cluster)}
        />
      </Grid>
      {(shown.length > 0 || props.objects.items.length === 0) && (
        <Grid item>
          <Typography variant="h3">Your Clusters</Typography>
        </Grid>
      )}
      <Grid item container>
        {props.objects.items.length === 0 && (
          <EmptyState
            missing="data"
            title="No Kubernetes resources"
            description={`No resources on any known clusters for ${props.entity.metadata.name}`}
          />
        )}
        {shown.map(item => (
          <Grid item xs={12} key={item.cluster.name}>
            <Cluster
              clusterObjects={item}
              podsWithErrors={podsWithErrorsIn(
                props.detected,
                item.cluster.name,
              )}
            />
          </Grid>
        ))}
      </Grid>
    </Grid>
  );
}

/** The current entity's objects in every cluster, read again every `refreshIntervalMs`. */
function EntityObjects(props: KamajiKubernetesContentProps) {
  const { entity } = useEntity();
  const { kubernetesObjects, error } = useKubernetesObjects(
    entity,
    props.refreshIntervalMs,
  );
  const detected = kubernetesObjects
    ? detectErrors(kubernetesObjects)
    : new Map<string, DetectedError[]>();
  return (
    <DetectedErrorsContext.Provider value={[...detected.values()].flat()}>
      {!kubernetesObjects && !error && <Progress />}
      {error && (
        <ErrorPanel entityName={entity.metadata.name} errorMessage={error} />
      )}
      {kubernetesObjects && (
        <Objects
          entity={entity}
          objects={kubernetesObjects}
          detected={detected}
        />
      )}
    </DetectedErrorsContext.Provider>
  );
}

/**
 * The Kubernetes tab of an entity, built from the Kubernetes plugin's parts: like its own, except
 * that a cluster whose API server refuses the signed-in user (401/403, the cluster's RBAC on the
 * user's groups) is shown as "not allowed", naming the cluster and the owner to ask, instead of
 * as an error. Other errors keep the plugin's error panel.
 */
export function KamajiKubernetesContent(props: KamajiKubernetesContentProps) {
  return (
    <RequireKubernetesReadPermissions>
      <EntityObjects refreshIntervalMs={props.refreshIntervalMs} />
    </RequireKubernetesReadPermissions>
  );
}
