import { InfoCard, Link } from '@backstage/core-components';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import type {
  FleetCluster,
  FleetCondition,
  TenantNode,
} from '@kamaji-backstage/plugin-kamaji-common';
import { HealthBadge, HealthReasons } from '../common/HealthBadge';
import { ClusterLoadState } from '../common/ClusterLoadState';
import { StaleAlert } from '../common/StaleAlert';
import { useEntityCluster } from '../common/useEntityCluster';
import { useFleetLink } from '../common/useFleetLink';
import { TenantActions } from '../actions/TenantActions';
import { effectiveHealth } from '../FleetPage/model';

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

/** The conditions that are not True, with their messages: why the cluster is not fine. */
function FailingConditions(props: { cluster: FleetCluster }) {
  const conditions: FleetCondition[] =
    'conditions' in props.cluster ? props.cluster.conditions : [];
  const failing = conditions.filter(c => c.status !== 'True');
  if (failing.length === 0) return null;
  return (
    <ul aria-label="Conditions not met">
      {failing.map((c, i) => (
        <li key={`${c.source ?? ''}/${c.type}/${i}`}>
          <Typography variant="body2">
            {c.source ? `${c.source} ` : ''}
            {c.type} {c.status}
            {c.reason ? ` (${c.reason})` : ''}
            {c.message ? `: ${c.message}` : ''}
          </Typography>
        </li>
      ))}
    </ul>
  );
}

/** What only a tenant cluster has: its island, data store, versions, workers and addons. */
function TenantRows(props: {
  tenant: TenantNode;
  fleetLink?: (id: string) => string;
}) {
  const { tenant: t } = props;
  const { kamajiControlPlane, tenantControlPlane } = t.controlPlane;
  return (
    <>
      <Row k="Island">
        <IslandRef islandId={t.islandId} fleetLink={props.fleetLink} />
      </Row>
      <Row k="Datastore">
        {tenantControlPlane?.dataStore ?? kamajiControlPlane?.dataStoreName}
      </Row>
      <Row k="Kubernetes version">
        {t.versions.skew
          ? `declared ${t.versions.declared ?? '?'} · running ${
              t.versions.running ?? '?'
            } (version skew)`
          : t.versions.running ?? t.versions.declared}
      </Row>
      <Row k="Control plane (TCP)">
        {tenantControlPlane?.status ?? 'not seen'}
      </Row>
      <Row k="Workers">{`${t.workers.ready}/${t.workers.desired} ready`}</Row>
      <Row k="Addons">{t.addons.map(a => a.name).join(', ') || 'none'}</Row>
    </>
  );
}

function Overview(props: {
  cluster: FleetCluster;
  fleetLink?: (id: string) => string;
  onChanged: () => void;
}) {
  const c = props.cluster;
  return (
    <>
      <StaleAlert cluster={c} />
      <HealthBadge status={effectiveHealth(c)} />
      <HealthReasons reasons={c.health.reasons} />
      <FailingConditions cluster={c} />
      <Table size="small" aria-label="Cluster overview">
        <TableBody>
          <Row k="Role">{c.role}</Row>
          <Row k="Management cluster">{c.managementCluster}</Row>
          <Row k="Owner">{c.owner}</Row>
          <Row k="Site">{c.site}</Row>
          {c.role !== 'management' && <Row k="Endpoint">{c.endpoint}</Row>}
          {c.role === 'tenant' && (
            <TenantRows tenant={c} fleetLink={props.fleetLink} />
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
      {c.role === 'tenant' && (
        <TenantActions cluster={c} onChanged={props.onChanged} />
      )}
    </>
  );
}

/**
 * Overview of the cluster an entity stands for, read from the fleet API by the entity's
 * `kamaji-backstage.io/cluster-id` annotation, with the upgrade and delete actions the user
 * may take.
 *
 * @public
 */
export function ClusterOverviewCard() {
  const state = useEntityCluster();
  const fleetLink = useFleetLink();
  return (
    <InfoCard title="Cluster overview" subheader={state.id}>
      <ClusterLoadState state={state}>
        {cluster => (
          <Overview
            cluster={cluster}
            fleetLink={fleetLink}
            onChanged={state.retry}
          />
        )}
      </ClusterLoadState>
    </InfoCard>
  );
}
