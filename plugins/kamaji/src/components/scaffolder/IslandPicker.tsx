import { useEffect } from 'react';
import { Alert } from '@material-ui/lab';
import type {
  CustomFieldValidator,
  FieldExtensionComponentProps,
} from '@backstage/plugin-scaffolder-react';
import {
  countOf,
  emptyHealthCounts,
  type HealthStatus,
  type IslandNode,
  type IslandPlacement,
  type PlacementAdvice,
} from '@kamaji-backstage/plugin-kamaji-common';
import { kamajiApiRef } from '../../api/KamajiApi';
import { HealthIcon } from '../common/HealthBadge';
import { islandLabels, islandNameAndSite } from '../common/islandLabels';
import { formatAgo, lastSeenAt } from '../FleetPage/model';
import { readFleet, useFleetForPicker } from './fleetOverview';
import { PickerField, type PickerOption } from './PickerField';
import { fieldTitle } from './pickerSettings';
import { usePlacement } from './usePlacement';

/** The `ui:field` name of the island picker. */
export const ISLAND_PICKER = 'KamajiIslandPicker';

/** `ui:options` of the island picker. */
export interface IslandPickerUiOptions {
  /** Only the islands of this management cluster (by its configured name). */
  managementCluster?: string;
  /** The form field holding the site the tenant serves; its islands are ranked. Default `site`. */
  siteField?: string;
  /** The form field holding the tenant's Kubernetes version. Default `kubernetesVersion`. */
  versionField?: string;
}

function formValue(formData: unknown, field: string): string | undefined {
  const value = (formData as Record<string, unknown> | undefined)?.[field];
  return typeof value === 'string' && value ? value : undefined;
}

const CONNECTION_HEALTH: Record<
  IslandNode['connection']['status'],
  HealthStatus
> = {
  connected: 'healthy',
  degraded: 'degraded',
  disconnected: 'unhealthy',
};

/** The island's connection as text: disconnected islands say how stale they are. */
export function connectionText(island: IslandNode): string {
  const c = island.connection;
  if (c.status === 'disconnected') {
    return `Disconnected, last seen ${formatAgo(lastSeenAt(island))}`;
  }
  if (c.status === 'degraded') {
    return `Degraded${c.lastError ? `: ${c.lastError}` : ''}`;
  }
  return 'Connected';
}

function tenantLoad(island: IslandNode, placed?: IslandPlacement): string {
  // The advice counts every team's tenants; the fleet view only the ones the user may see.
  const n = placed?.load.tenants ?? island.tenantIds.length;
  const capacity = placed?.load.capacity;
  const tenants =
    capacity === undefined
      ? countOf(n, 'tenant')
      : `${n} of ${capacity} tenants`;
  return `${tenants} hosted · ${countOf(
    island.dataStores.length,
    'data store',
  )}`;
}

/**
 * The islands a template may choose from, one per island: two management clusters with an
 * island of the same name give two choices (by name, then management cluster).
 */
export function islandsOf(
  islands: IslandNode[],
  options?: IslandPickerUiOptions,
): IslandNode[] {
  return islands
    .filter(
      i =>
        !options?.managementCluster ||
        i.managementCluster === options.managementCluster,
    )
    .sort(
      (a, b) =>
        a.name.localeCompare(b.name) ||
        a.managementCluster.localeCompare(b.managementCluster) ||
        a.id.localeCompare(b.id),
    );
}

/**
 * The island a picker value names: an island id (what the picker writes), or a name that only
 * one island has (values written before ids, or by hand).
 */
export function findIsland(
  islands: IslandNode[],
  value: string | undefined,
): IslandNode | undefined {
  if (!value) return undefined;
  const byId = islands.find(i => i.id === value);
  if (byId) return byId;
  const named = islands.filter(i => i.name === value);
  return named.length === 1 ? named[0] : undefined;
}

function rankText(placed: IslandPlacement, advice: PlacementAdvice): string {
  const head = placed.eligible
    ? `Rank ${placed.rank} of ${advice.islands.length}${
        advice.recommended === placed.islandId ? ' · recommended' : ''
      }`
    : 'Not advised';
  return `${head}: ${placed.reasons.join('; ')}`;
}

/**
 * The islands in the advice's order (best first) when there is advice; islands the user sees
 * only through the advice (shared islands hosting other teams' tenants) are listed too.
 */
function rankedIslands(
  islands: IslandNode[],
  advice: PlacementAdvice | undefined,
): IslandNode[] {
  if (!advice) return islands;
  const byId = new Map(islands.map(i => [i.id, i]));
  const ranked = advice.islands.map(
    p => byId.get(p.islandId) ?? adviceOnlyIsland(p),
  );
  const placedIds = new Set(advice.islands.map(p => p.islandId));
  return [...ranked, ...islands.filter(i => !placedIds.has(i.id))];
}

