import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import {
  MissingAnnotationEmptyState,
  useEntity,
} from '@backstage/plugin-catalog-react';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { Alert } from '@material-ui/lab';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  KAMAJI_ENTITY,
  type FleetCluster,
} from '@kamaji-backstage/plugin-kamaji-common';
import { kamajiApiRef } from '../../api/KamajiApi';
import { describeError, errorStatus } from '../../api/KamajiClient';
import { rootRouteRef } from '../../routes';
import { HealthBadge } from '../common/HealthBadge';
import {
  effectiveHealth,
  formatAgo,
  isStale,
  lastSeenAt,
} from '../FleetPage/model';

function useFleetLink(): ((id: string) => string) | undefined {
  let root: (() => string) | undefined;
  try {
    // Throws when the fleet page is not mounted in this app. The hook is called exactly
    // once on every render; the try only catches its error.
    // eslint-disable-next-line react-hooks/rules-of-hooks
    root = useRouteRef(rootRouteRef);
  } catch {
    root = undefined;
  }
  return root
    ? (id: string) => `${root!()}?selected=${encodeURIComponent(id)}`
    : undefined;
}

function Row(props: { k: string; children?: React.ReactNode }) {
  if (props.children === undefined || props.children === '') return null;
  return (
    <TableRow>
      <TableCell component="th" scope="row">
        {props.k}
      </TableCell>
      <TableCell>{props.children}</TableCell>
    </TableRow>
  );
}

function IslandRef(props: {
  islandId?: string;
  fleetLink?: (id: string) => string;
}) {
  if (!props.islandId) return <>hosted in the management cluster</>;
  if (!props.fleetLink) return <>{props.islandId}</>;
  return <Link to={props.fleetLink(props.islandId)}>{props.islandId}</Link>;
}

function Overview(props: {
  cluster: FleetCluster;
  fleetLink?: (id: string) => string;
}) {
  const c = props.cluster;
  const stale = isStale(c);
  return (
    <>
      {stale && (
        <Alert severity="warning" style={{ marginBottom: 8 }}>
          Stale: last seen {formatAgo(lastSeenAt(c))}. The backend cannot reach
          the cluster holding this data; its health is not known.
        </Alert>
      )}
      <HealthBadge status={effectiveHealth(c)} />
      {c.health.reasons.length > 0 && (
        <ul aria-label="Health reasons">
          {c.health.reasons.map((r, i) => (
            <li key={i}>
              <Typography variant="body2">{r}</Typography>
            </li>
          ))}
        </ul>
      )}
      <Table size="small" aria-label="Cluster overview">
        <TableBody>
          <Row k="Role">{c.role}</Row>
          <Row k="Management cluster">{c.managementCluster}</Row>
          <Row k="Owner">{c.owner}</Row>
          <Row k="Site">{c.site}</Row>
          {c.role === 'tenant' && (
            <>
              <Row k="Island">
                <IslandRef islandId={c.islandId} fleetLink={props.fleetLink} />
              </Row>
              <Row k="Kubernetes version">
                {c.versions.skew
                  ? `declared ${c.versions.declared ?? '?'} · running ${
                      c.versions.running ?? '?'
                    } (version skew)`
                  : c.versions.running ?? c.versions.declared}
              </Row>
              <Row k="Control plane (TCP)">
                {c.controlPlane.tenantControlPlane?.status ?? 'not seen'}
              </Row>
              <Row k="Workers">{`${c.workers.ready}/${c.workers.desired} ready`}</Row>
              <Row k="Addons">
                {c.addons.map(a => a.name).join(', ') || 'none'}
              </Row>
            </>
          )}
          {c.role === 'island' && (
            <>
              <Row k="Connection">{c.connection.status}</Row>
              <Row k="Kubernetes version">{c.kubernetesVersion}</Row>
              <Row k="Tenants">{String(c.tenantIds.length)}</Row>
            </>
          )}
        </TableBody>
      </Table>
      {props.fleetLink && (
        <Typography variant="body2" style={{ marginTop: 8 }}>
          <Link to={props.fleetLink(c.id)}>Show in the fleet topology</Link>
        </Typography>
      )}
    </>
  );
}

/**
 * Overview of the cluster an entity stands for, read from the fleet API by the entity's
 * `kamaji-backstage.io/cluster-id` annotation.
 *
 * @public
 */
export function ClusterOverviewCard() {
  const { entity } = useEntity();
  const api = useApi(kamajiApiRef);
  const fleetLink = useFleetLink();
  const id = entity.metadata.annotations?.[KAMAJI_ENTITY.clusterIdAnnotation];
  const { value, loading, error, retry } = useAsyncRetry(
    async () => (id ? api.getClusterById(id) : undefined),
    [api, id],
  );

  let body: JSX.Element;
  if (!id) {
    body = (
      <MissingAnnotationEmptyState
        annotation={KAMAJI_ENTITY.clusterIdAnnotation}
      />
    );
  } else if (loading) {
    body = <Progress />;
  } else if (error && errorStatus(error) === 403) {
    body = (
      <WarningPanel severity="error" title="Permission denied" defaultExpanded>
        You may not read this cluster ({describeError(error)}).
      </WarningPanel>
    );
  } else if (error && errorStatus(error) === 404) {
    body = (
      <WarningPanel
        severity="warning"
        title="Cluster not found"
        defaultExpanded
      >
        The fleet has no cluster {id} that you may read. It may have been
        deleted, or the annotation may be wrong.
      </WarningPanel>
    );
  } else if (error) {
    body = <ResponseErrorPanel error={error} />;
  } else {
    body = <Overview cluster={value!} fleetLink={fleetLink} />;
  }
  return (
    <InfoCard title="Cluster overview" subheader={id}>
      {body}
      {error && errorStatus(error) !== 403 && errorStatus(error) !== 404 && (
        <Link
          to="#"
          onClick={e => {
            e.preventDefault();
            retry();
          }}
        >
          Retry
        </Link>
      )}
    </InfoCard>
  );
}
