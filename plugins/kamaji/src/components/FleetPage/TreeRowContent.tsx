import type { ReactNode } from 'react';
import { makeStyles } from '@material-ui/core/styles';
import Chip from '@material-ui/core/Chip';
import LinkOffIcon from '@material-ui/icons/LinkOff';
import WarningIcon from '@material-ui/icons/Warning';
import type {
  FleetCluster,
  HealthCounts,
  IslandNode,
  ManagementClusterNode,
  TenantNode,
} from '@kamaji-backstage/plugin-kamaji-common';
import { countOf } from '@kamaji-backstage/plugin-kamaji-common';
import { HEALTH_LABEL, HealthBadge, HealthIcon } from '../common/HealthBadge';
import {
  HEALTH_ORDER,
  effectiveHealth,
  formatAgo,
  isStale,
  lastSeenAt,
} from './model';
import type { TreeNodeData } from './tree';

const useStyles = makeStyles(theme => ({
  main: {
    flex: 1,
    minWidth: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: 2,
  },
  line: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1.5),
    whiteSpace: 'nowrap',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
  },
  name: { fontWeight: 600 },
  muted: { color: theme.palette.text.secondary },
  details: {
    fontSize: theme.typography.body2.fontSize,
    color: theme.palette.text.secondary,
  },
  stale: {
    display: 'inline-flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
    color: theme.palette.warning.dark,
    fontWeight: 600,
  },
  counts: { display: 'inline-flex', gap: theme.spacing(1.5) },
  count: { display: 'inline-flex', alignItems: 'center', gap: 2 },
  skew: {
    display: 'inline-flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
    color: theme.palette.warning.dark,
  },
}));

/** Tenant health as counts, each with its icon and word (colour is never the only signal). */
export function HealthCountsView(props: { counts: HealthCounts }) {
  const classes = useStyles();
  const shown = HEALTH_ORDER.filter(h => props.counts[h] > 0);
  return (
    <span className={classes.counts} data-testid="health-counts">
      {shown.length === 0 && <span>no tenants</span>}
      {shown.map(h => (
        <span key={h} className={classes.count}>
          <HealthIcon status={h} />
          {props.counts[h]} {HEALTH_LABEL[h].toLocaleLowerCase('en-US')}
        </span>
      ))}
    </span>
  );
}

function StaleMark(props: { at?: string }) {
  const classes = useStyles();
  return (
    <span className={classes.stale}>
      <WarningIcon fontSize="small" aria-hidden />
      Stale · last seen {formatAgo(props.at)}
    </span>
  );
}

function DisconnectedMark(props: { node: FleetCluster }) {
  return (
    <>
      <Chip
        size="small"
        icon={<LinkOffIcon aria-hidden />}
        label="Disconnected"
        color="secondary"
      />
      <StaleMark at={lastSeenAt(props.node)} />
    </>
  );
}

/** A management cluster's or an island's health, or that it is disconnected and since when. */
function ConnectionHealth(props: { node: ManagementClusterNode | IslandNode }) {
  return props.node.connection.status === 'disconnected' ? (
    <DisconnectedMark node={props.node} />
  ) : (
    <HealthBadge status={effectiveHealth(props.node)} />
  );
}

function VersionCell(props: { tenant: TenantNode }) {
  const classes = useStyles();
  const { declared, running, skew } = props.tenant.versions;
  if (!skew) {
    return <span>{running ?? declared ?? 'version unknown'}</span>;
  }
  return (
    <span className={classes.skew}>
      <WarningIcon fontSize="small" aria-hidden />
      declared {declared ?? '?'} · running {running ?? '?'} · version skew
    </span>
  );
}

function tenantsText(shown: number, total: number): string {
  return shown === total
    ? countOf(total, 'tenant')
    : `${shown} of ${total} tenants match`;
}

/** Ids of a row's name, status and details, which label and describe its treeitem. */
interface RowIds {
  name: string;
  status: string;
  details: string;
}

type RowOf<K extends TreeNodeData['kind']> = Extract<TreeNodeData, { kind: K }>;

function RowLayout(props: {
  ids: RowIds;
  name: string;
  status: ReactNode;
  details: ReactNode;
}) {
  const classes = useStyles();
  const { ids } = props;
  return (
    <div className={classes.main}>
      <div className={classes.line}>
        <span id={ids.name} className={classes.name}>
          {props.name}
        </span>
        <span id={ids.status} className={classes.line}>
          {props.status}
        </span>
      </div>
      <div id={ids.details} className={`${classes.line} ${classes.details}`}>
        {props.details}
      </div>
    </div>
  );
}

