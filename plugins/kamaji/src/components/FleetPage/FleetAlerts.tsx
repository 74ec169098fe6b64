import { Alert } from '@material-ui/lab';
import SyncProblemIcon from '@material-ui/icons/SyncProblem';
import type { IslandNode } from '@kamaji-backstage/plugin-kamaji-common';
import { describeError } from '../../api/KamajiClient';
import type { LiveFleetState } from './useLiveFleet';
import { formatAgo, lastSeenAt, type FleetView } from './model';

function UplinkUnavailableAlert(props: { error: Error }) {
  return (
    <Alert severity="warning" style={{ marginBottom: 16 }}>
      Uplink history unavailable ({props.error.message}): only islands
      disconnected now are told apart.
    </Alert>
  );
}

function DisconnectedIslandsAlert(props: { islands: IslandNode[] }) {
  const { islands } = props;
  return (
    <Alert severity="error" role="alert" style={{ marginBottom: 16 }}>
      <strong>
        {islands.length === 1
          ? '1 island is disconnected'
          : `${islands.length} islands are disconnected`}
        :
      </strong>{' '}
      {islands
        .map(i => `${i.name} (last seen ${formatAgo(lastSeenAt(i))})`)
        .join(', ')}
      . What is shown for them and their tenants is stale and never counted as
      healthy.
    </Alert>
  );
}

function ReconnectingAlert(props: { error?: Error }) {
  return (
    <Alert
      severity="warning"
      icon={<SyncProblemIcon />}
      style={{ marginBottom: 16 }}
    >
      Live updates are interrupted; reconnecting. The view may be out of date
      {props.error ? ` (${describeError(props.error)})` : ''}.
    </Alert>
  );
}

/** What the topology cannot show as current: uplink history, disconnected islands, the live stream. */
export function FleetAlerts(props: {
  live: LiveFleetState;
  view: FleetView;
  uplinkError?: Error;
}) {
  const { live, view, uplinkError } = props;
  return (
    <>
      {uplinkError && <UplinkUnavailableAlert error={uplinkError} />}
      {view.disconnectedIslands.length > 0 && (
        <DisconnectedIslandsAlert islands={view.disconnectedIslands} />
      )}
      {live.status === 'reconnecting' && (
        <ReconnectingAlert error={live.error} />
      )}
    </>
  );
}
