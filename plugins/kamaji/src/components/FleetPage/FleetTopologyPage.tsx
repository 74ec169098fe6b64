import { useCallback, useMemo } from 'react';
import { Link as RouterLink, useSearchParams } from 'react-router-dom';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { kamajiApiRef } from '../../api/KamajiApi';
import Button from '@material-ui/core/Button';
import {
  Content,
  EmptyState,
  Header,
  Page,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import Chip from '@material-ui/core/Chip';
import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import { Alert } from '@material-ui/lab';
import FiberManualRecordIcon from '@material-ui/icons/FiberManualRecord';
import SyncProblemIcon from '@material-ui/icons/SyncProblem';
import { describeError, errorStatus } from '../../api/KamajiClient';
import type { LiveStatus } from '../../api/types';
import { useLiveFleet } from './useLiveFleet';
import { FleetFiltersBar } from './FleetFiltersBar';
import { FleetTree } from './FleetTree';
import { NodeDetails } from './NodeDetails';
import {
  FILTER_KEYS,
  GROUP_BY_PARAM,
  buildFleetView,
  filtersFromParams,
  formatAgo,
  groupByFromParams,
  hasFilters,
  lastSeenAt,
  type FleetFilters,
  type GroupBy,
} from './model';
import { islandKey, keysToReveal, type UplinkByIsland } from './tree';
import { auditRouteRef, upgradesRouteRef } from '../../routes';

const LIVE_LABEL: Record<LiveStatus, string> = {
  live: 'Live',
  connecting: 'Connecting',
  reconnecting: 'Reconnecting',
};

const useLiveStyles = makeStyles(theme => ({
  live: { color: theme.palette.success.main },
  connecting: { color: theme.palette.text.secondary },
  reconnecting: { color: theme.palette.warning.main },
}));

/** Whether the live-update stream is open: the label says it, the dot's colour repeats it. */
function LiveChip({ status }: { status: LiveStatus }) {
  const classes = useLiveStyles();
  return (
    <Chip
      size="small"
      variant="outlined"
      icon={<FiberManualRecordIcon className={classes[status]} />}
      label={LIVE_LABEL[status]}
    />
  );
}

/** Uplink statistics of the islands, fetched only while the tree is grouped by uplink health. */
function useUplinkGrouping(groupBy: GroupBy | undefined) {
  const api = useApi(kamajiApiRef);
  return useAsync(async (): Promise<UplinkByIsland | undefined> => {
    if (groupBy !== 'uplink') return undefined;
    const ranking = await api.getUplinkRanking('7d');
    return new Map(ranking.items.map(s => [s.clusterId, s]));
  }, [api, groupBy]);
}

/** The topology without page chrome (for hosts that bring their own header). */
export function FleetTopologyContent() {
  const live = useLiveFleet();
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => filtersFromParams(params), [params]);
  const groupBy = groupByFromParams(params);
  const selectedId = params.get('selected') ?? undefined;
  const uplink = useUplinkGrouping(groupBy);

  const setFilters = useCallback(
    (patch: Partial<FleetFilters>) => {
      setParams(
        prev => {
          const next = new URLSearchParams(prev);
          for (const [k, v] of Object.entries(patch)) {
            next.delete(k);
            if (Array.isArray(v)) v.forEach(x => next.append(k, x));
            else if (v) next.set(k, v);
          }
          return next;
        },
        { replace: true },
      );
    },
    [setParams],
  );
  const setGroupBy = useCallback(
    (g: GroupBy | undefined) =>
      setParams(
        prev => {
          const next = new URLSearchParams(prev);
          if (g) next.set(GROUP_BY_PARAM, g);
          else next.delete(GROUP_BY_PARAM);
          return next;
        },
        { replace: true },
      ),
    [setParams],
  );
  const clearFilters = useCallback(
    () =>
      setParams(
        prev => {
          const next = new URLSearchParams(prev);
          FILTER_KEYS.forEach(k => next.delete(k));
          return next;
        },
        { replace: true },
      ),
    [setParams],
  );
  const select = useCallback(
    (id: string | undefined) =>
      setParams(prev => {
        const next = new URLSearchParams(prev);
        if (id) next.set('selected', id);
        else next.delete('selected');
        return next;
      }),
    [setParams],
  );

  const view = useMemo(
    () => (live.snapshot ? buildFleetView(live.snapshot, filters) : undefined),
    [live.snapshot, filters],
  );

  if (live.error && errorStatus(live.error) === 403) {
    return (
      <WarningPanel severity="error" title="Permission denied" defaultExpanded>
        You are not allowed to read the Kamaji fleet (permission
        kamaji.cluster.read). Ask a platform administrator for access. (
        {describeError(live.error)})
      </WarningPanel>
    );
  }
  if (!live.snapshot || !view) {
    if (live.error)
      return (
        <ResponseErrorPanel
          error={live.error}
          title="Could not load the fleet"
        />
      );
    return <Progress />;
  }
  const snapshot = live.snapshot;
  if (!snapshot.managementClusters.length) {
    return (
      <EmptyState
        missing="data"
        title="No clusters in the fleet"
        description="The Kamaji backend reports no management clusters you may read. Configure kamaji.managementClusters in app-config, or ask for access to the clusters of your group."
      />
    );
  }
  const selected = selectedId ? view.byId.get(selectedId) : undefined;
  const selectedIsland =
    selected && selected.role === 'tenant' && selected.islandId
      ? view.islandsById.get(selected.islandId)
      : undefined;
  const initiallyExpanded = [
    ...(filters.island ? [islandKey(filters.island)] : []),
    ...(selectedId
      ? keysToReveal(view, groupBy, selectedId, uplink.value)
      : []),
  ];

  return (
    <>
      {uplink.error && (
        <Alert severity="warning" style={{ marginBottom: 16 }}>
          Uplink history unavailable ({uplink.error.message}): only islands
          disconnected now are told apart.
        </Alert>
      )}
      {view.disconnectedIslands.length > 0 && (
        <Alert severity="error" role="alert" style={{ marginBottom: 16 }}>
          <strong>
            {view.disconnectedIslands.length === 1
              ? '1 island is disconnected'
              : `${view.disconnectedIslands.length} islands are disconnected`}
            :
          </strong>{' '}
          {view.disconnectedIslands
            .map(i => `${i.name} (last seen ${formatAgo(lastSeenAt(i))})`)
            .join(', ')}
          . What is shown for them and their tenants is stale and never counted
          as healthy.
        </Alert>
      )}
      {live.status === 'reconnecting' && (
        <Alert
          severity="warning"
          icon={<SyncProblemIcon />}
          style={{ marginBottom: 16 }}
        >
          Live updates are interrupted; reconnecting. The view may be out of
          date
          {live.error ? ` (${describeError(live.error)})` : ''}.
        </Alert>
      )}
      <FleetFiltersBar
        snapshot={snapshot}
        filters={filters}
        groupBy={groupBy}
        onGroupByChange={setGroupBy}
        onChange={setFilters}
        onClear={clearFilters}
      />
      <Typography
        variant="body2"
        color="textSecondary"
        component="div"
        style={{ marginBottom: 8 }}
      >
        {hasFilters(filters)
          ? `${view.shownTenants} of ${view.totalTenants} tenants match`
          : `${view.totalTenants} tenants on ${snapshot.islands.length} islands`}{' '}
        · <LiveChip status={live.status} />
      </Typography>
      {view.managementClusters.length === 0 ? (
        <EmptyState
          missing="data"
          title="No clusters match the filters"
          description="Change or clear the filters to see more of the fleet."
        />
      ) : (
        <FleetTree
          view={view}
          groupBy={groupBy}
          selectedId={selected?.id}
          onSelect={select}
          initiallyExpanded={initiallyExpanded}
          uplink={uplink.value}
        />
      )}
      <NodeDetails
        node={selected}
        island={selectedIsland}
        onClose={() => select(undefined)}
      />
    </>
  );
}

/** The fleet topology page (`/kamaji`): cloud → islands → tenants, live. */
export function FleetTopologyPage() {
  const upgradesLink = useRouteRef(upgradesRouteRef);
  const auditLink = useRouteRef(auditRouteRef);
  return (
    <Page themeId="tool">
      <Header
        title="Kamaji fleet"
        subtitle="Management clusters, islands and tenant clusters"
      >
        <Button
          component={RouterLink}
          to={upgradesLink()}
          variant="outlined"
          color="inherit"
        >
          Upgrades
        </Button>
        <Button
          component={RouterLink}
          to={auditLink()}
          variant="outlined"
          color="inherit"
          style={{ marginLeft: 8 }}
        >
          Audit
        </Button>
      </Header>
      <Content>
        <FleetTopologyContent />
      </Content>
    </Page>
  );
}
