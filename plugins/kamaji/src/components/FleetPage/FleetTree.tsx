import {
  memo,
  useCallback,
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type MouseEvent,
  type ReactNode,
} from 'react';
import {
  FixedSizeList,
  areEqual,
  type ListChildComponentProps,
} from 'react-window';
import useWindowSize from 'react-use/esm/useWindowSize';
import { makeStyles } from '@material-ui/core/styles';
import Chip from '@material-ui/core/Chip';
import ChevronRightIcon from '@material-ui/icons/ChevronRight';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import LinkOffIcon from '@material-ui/icons/LinkOff';
import WarningIcon from '@material-ui/icons/Warning';
import type {
  FleetCluster,
  HealthCounts,
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
  type GroupBy,
} from './model';
import {
  expandedByDefault,
  treeKeyAction,
  treeRoots,
  type UplinkByIsland,
  visibleRows,
  type TreeNode,
  type TreeRow,
} from './tree';
import { countOf } from '../common/countOf';

/** Every row has this height (px), so the list can be windowed without measuring rows. */
export const ROW_HEIGHT = 56;
/** Rows rendered beyond each edge of the viewport, so fast scrolling shows no gaps. */
const OVERSCAN = 5;
const INDENT = 24;

const useStyles = makeStyles(theme => ({
  row: {
    display: 'flex',
    alignItems: 'center',
    boxSizing: 'border-box',
    borderBottom: `1px solid ${theme.palette.divider}`,
    cursor: 'pointer',
    outline: 'none',
    '&:focus': {
      boxShadow: `inset 0 0 0 2px ${theme.palette.primary.main}`,
    },
  },
  selected: { backgroundColor: theme.palette.action.selected },
  disconnected: { borderLeft: `4px solid ${theme.palette.error.main}` },
  expander: {
    flex: '0 0 auto',
    width: INDENT,
    display: 'inline-flex',
    justifyContent: 'center',
  },
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

/** The name, status and details of a row; status and details are its accessible description. */
function RowContent(props: {
  row: TreeRow;
  ids: { name: string; status: string; details: string };
}) {
  const classes = useStyles();
  const { row, ids } = props;
  let name: string;
  let status: ReactNode;
  let details: ReactNode;
  switch (row.kind) {
    case 'management': {
      const c = row.cluster;
      name = c.title ?? c.name;
      status = (
        <>
          <span className={classes.muted}>management cluster (cloud)</span>
          {c.connection.status === 'disconnected' ? (
            <DisconnectedMark node={c} />
          ) : (
            <HealthBadge status={effectiveHealth(c)} />
          )}
        </>
      );
      details = countOf(row.islandCount, 'island');
      break;
    }
    case 'island': {
      const { island, counts, tenants, totalTenants } = row.view;
      name = island.title ?? island.name;
      status = (
        <>
          <span className={classes.muted}>
            island{island.site ? ` · ${island.site}` : ''}
          </span>
          {island.connection.status === 'disconnected' ? (
            <DisconnectedMark node={island} />
          ) : (
            <HealthBadge status={effectiveHealth(island)} />
          )}
          {island.connection.status === 'degraded' && (
            <span className={classes.muted}>connection degraded</span>
          )}
        </>
      );
      details = (
        <>
          <HealthCountsView counts={counts} />
          <span>{tenantsText(tenants.length, totalTenants)}</span>
          {island.owner && <span>owner {island.owner}</span>}
          {row.showManagementCluster && (
            <span>in {island.managementCluster}</span>
          )}
        </>
      );
      break;
    }
    case 'cloud':
      name = 'Hosted in the management cluster';
      status = (
        <span className={classes.muted}>
          tenant control planes in {row.cluster.name}
        </span>
      );
      details = (
        <>
          <HealthCountsView counts={row.counts} />
          <span>{tenantsText(row.shownTenants, row.totalTenants)}</span>
        </>
      );
      break;
    case 'group':
      name = row.label;
      status = (
        <>
          <span className={classes.muted}>{row.by}</span>
          {!!row.disconnectedIslands && (
            <span className={classes.stale}>
              <LinkOffIcon fontSize="small" aria-hidden />
              {row.disconnectedIslands === 1
                ? '1 island disconnected'
                : `${row.disconnectedIslands} islands disconnected`}
            </span>
          )}
        </>
      );
      details = (
        <>
          <HealthCountsView counts={row.counts} />
          {row.islands !== undefined && (
            <span>{countOf(row.islands, 'island')}</span>
          )}
          <span>{tenantsText(row.shownTenants, row.totalTenants)}</span>
        </>
      );
      break;
    default: {
      const { tenant: t, island } = row;
      const tcp = t.controlPlane.tenantControlPlane;
      name = t.title ?? t.name;
      status = (
        <>
          <span className={classes.muted}>tenant</span>
          <HealthBadge status={effectiveHealth(t, island)} />
          {isStale(t, island) && <StaleMark at={lastSeenAt(t, island)} />}
        </>
      );
      details = (
        <>
          <VersionCell tenant={t} />
          <span>TCP {tcp ? tcp.status : 'not seen'}</span>
          <span>
            workers {t.workers.ready}/{t.workers.desired}
          </span>
          {t.owner && <span>owner {t.owner}</span>}
          {row.showHost && (
            <span>
              {island
                ? `on island ${island.name}`
                : `in ${t.managementCluster} (management cluster)`}
            </span>
          )}
        </>
      );
    }
  }
  return (
    <div className={classes.main}>
      <div className={classes.line}>
        <span id={ids.name} className={classes.name}>
          {name}
        </span>
        <span id={ids.status} className={classes.line}>
          {status}
        </span>
      </div>
      <div id={ids.details} className={`${classes.line} ${classes.details}`}>
        {details}
      </div>
    </div>
  );
}

function clusterOf(row: TreeRow): FleetCluster | undefined {
  if (row.kind === 'management') return row.cluster;
  if (row.kind === 'island') return row.view.island;
  if (row.kind === 'tenant') return row.tenant;
  return undefined;
}

function isDisconnectedRow(row: TreeRow): boolean {
  if (row.kind === 'island')
    return row.view.island.connection.status === 'disconnected';
  if (row.kind === 'management')
    return row.cluster.connection.status === 'disconnected';
  return false;
}

interface RowData {
  rows: TreeRow[];
  focusIndex: number;
  selectedId?: string;
  idPrefix: string;
  onRowClick: (index: number) => void;
  onToggle: (index: number) => void;
  onRowFocus: (index: number) => void;
  onRowKeyDown: (e: KeyboardEvent<HTMLDivElement>, index: number) => void;
}

const Row = memo(function TreeRowView(props: ListChildComponentProps<RowData>) {
  const classes = useStyles();
  const { index, style, data } = props;
  const row = data.rows[index];
  const cluster = clusterOf(row);
  const selected = !!cluster && cluster.id === data.selectedId;
  const expandable = row.childCount > 0;
  const id = `${data.idPrefix}-${index}`;
  const ids = { name: `${id}-n`, status: `${id}-s`, details: `${id}-d` };
  const testId = cluster
    ? `${row.kind === 'management' ? 'mc' : row.kind}-${cluster.id}`
    : row.key;
  return (
    <div
      role="treeitem"
      style={{ ...style, paddingLeft: (row.level - 1) * INDENT + 4 }}
      className={`${classes.row} ${selected ? classes.selected : ''} ${
        isDisconnectedRow(row) ? classes.disconnected : ''
      }`}
      data-index={index}
      data-testid={testId}
      tabIndex={index === data.focusIndex ? 0 : -1}
      aria-level={row.level}
      aria-posinset={row.posInSet}
      aria-setsize={row.setSize}
      aria-expanded={expandable ? row.expanded : undefined}
      aria-selected={cluster ? selected : undefined}
      aria-labelledby={ids.name}
      aria-describedby={`${ids.status} ${ids.details}`}
      onClick={(e: MouseEvent) => {
        // the chevron toggles; the rest of the row selects (the keys do both, see treeKeyAction)
        if (expandable && (e.target as Element).closest('[data-expander]'))
          data.onToggle(index);
        else data.onRowClick(index);
      }}
      onFocus={e => {
        if (e.target === e.currentTarget) data.onRowFocus(index);
      }}
      onKeyDown={e => data.onRowKeyDown(e, index)}
    >
      <span
        className={classes.expander}
        data-expander
        data-testid={expandable ? 'expander' : undefined}
      >
        {expandable &&
          (row.expanded ? (
            <ExpandMoreIcon aria-hidden />
          ) : (
            <ChevronRightIcon aria-hidden />
          ))}
      </span>
      <RowContent row={row} ids={ids} />
    </div>
  );
}, areEqual);

/** Height of the tree's viewport: the window less the page header and filters, never tiny. */
function useViewportHeight(rowCount: number): number {
  const { height } = useWindowSize();
  const available = Math.max(6 * ROW_HEIGHT, height - 280);
  return Math.min(rowCount * ROW_HEIGHT, available);
}

/**
 * cloud → islands → tenants (or site / owner groups), as a WAI-ARIA tree whose visible rows are
 * flattened and windowed: the DOM holds the rows in view, whatever the size of the fleet. Levels,
 * positions and set sizes are given with aria-level / aria-posinset / aria-setsize, since a
 * windowed list cannot nest its rows in role="group" elements.
 */
export function FleetTree(props: {
  view: FleetView;
  groupBy?: GroupBy;
  selectedId?: string;
  onSelect: (id: string) => void;
  /** Node keys expanded at first (e.g. the island of a filter or of the selected node). */
  initiallyExpanded?: string[];
  /** Uplink statistics per island, for the grouping by uplink health. */
  uplink?: UplinkByIsland;
}) {
  const { view, groupBy, selectedId, onSelect, uplink } = props;
  const idPrefix = `kamaji-tree${useId().replace(/:/g, '')}`;
  const [overrides, setOverrides] = useState<Map<string, boolean>>(
    () => new Map((props.initiallyExpanded ?? []).map(k => [k, true])),
  );
  const roots = useMemo(
    () => treeRoots(view, groupBy, uplink),
    [view, groupBy, uplink],
  );
  const rows = useMemo(
    () => visibleRows(roots, n => overrides.get(n.key) ?? expandedByDefault(n)),
    [roots, overrides],
  );

  const initialFocus = selectedId
    ? rows.find(r => {
        const c = clusterOf(r);
        return c?.id === selectedId;
      })?.key
    : undefined;
  const [focusKey, setFocusKey] = useState<string | undefined>(initialFocus);
  const found = focusKey ? rows.findIndex(r => r.key === focusKey) : -1;
  const focusIndex = found >= 0 ? found : 0;

  const listRef = useRef<FixedSizeList<RowData>>(null);
  const treeRef = useRef<HTMLDivElement>(null);
  /** Set when a key press moved focus: the row gets DOM focus once it is rendered. */
  const focusPending = useRef(false);

  useEffect(() => {
    if (focusIndex > 0) listRef.current?.scrollToItem(focusIndex, 'smart');
    // only on mount: bring a row selected through the URL into view
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    if (!focusPending.current) return;
    focusPending.current = false;
    treeRef.current
      ?.querySelector<HTMLElement>(`[data-index="${focusIndex}"]`)
      ?.focus();
  });

  const setExpanded = useCallback((node: TreeNode, expanded: boolean) => {
    setOverrides(prev => new Map(prev).set(node.key, expanded));
  }, []);

  const moveFocus = useCallback(
    (index: number) => {
      setFocusKey(rows[index].key);
      focusPending.current = true;
      listRef.current?.scrollToItem(index, 'smart');
    },
    [rows],
  );

  const activate = useCallback(
    (index: number) => {
      const row = rows[index];
      const cluster = clusterOf(row);
      if (cluster) onSelect(cluster.id);
      else if (row.childCount > 0) setExpanded(row, !row.expanded);
    },
    [rows, onSelect, setExpanded],
  );

  const itemData: RowData = useMemo(
    () => ({
      rows,
      focusIndex,
      selectedId,
      idPrefix,
      onRowClick: (index: number) => {
        setFocusKey(rows[index].key);
        activate(index);
      },
      onToggle: (index: number) => {
        setFocusKey(rows[index].key);
        setExpanded(rows[index], !rows[index].expanded);
      },
      onRowFocus: (index: number) => setFocusKey(rows[index].key),
      onRowKeyDown: (e: KeyboardEvent<HTMLDivElement>, index: number) => {
        const action = treeKeyAction(rows, index, e.key);
        if (!action) return;
        e.preventDefault();
        if (action.type === 'focus') moveFocus(action.index);
        else if (action.type === 'activate') activate(action.index);
        else setExpanded(rows[action.index], action.type === 'expand');
      },
    }),
    [rows, focusIndex, selectedId, idPrefix, activate, moveFocus, setExpanded],
  );

  const height = useViewportHeight(rows.length);
  return (
    <div role="tree" aria-label="Fleet topology" ref={treeRef}>
      <FixedSizeList<RowData>
        ref={listRef}
        height={height}
        width="100%"
        itemCount={rows.length}
        itemSize={ROW_HEIGHT}
        itemData={itemData}
        itemKey={(index, data) => data.rows[index].key}
        overscanCount={OVERSCAN}
        onItemsRendered={r => {
          // Keep the roving tab stop on a rendered row, so Tab still reaches the tree after
          // the focused row was scrolled away (and unmounted) with the mouse.
          const outside =
            focusIndex < r.overscanStartIndex ||
            focusIndex > r.overscanStopIndex;
          if (outside && !treeRef.current?.contains(document.activeElement))
            setFocusKey(rows[r.visibleStartIndex]?.key);
        }}
      >
        {Row}
      </FixedSizeList>
    </div>
  );
}
