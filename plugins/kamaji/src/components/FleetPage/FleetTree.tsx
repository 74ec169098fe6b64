import { useState } from 'react';
import { makeStyles } from '@material-ui/core/styles';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import IconButton from '@material-ui/core/IconButton';
import Paper from '@material-ui/core/Paper';
import Typography from '@material-ui/core/Typography';
import ChevronRightIcon from '@material-ui/icons/ChevronRight';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import LinkOffIcon from '@material-ui/icons/LinkOff';
import WarningIcon from '@material-ui/icons/Warning';
import type {
  HealthCounts,
  IslandNode,
  TenantNode,
} from '@kamaji-backstage/plugin-kamaji-common';
import { HEALTH_LABEL, HealthBadge, HealthIcon } from '../common/HealthBadge';
import {
  HEALTH_ORDER,
  effectiveHealth,
  formatAgo,
  isStale,
  lastSeenAt,
  type FleetView,
  type IslandView,
  type ManagementClusterView,
} from './model';

/** Tenants rendered per step in an expanded island; "Show more" adds the next page. */
export const TENANT_PAGE_SIZE = 50;

const useStyles = makeStyles(theme => ({
  mc: { padding: theme.spacing(2), marginBottom: theme.spacing(2) },
  list: { listStyle: 'none', margin: 0, padding: 0 },
  row: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(1.5),
    padding: theme.spacing(0.5, 0),
    borderBottom: `1px solid ${theme.palette.divider}`,
  },
  tenants: { paddingLeft: theme.spacing(6) },
  name: {
    textTransform: 'none',
    fontWeight: 600,
    justifyContent: 'flex-start',
  },
  muted: { color: theme.palette.text.secondary },
  stale: {
    display: 'inline-flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
    color: theme.palette.warning.dark,
    fontWeight: 600,
  },
  disconnected: {
    borderLeft: `4px solid ${theme.palette.error.main}`,
    paddingLeft: theme.spacing(1),
  },
  counts: { display: 'inline-flex', gap: theme.spacing(1.5), flexWrap: 'wrap' },
  count: { display: 'inline-flex', alignItems: 'center', gap: 2 },
  skew: {
    display: 'inline-flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
    color: theme.palette.warning.dark,
  },
}));

type Select = (id: string) => void;

