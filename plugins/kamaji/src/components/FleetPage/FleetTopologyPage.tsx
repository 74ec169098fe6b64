import { useMemo } from 'react';
import { Link as RouterLink } from 'react-router-dom';
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
import FiberManualRecordIcon from '@material-ui/icons/FiberManualRecord';
import { describeError, errorStatus } from '../../api/KamajiClient';
import type { FleetResponse, LiveStatus } from '../../api/types';
import { useLiveFleet, type LiveFleetState } from './useLiveFleet';
import { useFleetParams, type FleetParams } from './useFleetParams';
import { FleetAlerts } from './FleetAlerts';
import { FleetFiltersBar } from './FleetFiltersBar';
import { FleetTree } from './FleetTree';
import { NodeDetails } from './NodeDetails';
import {
  buildFleetView,
  hasFilters,
  type FleetView,
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

function PermissionDenied(props: { error: Error }) {
  return (
    <WarningPanel severity="error" title="Permission denied" defaultExpanded>
      You are not allowed to read the Kamaji fleet (permission
      kamaji.cluster.read). Ask a platform administrator for access. (
      {describeError(props.error)})
    </WarningPanel>
  );
}

/** The selected node, and the island it runs on when it is a tenant of one. */
function selectionOf(view: FleetView, selectedId: string | undefined) {
  const selected = selectedId ? view.byId.get(selectedId) : undefined;
  const selectedIsland =
    selected && selected.role === 'tenant' && selected.islandId
      ? view.islandsById.get(selected.islandId)
      : undefined;
  return { selected, selectedIsland };
}

/** The tree nodes expanded at first: the filtered island and the path to the selected node. */
function initiallyExpandedKeys(
  view: FleetView,
  { filters, groupBy, selectedId }: FleetParams,
  uplink: UplinkByIsland | undefined,
): string[] {
  return [
    ...(filters.island ? [islandKey(filters.island)] : []),
    ...(selectedId ? keysToReveal(view, groupBy, selectedId, uplink) : []),
  ];
}

function FleetTopologyView(props: {
  live: LiveFleetState;
  snapshot: FleetResponse;
  view: FleetView;
  params: FleetParams;
  uplink: ReturnType<typeof useUplinkGrouping>;
}) {
  const { live, snapshot, view, params, uplink } = props;
  const { filters, groupBy, setFilters, setGroupBy, clearFilters, select } =
    params;
  const { selected, selectedIsland } = selectionOf(view, params.selectedId);
  const initiallyExpanded = initiallyExpandedKeys(view, params, uplink.value);

  return (
    <>
      <FleetAlerts live={live} view={view} uplinkError={uplink.error} />
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

/** The topology without page chrome (for hosts that bring their own header). */
export function FleetTopologyContent() {
  const live = useLiveFleet();
  const params = useFleetParams();
  const uplink = useUplinkGrouping(params.groupBy);
  const { filters } = params;
  const view = useMemo(
    () => (live.snapshot ? buildFleetView(live.snapshot, filters) : undefined),
    [live.snapshot, filters],
  );

  if (live.error && errorStatus(live.error) === 403) {
    return <PermissionDenied error={live.error} />;
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
  if (!live.snapshot.managementClusters.length) {
    return (
      <EmptyState
        missing="data"
        title="No clusters in the fleet"
        description="The Kamaji backend reports no management clusters you may read. Configure kamaji.managementClusters in app-config, or ask for access to the clusters of your group."
      />
    );
  }
  return (
    <FleetTopologyView
      live={live}
      snapshot={live.snapshot}
      view={view}
      params={params}
      uplink={uplink}
    />
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
