import { makeStyles } from '@material-ui/core/styles';
import Drawer from '@material-ui/core/Drawer';
import IconButton from '@material-ui/core/IconButton';
import Typography from '@material-ui/core/Typography';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import CloseIcon from '@material-ui/icons/Close';
import { Alert } from '@material-ui/lab';
import type {
  DataStoreInfo,
  FleetCluster,
  FleetCondition,
  IslandNode,
  ManagementClusterNode,
  TenantNode,
} from '@kamaji-backstage/plugin-kamaji-common';
import { HealthBadge, HealthReasons } from '../common/HealthBadge';
import { CatalogEntityLink } from '../common/CatalogEntityLink';
import { connectionSince, formatIn } from '../common/connection';
import { tenantsServed } from '../common/dataStores';
import { UplinkBar } from '../common/UplinkBar';
import { effectiveHealth, formatAgo, isStale, lastSeenAt } from './model';

const useStyles = makeStyles(theme => ({
  paper: { width: 480, maxWidth: '100vw', padding: theme.spacing(2) },
  header: {
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'space-between',
  },
  section: { marginTop: theme.spacing(2) },
  key: { fontWeight: theme.typography.fontWeightMedium as any, width: '40%' },
}));

function Row(props: { k: string; v?: React.ReactNode }) {
  const classes = useStyles();
  if (props.v === undefined || props.v === null || props.v === '') return null;
  return (
    <TableRow>
      <TableCell component="th" scope="row" className={classes.key}>
        {props.k}
      </TableCell>
      <TableCell>{props.v}</TableCell>
    </TableRow>
  );
}

