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
} from 'react';
import {
  FixedSizeList,
  areEqual,
  type ListChildComponentProps,
  type ListOnItemsRenderedProps,
} from 'react-window';
import useWindowSize from 'react-use/esm/useWindowSize';
import { makeStyles } from '@material-ui/core/styles';
import ChevronRightIcon from '@material-ui/icons/ChevronRight';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import type { FleetCluster } from '@kamaji-backstage/plugin-kamaji-common';
import type { FleetView, GroupBy } from './model';
import {
  expandedByDefault,
  treeKeyAction,
  treeRoots,
  type UplinkByIsland,
  visibleRows,
  type TreeNode,
  type TreeRow,
} from './tree';
import { RowContent } from './TreeRowContent';

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
}));

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

/** The rows in view: the tree flattened, each node expanded as the user left it or by default. */
function useVisibleRows(
  view: FleetView,
  groupBy: GroupBy | undefined,
  uplink: UplinkByIsland | undefined,
  initiallyExpanded: string[] | undefined,
) {
  const [overrides, setOverrides] = useState<Map<string, boolean>>(
    () => new Map((initiallyExpanded ?? []).map(k => [k, true])),
  );
  const roots = useMemo(
    () => treeRoots(view, groupBy, uplink),
    [view, groupBy, uplink],
  );
  const rows = useMemo(
    () => visibleRows(roots, n => overrides.get(n.key) ?? expandedByDefault(n)),
    [roots, overrides],
  );
  const setExpanded = useCallback((node: TreeNode, expanded: boolean) => {
    setOverrides(prev => new Map(prev).set(node.key, expanded));
  }, []);
  return { rows, setExpanded };
}

/** The roving tab stop: one focusable row, the selected one at first, kept in view and rendered. */
function useRovingFocus(rows: TreeRow[], selectedId: string | undefined) {
  const initialFocus = selectedId
    ? rows.find(r => clusterOf(r)?.id === selectedId)?.key
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

  const moveFocus = useCallback(
    (index: number) => {
      setFocusKey(rows[index].key);
      focusPending.current = true;
      listRef.current?.scrollToItem(index, 'smart');
    },
    [rows],
  );

  const onItemsRendered = (r: ListOnItemsRenderedProps) => {
    // Keep the roving tab stop on a rendered row, so Tab still reaches the tree after
    // the focused row was scrolled away (and unmounted) with the mouse.
    const outside =
      focusIndex < r.overscanStartIndex || focusIndex > r.overscanStopIndex;
    if (outside && !treeRef.current?.contains(document.activeElement))
      setFocusKey(rows[r.visibleStartIndex]?.key);
  };

  return {
    focusIndex,
    setFocusKey,
    moveFocus,
    listRef,
    treeRef,
    onItemsRendered,
  };
}

/** What every row needs: the rows, the tab stop, and what clicks and keys do to them. */
function useRowData(props: {
  rows: TreeRow[];
  focus: ReturnType<typeof useRovingFocus>;
  selectedId?: string;
  idPrefix: string;
  onSelect: (id: string) => void;
  setExpanded: (node: TreeNode, expanded: boolean) => void;
}): RowData {
  const { rows, selectedId, idPrefix, onSelect, setExpanded } = props;
  const { focusIndex, setFocusKey, moveFocus } = props.focus;

  const activate = useCallback(
    (index: number) => {
      const row = rows[index];
      const cluster = clusterOf(row);
      if (cluster) onSelect(cluster.id);
      else if (row.childCount > 0) setExpanded(row, !row.expanded);
    },
    [rows, onSelect, setExpanded],
  );

  return useMemo(
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
    [
      rows,
      focusIndex,
      selectedId,
      idPrefix,
      activate,
      moveFocus,
      setExpanded,
      setFocusKey,
    ],
  );
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
  const { rows, setExpanded } = useVisibleRows(
    view,
    groupBy,
    uplink,
    props.initiallyExpanded,
  );
  const focus = useRovingFocus(rows, selectedId);
  const itemData = useRowData({
    rows,
    focus,
    selectedId,
    idPrefix,
    onSelect,
    setExpanded,
  });
  const height = useViewportHeight(rows.length);
  return (
    <div role="tree" aria-label="Fleet topology" ref={focus.treeRef}>
      <FixedSizeList<RowData>
        ref={focus.listRef}
        height={height}
        width="100%"
        itemCount={rows.length}
        itemSize={ROW_HEIGHT}
        itemData={itemData}
        itemKey={(index, data) => data.rows[index].key}
        overscanCount={OVERSCAN}
        onItemsRendered={focus.onItemsRendered}
      >
        {Row}
      </FixedSizeList>
    </div>
  );
}
