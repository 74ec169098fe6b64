import { InfoCard } from '@backstage/core-components';
import Button from '@material-ui/core/Button';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import {
  kamajiClusterScalePermission,
  type FleetCluster,
  type TenantNode,
  type WorkerPool,
} from '@kamaji-backstage/plugin-kamaji-common';
import { ClusterLoadState } from '../common/ClusterLoadState';
import { useDenseTableStyles } from '../common/denseTable';
import { StaleAlert } from '../common/StaleAlert';
import { useEntityCluster } from '../common/useEntityCluster';
import { ScaleDialog } from '../actions/ScaleDialog';
import { useActionDialog } from '../actions/useActionDialog';
import { useClusterPermission } from '../actions/useClusterPermission';

/** One pool; with a Scale button when `onScale` is given. */
function PoolRow(props: { pool: WorkerPool; onScale?: () => void }) {
  const { pool, onScale } = props;
  const classes = useDenseTableStyles();
  return (
    <TableRow>
      <TableCell component="th" scope="row" className={classes.anywhere}>
        {pool.name}
      </TableCell>
      <TableCell>{pool.version ?? '—'}</TableCell>
      <TableCell align="right">{pool.replicas.desired}</TableCell>
      <TableCell align="right">{pool.replicas.ready}</TableCell>
      <TableCell align="right">{pool.replicas.available}</TableCell>
      <TableCell>{pool.phase ?? 'Unknown'}</TableCell>
      {onScale && (
        <TableCell align="right">
          <Button
            size="small"
            variant="outlined"
            color="primary"
            aria-label={`Scale ${pool.name}`}
            onClick={onScale}
          >
            Scale
          </Button>
        </TableCell>
      )}
    </TableRow>
  );
}

function PoolsTable(props: { tenant: TenantNode; onChanged: () => void }) {
  const { tenant } = props;
  const canScale = useClusterPermission(
    kamajiClusterScalePermission,
    tenant.id,
  );
  const dialog = useActionDialog<WorkerPool>(props.onChanged);
  const classes = useDenseTableStyles();
  const scalable = canScale && tenant.managed;

  if (tenant.workerPools.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        This cluster has no worker pools (MachineDeployments) yet.
      </Typography>
    );
  }
  return (
    <>
      <Table size="small" aria-label="Worker pools" className={classes.table}>
        <TableHead>
          <TableRow>
            <TableCell>Pool</TableCell>
            <TableCell>Version</TableCell>
            <TableCell align="right">Desired</TableCell>
            <TableCell align="right">Ready</TableCell>
            <TableCell align="right">Available</TableCell>
            <TableCell>Phase</TableCell>
            {scalable && <TableCell aria-label="Actions" />}
          </TableRow>
        </TableHead>
        <TableBody>
          {tenant.workerPools.map(pool => (
            <PoolRow
              key={`${pool.namespace}/${pool.name}`}
              pool={pool}
              onScale={scalable ? () => dialog.open(pool) : undefined}
            />
          ))}
        </TableBody>
      </Table>
      {dialog.current && (
        <ScaleDialog
          cluster={tenant}
          pool={dialog.current}
          onClose={dialog.close}
          onDone={dialog.done}
        />
      )}
    </>
  );
}

function WorkerPools(props: { cluster: FleetCluster; onChanged: () => void }) {
  if (props.cluster.role !== 'tenant') {
    return (
      <Typography variant="body2" color="textSecondary">
        {props.cluster.id} is {props.cluster.role === 'island' ? 'an' : 'a'}{' '}
        {props.cluster.role} cluster; the fleet lists worker pools for tenant
        clusters.
      </Typography>
    );
  }
  return (
    <>
      <StaleAlert cluster={props.cluster} />
      <PoolsTable tenant={props.cluster} onChanged={props.onChanged} />
    </>
  );
}

/**
 * The worker pools (MachineDeployments) of the tenant an entity stands for, with a Scale
 * action per pool for users allowed to scale this cluster.
 *
 * @public
 */
export function WorkerPoolsCard() {
  const state = useEntityCluster();
  return (
    <InfoCard title="Worker pools" subheader={state.id}>
      <ClusterLoadState state={state}>
        {cluster => <WorkerPools cluster={cluster} onChanged={state.retry} />}
      </ClusterLoadState>
    </InfoCard>
  );
}