function Conditions(props: { conditions: FleetCondition[] }) {
  if (!props.conditions.length) {
    return (
      <Typography variant="body2" color="textSecondary">
        No conditions reported.
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label="Conditions">
      <TableHead>
        <TableRow>
          <TableCell>Type</TableCell>
          <TableCell>Status</TableCell>
          <TableCell>Reason / message</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.conditions.map((c, i) => (
          <TableRow key={`${c.source ?? ''}/${c.type}/${i}`}>
            <TableCell>
              {c.source ? `${c.source} ` : ''}
              {c.type}
            </TableCell>
            <TableCell>{c.status}</TableCell>
            <TableCell>
              {c.reason}
              {c.reason && c.message ? ': ' : ''}
              {c.message}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/** `default (etcd, 3 tenants), backup (etcd, not ready, unused)`. */
function dataStoresText(dataStores: DataStoreInfo[]): string {
  return dataStores
    .map(
      d =>
        `${d.name} (${d.driver}${
          d.ready === false ? ', not ready' : ''
        }, ${tenantsServed(d)})`,
    )
    .join(', ');
}

function ManagementRows({ node }: { node: ManagementClusterNode }) {
  return (
    <>
      <Row k="Connection" v={connectionSince(node.connection)} />
      <Row k="Last error" v={node.connection.lastError} />
      <Row k="Islands" v={String(node.islandIds.length)} />
      <Row k="Tenants in the cloud" v={String(node.tenantIds.length)} />
    </>
  );
}

function IslandRows({ node }: { node: IslandNode }) {
  return (
    <>
      <Row k="Connection" v={connectionSince(node.connection)} />
      <Row k="Last error" v={node.connection.lastError} />
      {node.connection.status === 'disconnected' && (
        <Row k="Next retry" v={formatIn(node.connection.nextRetryAt)} />
      )}
      <Row k="Phase" v={node.phase} />
      <Row k="Kubernetes version" v={node.kubernetesVersion} />
      <Row k="API server" v={node.endpoint} />
      <Row k="Tenants" v={String(node.tenantIds.length)} />
      <Row k="DataStores" v={dataStoresText(node.dataStores)} />
    </>
  );
}

/** `Ready, 2/3 ready`, or `not seen` when there is no TenantControlPlane. */
function controlPlaneText(
  tcp: TenantNode['controlPlane']['tenantControlPlane'],
): string {
  if (!tcp) return 'not seen';
  return `${tcp.status}${
    tcp.readyReplicas !== undefined
      ? `, ${tcp.readyReplicas}/${tcp.replicas ?? '?'} ready`
      : ''
  }`;
}

/** `md-0: 2/3 Running; gpu: 0/1`. */
function workerPoolsText(node: TenantNode): string {
  return node.workerPools
    .map(
      p =>
        `${p.name}: ${p.replicas.ready}/${p.replicas.desired}${
          p.phase ? ` ${p.phase}` : ''
        }`,
    )
    .join('; ');
}

function addonsText(node: TenantNode): string {
  return node.addons
    .map(a => `${a.name}${a.status ? ` (${a.status})` : ''}`)
    .join(', ');
}

function TenantRows({ node }: { node: TenantNode }) {
  const tcp = node.controlPlane.tenantControlPlane;
  return (
    <>
      <Row
        k="Managed"
        v={node.managed ? 'yes' : 'no (TenantControlPlane only)'}
      />
      <Row
        k="Hosted on"
        v={node.islandId ?? `${node.managementCluster} (management cluster)`}
      />
      <Row k="Phase" v={node.phase} />
      <Row k="Declared version" v={node.versions.declared} />
      <Row k="Running version" v={node.versions.running} />
      <Row k="Worker versions" v={node.versions.workers.join(', ')} />
      <Row k="Version skew" v={node.versions.skew ? 'yes' : 'no'} />
      <Row k="Control plane (TCP)" v={controlPlaneText(tcp)} />
      <Row
        k="DataStore"
        v={
          tcp?.dataStore ?? node.controlPlane.kamajiControlPlane?.dataStoreName
        }
      />
      <Row k="API server" v={node.endpoint ?? tcp?.endpoint} />
      <Row
        k="Workers"
        v={`${node.workers.ready}/${node.workers.desired} ready`}
      />
      <Row k="Worker pools" v={workerPoolsText(node)} />
      <Row k="Addons" v={addonsText(node)} />
    </>
  );
}

/** The rows only a node of its role has. */
function RoleRows({ node }: { node: FleetCluster }) {
  switch (node.role) {
    case 'management':
      return <ManagementRows node={node} />;
    case 'island':
      return <IslandRows node={node} />;
    default:
      return <TenantRows node={node} />;
  }
}

function SectionTitle(props: { children: string }) {
  const classes = useStyles();
  return (
    <Typography variant="h6" component="h3" className={classes.section}>
      {props.children}
    </Typography>
  );
}

function PanelHeader({
  node,
  onClose,
}: {
  node: FleetCluster;
  onClose: () => void;
}) {
  const classes = useStyles();
  return (
    <>
      <div className={classes.header}>
        <Typography variant="h5" component="h2">
          {node.title ?? node.name}
        </Typography>
        <IconButton aria-label="Close details" onClick={onClose}>
          <CloseIcon />
        </IconButton>
      </div>
      <Typography variant="body2" color="textSecondary">
        {node.role} · {node.id}
      </Typography>
    </>
  );
}

function NodePanel(props: {
  node: FleetCluster;
  island?: IslandNode;
  onClose: () => void;
}) {
  const classes = useStyles();
  const { node, island } = props;
  return (
    <div role="region" aria-label={`Details of ${node.name}`}>
      <PanelHeader node={node} onClose={props.onClose} />
      {isStale(node, island) && (
        <Alert severity="warning" className={classes.section}>
          Stale: last seen {formatAgo(lastSeenAt(node, island))}. The backend
          cannot reach the cluster holding this data; its health is not known.
        </Alert>
      )}
      <div className={classes.section}>
        <HealthBadge status={effectiveHealth(node, island)} />
        <HealthReasons reasons={node.health.reasons} />
      </div>
      <Table size="small" className={classes.section} aria-label="Details">
        <TableBody>
          <Row k="Management cluster" v={node.managementCluster} />
          <Row k="Namespace" v={node.namespace} />
          <Row k="Owner" v={node.owner} />
          <Row k="Site" v={node.site} />
          <RoleRows node={node} />
        </TableBody>
      </Table>
      {node.role === 'island' && (
        <div className={classes.section}>
          <UplinkBar islandId={node.id} connection={node.connection} />
        </div>
      )}
      {node.role !== 'management' && (
        <>
          <SectionTitle>Conditions</SectionTitle>
          <Conditions conditions={node.conditions} />
        </>
      )}
      <SectionTitle>Catalog</SectionTitle>
      <CatalogEntityLink clusterId={node.id} />
    </div>
  );
}

/** The side panel of a selected node. */
export function NodeDetails(props: {
  node?: FleetCluster;
  island?: IslandNode;
  onClose: () => void;
}) {
  const classes = useStyles();
  const { node, island } = props;
  return (
    <Drawer
      anchor="right"
      open={!!node}
      onClose={props.onClose}
      classes={{ paper: classes.paper }}
    >
      {node && (
        <NodePanel node={node} island={island} onClose={props.onClose} />
      )}
    </Drawer>
  );
}
