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

/** The islands a template may choose from: by name (what the actions take), each name once. */
export function islandsOf(
  islands: IslandNode[],
  options?: IslandPickerUiOptions,
): IslandNode[] {
  const seen = new Set<string>();
  return islands
    .filter(
      i =>
        !options?.managementCluster ||
        i.managementCluster === options.managementCluster,
    )
    .filter(i => !seen.has(i.name) && !!seen.add(i.name))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** With several management clusters, the label also names the island's. */
function islandOption(island: IslandNode, namesCluster: boolean): PickerOption {
  const label = island.site ? `${island.name} (${island.site})` : island.name;
  return {
    value: island.name,
    label: namesCluster ? `${label} · ${island.managementCluster}` : label,
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
 * the island's name, as `kamaji:tenant:create` takes it.
 */
export function IslandPicker(
  props: FieldExtensionComponentProps<string, IslandPickerUiOptions>,
) {
  const fleet = useFleetForPicker();
  const islands = islandsOf(
    fleet.value?.islands ?? [],
    props.uiSchema?.['ui:options'],
  );
  const chosen = islands.find(i => i.name === props.formData);
  return (
    <PickerField
      field={props}
      title={fieldTitle(props.schema, 'Island')}
      choices={{
        options: islands.map(i =>
          islandOption(i, (fleet.value?.managementClusters.length ?? 0) > 1),
        ),
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
  if (!islands.some(i => i.name === value)) {
    validation.addError(
      `${fieldTitle(
        context.schema,
        'Island',
      )}: there is no island '${value}' in the fleet: pick one of ${
        islands.map(i => i.name).join(', ') || '(no islands yet)'
      }`,
    );
  }
};