export function HealthCountsView(props: {
  counts: HealthCounts;
  label: string;
}) {
  const classes = useStyles();
  const shown = HEALTH_ORDER.filter(h => props.counts[h] > 0);
  return (
    <span className={classes.counts} aria-label={props.label} role="group">
      {shown.length === 0 && <span className={classes.muted}>no tenants</span>}
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

function VersionCell(props: { tenant: TenantNode }) {
  const classes = useStyles();
  const { declared, running, skew } = props.tenant.versions;
  if (!skew) {
    return <span>{running ?? declared ?? 'version unknown'}</span>;
  }
  return (
    <span className={classes.skew}>
      <WarningIcon fontSize="small" aria-hidden />
      declared {declared ?? '?'} · running {running ?? '?'}
      <Chip size="small" label="version skew" variant="outlined" />
    </span>
  );
}

function TenantRow(props: {
  tenant: TenantNode;
  island?: IslandNode;
  onSelect: Select;
}) {
  const classes = useStyles();
  const { tenant: t, island } = props;
  const tcp = t.controlPlane.tenantControlPlane;
  const stale = isStale(t, island);
  return (
    <li className={classes.row} data-testid={`tenant-${t.id}`}>
      <Button
        size="small"
        className={classes.name}
        onClick={() => props.onSelect(t.id)}
        aria-label={`Tenant ${t.title ?? t.name}`}
      >
        {t.title ?? t.name}
      </Button>
      <span className={classes.muted}>tenant</span>
      <HealthBadge status={effectiveHealth(t, island)} />
      {stale && <StaleMark at={lastSeenAt(t, island)} />}
      <VersionCell tenant={t} />
      <span>TCP {tcp ? tcp.status : 'not seen'}</span>
      <span>
        workers {t.workers.ready}/{t.workers.desired}
      </span>
      {t.owner && <span className={classes.muted}>owner {t.owner}</span>}
    </li>
  );
}

function TenantList(props: {
  tenants: TenantNode[];
  island?: IslandNode;
  onSelect: Select;
  label: string;
}) {
  const classes = useStyles();
  const [shown, setShown] = useState(TENANT_PAGE_SIZE);
  const rest = props.tenants.length - shown;
  return (
    <div className={classes.tenants}>
      <ul className={classes.list} aria-label={props.label}>
        {props.tenants.slice(0, shown).map(t => (
          <TenantRow
            key={t.id}
            tenant={t}
            island={props.island}
            onSelect={props.onSelect}
          />
        ))}
      </ul>
      {props.tenants.length === 0 && (
        <Typography variant="body2" className={classes.muted}>
          No tenants match.
        </Typography>
      )}
      {rest > 0 && (
        <Button
          size="small"
          onClick={() => setShown(n => n + TENANT_PAGE_SIZE)}
        >
          Show {Math.min(rest, TENANT_PAGE_SIZE)} more ({rest} not shown)
        </Button>
      )}
    </div>
  );
}

function Expander(props: {
  expanded: boolean;
  onToggle: () => void;
  label: string;
}) {
  return (
    <IconButton
      size="small"
      aria-expanded={props.expanded}
      aria-label={`${props.expanded ? 'Collapse' : 'Expand'} ${props.label}`}
      onClick={props.onToggle}
    >
      {props.expanded ? <ExpandMoreIcon /> : <ChevronRightIcon />}
    </IconButton>
  );
}

function IslandRow(props: {
  view: IslandView;
  expanded: boolean;
  onToggle: () => void;
  onSelect: Select;
}) {
  const classes = useStyles();
  const { island, tenants, counts, totalTenants } = props.view;
  const disconnected = island.connection.status === 'disconnected';
  return (
    <li data-testid={`island-${island.id}`}>
      <div
        className={`${classes.row} ${disconnected ? classes.disconnected : ''}`}
      >
        <Expander
          expanded={props.expanded}
          onToggle={props.onToggle}
          label={`island ${island.name}`}
        />
        <Button
          size="small"
          className={classes.name}
          onClick={() => props.onSelect(island.id)}
          aria-label={`Island ${island.title ?? island.name}`}
        >
          {island.title ?? island.name}
        </Button>
        <span className={classes.muted}>
          island{island.site ? ` · ${island.site}` : ''}
        </span>
        {disconnected ? (
          <>
            <Chip
              size="small"
              icon={<LinkOffIcon />}
              label="Disconnected"
              color="secondary"
            />
            <StaleMark at={lastSeenAt(island)} />
          </>
        ) : (
          <HealthBadge status={effectiveHealth(island)} />
        )}
        {island.connection.status === 'degraded' && (
          <span className={classes.muted}>connection degraded</span>
        )}
        <HealthCountsView
          counts={counts}
          label={`Tenant health on ${island.name}`}
        />
        <span className={classes.muted}>
          {tenants.length === totalTenants
            ? `${totalTenants} tenants`
            : `${tenants.length} of ${totalTenants} tenants match`}
        </span>
        {island.owner && (
          <span className={classes.muted}>owner {island.owner}</span>
        )}
      </div>
      {props.expanded && (
        <TenantList
          tenants={tenants}
          island={island}
          onSelect={props.onSelect}
          label={`Tenants on ${island.name}`}
        />
      )}
    </li>
  );
}

function ManagementClusterSection(props: {
  view: ManagementClusterView;
  expanded: Set<string>;
  toggle: (key: string) => void;
  onSelect: Select;
}) {
  const classes = useStyles();
  const { cluster, islands, cloudTenants, cloudCounts, totalCloudTenants } =
    props.view;
  const cloudKey = `mc:${cluster.name}`;
  const disconnected = cluster.connection.status === 'disconnected';
  return (
    <Paper
      className={classes.mc}
      component="section"
      aria-label={`Management cluster ${cluster.name}`}
    >
      <div className={classes.row}>
        <Button
          className={classes.name}
          onClick={() => props.onSelect(cluster.id)}
          aria-label={`Management cluster ${cluster.title ?? cluster.name}`}
        >
          <Typography variant="h6" component="h2">
            {cluster.title ?? cluster.name}
          </Typography>
        </Button>
        <span className={classes.muted}>management cluster (cloud)</span>
        {disconnected ? (
          <>
            <Chip
              size="small"
              icon={<LinkOffIcon />}
              label="Disconnected"
              color="secondary"
            />
            <StaleMark at={lastSeenAt(cluster)} />
          </>
        ) : (
          <HealthBadge status={effectiveHealth(cluster)} />
        )}
        <span className={classes.muted}>{islands.length} islands</span>
      </div>
      <ul className={classes.list} aria-label={`Islands of ${cluster.name}`}>
        {islands.map(v => (
          <IslandRow
            key={v.island.id}
            view={v}
            expanded={props.expanded.has(v.island.id)}
            onToggle={() => props.toggle(v.island.id)}
            onSelect={props.onSelect}
          />
        ))}
        {totalCloudTenants > 0 && (
          <li>
            <div className={classes.row}>
              <Expander
                expanded={props.expanded.has(cloudKey)}
                onToggle={() => props.toggle(cloudKey)}
                label={`tenants hosted in ${cluster.name}`}
              />
              <Typography variant="body1" component="span">
                Hosted in the management cluster
              </Typography>
              <HealthCountsView
                counts={cloudCounts}
                label={`Tenant health in ${cluster.name}`}
              />
              <span className={classes.muted}>
                {cloudTenants.length === totalCloudTenants
                  ? `${totalCloudTenants} tenants`
                  : `${cloudTenants.length} of ${totalCloudTenants} tenants match`}
              </span>
            </div>
            {props.expanded.has(cloudKey) && (
              <TenantList
                tenants={cloudTenants}
                onSelect={props.onSelect}
                label={`Tenants hosted in ${cluster.name}`}
              />
            )}
          </li>
        )}
      </ul>
    </Paper>
  );
}

/** cloud → islands → tenants; islands start collapsed. */
export function FleetTree(props: {
  view: FleetView;
  onSelect: Select;
  /** Expanded at first (e.g. the island of a filter or of the selected node). */
  initiallyExpanded?: string[];
}) {
  const [expanded, setExpanded] = useState(
    () => new Set(props.initiallyExpanded ?? []),
  );
  const toggle = (key: string) =>
    setExpanded(prev => {
      const next = new Set(prev);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });
  return (
    <div aria-label="Fleet topology" role="region">
      {props.view.managementClusters.map(v => (
        <ManagementClusterSection
          key={v.cluster.id}
          view={v}
          expanded={expanded}
          toggle={toggle}
          onSelect={props.onSelect}
        />
      ))}
    </div>
  );
}
