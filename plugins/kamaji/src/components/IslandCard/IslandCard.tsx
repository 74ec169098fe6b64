import { useApi } from '@backstage/core-plugin-api';
import { InfoCard, Link } from '@backstage/core-components';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { Alert, AlertTitle } from '@material-ui/lab';
import {
  emptyHealthCounts,
  type DataStoreInfo,
  type HealthStatus,
  type IslandNode,
  type TenantNode,
} from '@kamaji-backstage/plugin-kamaji-common';
import { kamajiApiRef } from '../../api/KamajiApi';
import type { IslandResponse } from '../../api/types';
import { ClusterLoadState } from '../common/ClusterLoadState';
import { useDenseTableStyles } from '../common/denseTable';
import { PathText } from '../common/PathText';
import { HealthBadge } from '../common/HealthBadge';
import { useEntityClusterData } from '../common/useEntityCluster';
import { useFleetLink } from '../common/useFleetLink';
import { HealthCountsView } from '../FleetPage/TreeRowContent';
import {
  effectiveHealth,
  formatAgo,
  HEALTH_ORDER,
  lastSeenAt,
} from '../FleetPage/model';
import { connectionSince, formatIn } from '../common/connection';
import { tenantsServed } from '../common/dataStores';
import { UplinkBar } from '../common/UplinkBar';

/** Tenants listed on the card; the fleet page shows the rest. */
const TENANTS_SHOWN = 50;

const SEVERITY = {
  connected: 'success',
  degraded: 'warning',
  disconnected: 'error',
} as const;

function readyText(ready: boolean | undefined): string {
  if (ready === undefined) return 'not reported';
  return ready ? 'yes' : 'no';
}

function Connection(props: { island: IslandNode }) {
  const { island } = props;
  const c = island.connection;
  const down = c.status === 'disconnected';
  return (
    <Alert
      severity={SEVERITY[c.status]}
      style={{ marginBottom: 8 }}
      data-testid="island-connection"
    >
      <AlertTitle>{connectionSince(c)}</AlertTitle>
      {down && (
        <Typography variant="body2">
          Last seen {formatAgo(lastSeenAt(island))}. What the card shows is the
          last known state; tenant health is unknown until the island is back.
        </Typography>
      )}
      {c.lastError && (
        <Typography variant="body2">Last error: {c.lastError}</Typography>
      )}
      {down && (
        <Typography variant="body2">
          Next retry: {formatIn(c.nextRetryAt)}
        </Typography>
      )}
      {!down && c.lastSyncAt && (
        <Typography variant="body2">
          Last change {formatAgo(c.lastSyncAt)}
        </Typography>
      )}
      {c.unreadableKinds?.map(k => (
        <Typography variant="body2" key={k.kind}>
          Cannot read {k.kind}: {k.reason}
        </Typography>
      ))}
    </Alert>
  );
}

/** The island's tenants, worst health first (a failing tenant is never below the fold), counted. */
function tenantsByHealth(island: IslandNode, tenants: TenantNode[]) {
  const counts = emptyHealthCounts();
  const rows = tenants.map(node => {
    const health = effectiveHealth(node, island);
    counts[health]++;
    return { node, health, rank: HEALTH_ORDER.indexOf(health) };
  });
  rows.sort(
    (a, b) => a.rank - b.rank || a.node.name.localeCompare(b.node.name),
  );
  return { rows, counts };
}

function TenantRow(props: {
  node: TenantNode;
  health: HealthStatus;
  fleetLink?: (id: string) => string;
}) {
  const { node, fleetLink } = props;
  return (
    <TableRow>
      <TableCell component="th" scope="row">
        {fleetLink ? (
          <Link to={fleetLink(node.id)}>{node.name}</Link>
        ) : (
          node.name
        )}
      </TableCell>
      <TableCell>
        <HealthBadge status={props.health} />
      </TableCell>
      <TableCell>{node.owner && <PathText text={node.owner} />}</TableCell>
    </TableRow>
  );
}

function Tenants(props: { island: IslandNode; tenants: TenantNode[] }) {
  const fleetLink = useFleetLink();
  const classes = useDenseTableStyles();
  const { rows, counts } = tenantsByHealth(props.island, props.tenants);
  const hidden = rows.length - TENANTS_SHOWN;
  return (
    <>
      <Typography variant="subtitle2" style={{ marginTop: 8 }}>
        Tenants hosted ({props.tenants.length})
      </Typography>
      <HealthCountsView counts={counts} />
      {rows.length > 0 && (
        <Table
          size="small"
          aria-label="Tenants hosted"
          className={classes.table}
        >
          <TableBody>
            {rows.slice(0, TENANTS_SHOWN).map(({ node, health }) => (
              <TenantRow
                key={node.id}
                node={node}
                health={health}
                fleetLink={fleetLink}
              />
            ))}
          </TableBody>
        </Table>
      )}
      {hidden > 0 && (
        <Typography variant="body2">
          and {hidden} more
          {fleetLink && (
            <>
              {' '}
              —{' '}
              <Link to={fleetLink(props.island.id)}>
                see them in the fleet topology
              </Link>
            </>
          )}
        </Typography>
      )}
    </>
  );
}

function DataStores(props: {
  dataStores: DataStoreInfo[];
  tenants: TenantNode[];
}) {
  const classes = useDenseTableStyles();
  const nameOf = new Map(props.tenants.map(t => [t.id, t.title ?? t.name]));
  const usedByText = (d: DataStoreInfo) => {
    const names = d.usedBy.map(id => nameOf.get(id) ?? id).join(', ');
    return names ? `${tenantsServed(d)}: ${names}` : tenantsServed(d);
  };
  if (props.dataStores.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No Kamaji DataStore seen on this island.
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label="Datastores" className={classes.table}>
      <TableHead>
        <TableRow>
          <TableCell>Datastore</TableCell>
          <TableCell>Driver</TableCell>
          <TableCell>Ready</TableCell>
          <TableCell>Used by</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.dataStores.map(d => (
          <TableRow key={d.name}>
            <TableCell component="th" scope="row">
              {d.name}
            </TableCell>
            <TableCell>{d.driver}</TableCell>
            <TableCell>{readyText(d.ready)}</TableCell>
            <TableCell className={classes.anywhere}>{usedByText(d)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function Island(props: IslandResponse) {
  return (
    <>
      <Connection island={props.island} />
      <UplinkBar
        islandId={props.island.id}
        connection={props.island.connection}
      />
      <Tenants island={props.island} tenants={props.tenants} />
      <Typography variant="subtitle2" style={{ marginTop: 16 }}>
        Datastores
      </Typography>
      <DataStores
        dataStores={props.island.dataStores}
        tenants={props.tenants}
      />
    </>
  );
}

/**
 * An island: its connection state and since when, the tenants it hosts with their health,
 * and its Kamaji datastores with the control planes using them.
 *
 * @public
 */
export function IslandCard() {
  const api = useApi(kamajiApiRef);
  const state = useEntityClusterData(id => api.getIsland(id));
  return (
    <InfoCard title="Island" subheader={state.id}>
      <ClusterLoadState state={state}>
        {v => <Island {...v} />}
      </ClusterLoadState>
    </InfoCard>
  );
}
