import { Alert } from '@material-ui/lab';
import type {
  FleetCluster,
  IslandNode,
} from '@kamaji-backstage/plugin-kamaji-common';
import { formatAgo, isStale, lastSeenAt } from '../FleetPage/model';

/**
 * Says that what a card shows is last-known data, and since when, when the cluster holding it
 * cannot be reached; renders nothing for current data.
 */
export function StaleAlert(props: {
  cluster: FleetCluster;
  island?: IslandNode;
}) {
  if (!isStale(props.cluster, props.island)) return null;
  return (
    <Alert severity="warning" style={{ marginBottom: 8 }}>
      Stale: last seen {formatAgo(lastSeenAt(props.cluster, props.island))}. The
      backend cannot reach the cluster holding this data; its health is not
      known.
    </Alert>
  );
}