/** An island known from the advice only: what the advice says of it. */
function adviceOnlyIsland(p: IslandPlacement): IslandNode {
  return {
    id: p.islandId,
    role: 'island',
    name: p.name,
    namespace: '',
    managementCluster: p.managementCluster,
    site: p.site,
    labels: {},
    health: { status: 'unknown', reasons: [] },
    staleness: { stale: false },
    connection: { status: p.connection, since: '' },
    kubernetesVersion: p.kubernetesVersion,
    tenantIds: [],
    tenantHealth: emptyHealthCounts(),
    dataStores: p.load.dataStores.map(d => ({
      name: d.name,
      driver: d.driver,
      ready: d.ready,
      usedBy: [],
    })),
    conditions: [],
  };
}

function islandOption(
  island: IslandNode,
  label: string,
  advice?: PlacementAdvice,
): PickerOption {
  const placed = advice?.islands.find(p => p.islandId === island.id);
  return {
    value: island.id,
    label,
    details: [
      <span key="connection" data-connection={island.connection.status}>
        <HealthIcon status={CONNECTION_HEALTH[island.connection.status]} />{' '}
        {connectionText(island)}
      </span>,
      tenantLoad(island, placed),
      ...(placed && advice
        ? [
            <span key="rank" data-rank={placed.rank}>
              {rankText(placed, advice)}
            </span>,
          ]
        : []),
    ],
  };
}

/**
 * Picks the island that hosts a tenant's control plane, from the fleet: each island with its
 * connection state (stale age when disconnected) and how many tenants it hosts, ranked by the
 * backend's placement advice for the form's site and version, each rank with its reasons; the
 * best island is preselected while the field is empty. The value is the island's id
 * (`<management cluster>/<namespace>/<name>`), which `kamaji:tenant:create` takes as its
 * `island`: islands of the same name in two management clusters stay apart.
 */
export function IslandPicker(
  props: FieldExtensionComponentProps<string, IslandPickerUiOptions>,
) {
  const fleet = useFleetForPicker();
  const options = props.uiSchema?.['ui:options'];
  const formData = props.formContext?.formData;
  const advice = usePlacement({
    site: formValue(formData, options?.siteField ?? 'site'),
    version: formValue(formData, options?.versionField ?? 'kubernetesVersion'),
    managementCluster: options?.managementCluster,
  });
  const islands = islandsOf(
    rankedIslands(fleet.value?.islands ?? [], advice),
    options,
  ).sort((a, b) => rankOf(advice, a) - rankOf(advice, b));
  const chosen = findIsland(islands, props.formData);
  const label = islandLabels(islands, islandNameAndSite);
  const best = advice?.recommended;
  const { formData: value, onChange } = props;
  useEffect(() => {
    if (!value && best) onChange(best);
  }, [value, best, onChange]);
  return (
    <PickerField
      field={props}
      title={fieldTitle(props.schema, 'Island')}
      choices={{
        options: islands.map(i => islandOption(i, label(i), advice)),
        loading: fleet.loading,
        error: fleet.error,
        retry: fleet.retry,
        what: 'islands',
        emptyText:
          'No island is visible to you in the fleet: ask the platform team for an island (or for read access to one).',
      }}
      notice={
        chosen && chosen.connection.status !== 'connected' ? (
          <Alert severity="warning">
            {chosen.name} is {connectionText(chosen).toLocaleLowerCase('en-US')}
            . The cluster is declared at once; its control plane starts when the
            island is reachable again.
          </Alert>
        ) : undefined
      }
    />
  );
}

/** Position in the advice (unranked islands last, keeping their order). */
function rankOf(advice: PlacementAdvice | undefined, island: IslandNode) {
  return (
    advice?.islands.find(p => p.islandId === island.id)?.rank ??
    Number.MAX_SAFE_INTEGER
  );
}

/** The chosen island must be one of the fleet's islands (or of the placement advice). */
export const islandPickerValidation: CustomFieldValidator<
  string,
  IslandPickerUiOptions
> = async (value, validation, context) => {
  if (!value) return;
  const api = context.apiHolder.get(kamajiApiRef);
  if (!api) return;
  const options = context.uiSchema?.['ui:options'];
  let islands: IslandNode[];
  try {
    // Shared islands the user knows only from the advice are valid choices too.
    const advice = await api
      .getPlacement({ managementCluster: options?.managementCluster })
      .catch(() => undefined);
    islands = islandsOf(
      rankedIslands((await readFleet(api)).islands, advice),
      options,
    );
  } catch {
    return; // the fleet cannot be read now: the action checks the island again
  }
  if (!findIsland(islands, value)) {
    const named = islands.filter(i => i.name === value);
    validation.addError(
      `${fieldTitle(context.schema, 'Island')}: ${
        named.length > 1
          ? `'${value}' names ${named.length} islands (${named
              .map(i => i.id)
              .join(', ')}): pick one of them`
          : `there is no island '${value}' in the fleet: pick one of ${
              islands.map(i => i.id).join(', ') || '(no islands yet)'
            }`
      }`,
    );
  }
};
