import { Alert } from '@material-ui/lab';
import type {
  CustomFieldValidator,
  FieldExtensionComponentProps,
} from '@backstage/plugin-scaffolder-react';
import type {
  HealthStatus,
  IslandNode,
} from '@kamaji-backstage/plugin-kamaji-common';
import { kamajiApiRef } from '../../api/KamajiApi';
import { HealthIcon } from '../common/HealthBadge';
import { islandLabels } from '../common/islandLabels';
import { formatAgo, lastSeenAt } from '../FleetPage/model';
import { readFleet, useFleetForPicker } from './fleetOverview';
import { PickerField, type PickerOption } from './PickerField';
import { fieldTitle } from './pickerSettings';

/** The `ui:field` name of the island picker. */
export const ISLAND_PICKER = 'KamajiIslandPicker';

/** `ui:options` of the island picker. */
export interface IslandPickerUiOptions {
  /** Only the islands of this management cluster (by its configured name). */
  managementCluster?: string;
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

function tenantLoad(island: IslandNode): string {
  const n = island.tenantIds.length;
  const stores = island.dataStores.length;
  return `${n} tenant${n === 1 ? '' : 's'} hosted · ${stores} data store${
    stores === 1 ? '' : 's'
  }`;
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

const nameAndSite = (island: IslandNode) =>
  island.site ? `${island.name} (${island.site})` : island.name;

function islandOption(island: IslandNode, label: string): PickerOption {
  return {
    value: island.id,
    label,
    details: [
      <span key="connection" data-connection={island.connection.status}>
        <HealthIcon status={CONNECTION_HEALTH[island.connection.status]} />{' '}
        {connectionText(island)}
      </span>,
      tenantLoad(island),
    ],
  };
}

/**
 * Picks the island that hosts a tenant's control plane, from the fleet: each island with its
 * connection state (stale age when disconnected) and how many tenants it hosts. The value is
 * the island's id (`<management cluster>/<namespace>/<name>`), which `kamaji:tenant:create`
 * takes as its `island`: islands of the same name in two management clusters stay apart.
 */
export function IslandPicker(
  props: FieldExtensionComponentProps<string, IslandPickerUiOptions>,
) {
  const fleet = useFleetForPicker();
  const islands = islandsOf(
    fleet.value?.islands ?? [],
    props.uiSchema?.['ui:options'],
  );
  const chosen = findIsland(islands, props.formData);
  const label = islandLabels(islands, nameAndSite);
  return (
    <PickerField
      field={props}
      title={fieldTitle(props.schema, 'Island')}
      choices={{
        options: islands.map(i => islandOption(i, label(i))),
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

/** The chosen island must be one of the fleet's islands. */
export const islandPickerValidation: CustomFieldValidator<
  string,
  IslandPickerUiOptions
> = async (value, validation, context) => {
  if (!value) return;
  const api = context.apiHolder.get(kamajiApiRef);
  if (!api) return;
  let islands: IslandNode[];
  try {
    islands = islandsOf(
      (await readFleet(api)).islands,
      context.uiSchema?.['ui:options'],
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
