import { useApi } from '@backstage/core-plugin-api';
import { InfoCard } from '@backstage/core-components';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import type {
  AddonSet,
  FleetCluster,
} from '@kamaji-backstage/plugin-kamaji-common';
import { kamajiApiRef } from '../../api/KamajiApi';
import { ClusterLoadState } from '../common/ClusterLoadState';
import { useDenseTableStyles } from '../common/denseTable';
import { PathText } from '../common/PathText';
import { HealthBadge } from '../common/HealthBadge';
import { StaleAlert } from '../common/StaleAlert';
import { useEntityClusterData } from '../common/useEntityCluster';
import { addonRows } from './addonRows';

function Addons(props: { cluster: FleetCluster; sets: AddonSet[] }) {
  const rows = addonRows(props.cluster, props.sets);
  const classes = useDenseTableStyles();
  return (
    <>
      <StaleAlert cluster={props.cluster} />
      {rows.length === 0 ? (
        <Typography variant="body2" color="textSecondary">
          No addon set (ClusterProfile, ClusterResourceSet or HelmChartProxy)
          selects this cluster.
        </Typography>
      ) : (
        <Table size="small" aria-label="Addon sets" className={classes.table}>
          <TableHead>
            <TableRow>
              <TableCell>Kind</TableCell>
              <TableCell>Name</TableCell>
              <TableCell>Status</TableCell>
              <TableCell>Delivers</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {rows.map(r => (
              <TableRow key={r.id}>
                <TableCell>{r.kind}</TableCell>
                <TableCell component="th" scope="row">
                  <PathText
                    text={r.namespace ? `${r.namespace}/${r.name}` : r.name}
                  />
                </TableCell>
                <TableCell>
                  <HealthBadge status={r.status} label={r.statusText} />
                  {r.message && (
                    <Typography variant="caption" display="block">
                      {r.message}
                    </Typography>
                  )}
                </TableCell>
                <TableCell className={classes.anywhere}>
                  {r.contents.join(', ') || '—'}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </>
  );
}

/**
 * The addon sets reaching the cluster an entity stands for, with their delivery status.
 *
 * @public
 */
export function AddonsCard() {
  const api = useApi(kamajiApiRef);
  const state = useEntityClusterData(async id => {
    const cluster = await api.getClusterById(id);
    // Addon sets live in the management cluster that declares the clusters they select; one
    // tenant is enough to get every set matching a cluster there.
    const { addonSets } = await api.getFleet({
      managementCluster: cluster.managementCluster,
      limit: 1,
    });
    return { cluster, addonSets };
  });
  return (
    <InfoCard title="Addons" subheader={state.id}>
      <ClusterLoadState state={state}>
        {v => <Addons cluster={v.cluster} sets={v.addonSets} />}
      </ClusterLoadState>
    </InfoCard>
  );
}