function ManagementRow(props: { row: RowOf<'management'>; ids: RowIds }) {
  const classes = useStyles();
  const c = props.row.cluster;
  const status = (
    <>
      <span className={classes.muted}>management cluster (cloud)</span>
      <ConnectionHealth node={c} />
    </>
  );
  const details = countOf(props.row.islandCount, 'island');
  return (
    <RowLayout
      ids={props.ids}
      name={c.title ?? c.name}
      status={status}
      details={details}
    />
  );
}

function IslandRow(props: { row: RowOf<'island'>; ids: RowIds }) {
  const classes = useStyles();
  const { row } = props;
  const { island, counts, tenants, totalTenants } = row.view;
  const status = (
    <>
      <span className={classes.muted}>
        island{island.site ? ` · ${island.site}` : ''}
      </span>
      <ConnectionHealth node={island} />
      {island.connection.status === 'degraded' && (
        <span className={classes.muted}>connection degraded</span>
      )}
    </>
  );
  const details = (
    <>
      <HealthCountsView counts={counts} />
      <span>{tenantsText(tenants.length, totalTenants)}</span>
      {island.owner && <span>owner {island.owner}</span>}
      {row.showManagementCluster && <span>in {island.managementCluster}</span>}
    </>
  );
  const name = island.title ?? island.name;
  return (
    <RowLayout ids={props.ids} name={name} status={status} details={details} />
  );
}

function CloudRow(props: { row: RowOf<'cloud'>; ids: RowIds }) {
  const classes = useStyles();
  const { row } = props;
  const status = (
    <span className={classes.muted}>
      tenant control planes in {row.cluster.name}
    </span>
  );
  const details = (
    <>
      <HealthCountsView counts={row.counts} />
      <span>{tenantsText(row.shownTenants, row.totalTenants)}</span>
    </>
  );
  const name = 'Hosted in the management cluster';
  return (
    <RowLayout ids={props.ids} name={name} status={status} details={details} />
  );
}

function DisconnectedIslandsMark(props: { count: number }) {
  const classes = useStyles();
  return (
    <span className={classes.stale}>
      <LinkOffIcon fontSize="small" aria-hidden />
      {`${countOf(props.count, 'island')} disconnected`}
    </span>
  );
}

function GroupRow(props: { row: RowOf<'group'>; ids: RowIds }) {
  const classes = useStyles();
  const { row } = props;
  const status = (
    <>
      <span className={classes.muted}>{row.by}</span>
      {!!row.disconnectedIslands && (
        <DisconnectedIslandsMark count={row.disconnectedIslands} />
      )}
    </>
  );
  const details = (
    <>
      <HealthCountsView counts={row.counts} />
      {row.islands !== undefined && (
        <span>{countOf(row.islands, 'island')}</span>
      )}
      <span>{tenantsText(row.shownTenants, row.totalTenants)}</span>
    </>
  );
  return (
    <RowLayout
      ids={props.ids}
      name={row.label}
      status={status}
      details={details}
    />
  );
}

function TenantRow(props: { row: RowOf<'tenant'>; ids: RowIds }) {
  const classes = useStyles();
  const { tenant: t, island, showHost } = props.row;
  const tcp = t.controlPlane.tenantControlPlane;
  const status = (
    <>
      <span className={classes.muted}>tenant</span>
      <HealthBadge status={effectiveHealth(t, island)} />
      {isStale(t, island) && <StaleMark at={lastSeenAt(t, island)} />}
    </>
  );
  const details = (
    <>
      <VersionCell tenant={t} />
      <span>TCP {tcp ? tcp.status : 'not seen'}</span>
      <span>
        workers {t.workers.ready}/{t.workers.desired}
      </span>
      {t.owner && <span>owner {t.owner}</span>}
      {showHost && (
        <span>
          {island
            ? `on island ${island.name}`
            : `in ${t.managementCluster} (management cluster)`}
        </span>
      )}
    </>
  );
  const name = t.title ?? t.name;
  return (
    <RowLayout ids={props.ids} name={name} status={status} details={details} />
  );
}

/** The name, status and details of a row; status and details are its accessible description. */
export function RowContent(props: { row: TreeNodeData; ids: RowIds }) {
  const { row, ids } = props;
  switch (row.kind) {
    case 'management':
      return <ManagementRow row={row} ids={ids} />;
    case 'island':
      return <IslandRow row={row} ids={ids} />;
    case 'cloud':
      return <CloudRow row={row} ids={ids} />;
    case 'group':
      return <GroupRow row={row} ids={ids} />;
    default:
      return <TenantRow row={row} ids={ids} />;
  }
}
