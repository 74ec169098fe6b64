import { useApi } from '@backstage/core-plugin-api';
import {
  InfoCard,
  Link,
  Progress,
  Table,
  type TableColumn,
} from '@backstage/core-components';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  countOf,
  countHealth,
  type FleetCluster,
  type HealthStatus,
  type IslandNode,
} from '@kamaji-backstage/plugin-kamaji-common';
import { kamajiApiRef } from '../../api/KamajiApi';
import type { FleetResponse } from '../../api/types';
import { ErrorWithRetry } from '../common/ErrorWithRetry';
import { HealthBadge } from '../common/HealthBadge';
import { useFleetLink } from '../common/useFleetLink';
import { HealthCountsView } from '../FleetPage/TreeRowContent';
import { effectiveHealth, HEALTH_ORDER, isStale } from '../FleetPage/model';

interface OwnedRow {
  id: string;
  name: string;
  role: FleetCluster['role'];
  health: HealthStatus;
  stale: boolean;
  where: string;
  version?: string;
}

const PAGE = 10;

function ownedRows(fleet: FleetResponse): OwnedRow[] {
  const islands = new Map<string, IslandNode>(
    fleet.islands.map(i => [i.id, i]),
  );
  const all: OwnedRow[] = [
    ...fleet.managementClusters.map(m => ({
      node: m as FleetCluster,
      island: undefined,
      where: 'management cluster',
      version: undefined,
    })),
    ...fleet.islands.map(i => ({
      node: i as FleetCluster,
      island: undefined,
      where: `island in ${i.managementCluster}`,
      version: i.kubernetesVersion,
    })),
    ...fleet.tenants.map(t => ({
      node: t as FleetCluster,
      island: t.islandId ? islands.get(t.islandId) : undefined,
      where: t.islandId ?? `${t.managementCluster} (hosted centrally)`,
      version: t.versions.running ?? t.versions.declared,
    })),
  ].map(x => ({
    id: x.node.id,
    name: x.node.title ?? x.node.name,
    role: x.node.role,
    health: effectiveHealth(x.node, x.island),
    stale: isStale(x.node, x.island),
    where: x.where,
    version: x.version,
  }));
  // Worst health first: what needs the group's attention comes on the first page.
  return all.sort(
    (a, b) =>
      HEALTH_ORDER.indexOf(a.health) - HEALTH_ORDER.indexOf(b.health) ||
      a.name.localeCompare(b.name),
  );
}

function OwnedClusters(props: { owner: string; rows: OwnedRow[] }) {
  const fleetLink = useFleetLink();
  const counts = countHealth(props.rows.map(r => r.health));
  if (props.rows.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No cluster in the fleet is owned by {props.owner} (or you may not see
        them).
      </Typography>
    );
  }
  const columns: TableColumn<OwnedRow>[] = [
    {
      title: 'Cluster',
      field: 'name',
      render: r =>
        fleetLink ? <Link to={fleetLink(r.id)}>{r.name}</Link> : r.name,
    },
    { title: 'Role', field: 'role' },
    {
      title: 'Health',
      field: 'health',
      render: r => (
        <HealthBadge
          status={r.health}
          label={r.stale ? `${r.health} (stale)` : undefined}
        />
      ),
    },
    { title: 'Where', field: 'where' },
    { title: 'Version', field: 'version', emptyValue: '—' },
  ];
  return (
    <>
      <Typography variant="body2" component="div" style={{ marginBottom: 8 }}>
        {countOf(props.rows.length, 'cluster')}:{' '}
        <HealthCountsView counts={counts} />
      </Typography>
      <Table<OwnedRow>
        columns={columns}
        data={props.rows}
        options={{
          paging: props.rows.length > PAGE,
          pageSize: PAGE,
          search: props.rows.length > PAGE,
          toolbar: props.rows.length > PAGE,
          padding: 'dense',
          // material-table's sort labels are buttons nested in draggable headers (axe: nested-interactive);
          // the rows come sorted worst health first.
          sorting: false,
          draggable: false,
        }}
      />
    </>
  );
}

/**
 * The fleet clusters a group owns (the fleet API's owner filter: the same owner the catalog
 * entities of those clusters carry), with health counts, for Group entity pages.
 *
 * @public
 */
export function GroupClustersCard() {
  const { entity } = useEntity();
  const api = useApi(kamajiApiRef);
  const owner = stringifyEntityRef(entity);
  const { value, loading, error, retry } = useAsyncRetry(
    async () => ownedRows(await api.getFullFleet({ query: { owner } })),
    [api, owner],
  );
  let body: JSX.Element;
  if (loading) body = <Progress />;
  else if (error) body = <ErrorWithRetry error={error} retry={retry} />;
  else body = <OwnedClusters owner={owner} rows={value!} />;
  return (
    <InfoCard title="Fleet clusters owned by this group" subheader={owner}>
      {body}
    </InfoCard>
  );
}
