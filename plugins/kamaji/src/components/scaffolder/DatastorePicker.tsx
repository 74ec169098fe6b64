import { useEffect } from 'react';
import type {
  CustomFieldValidator,
  FieldExtensionComponentProps,
} from '@backstage/plugin-scaffolder-react';
import type {
  DataStoreInfo,
  IslandNode,
} from '@kamaji-backstage/plugin-kamaji-common';
import { countOf } from '@kamaji-backstage/plugin-kamaji-common';
import { kamajiApiRef } from '../../api/KamajiApi';
import { readFleet, useFleetForPicker } from './fleetOverview';
import { findIsland } from './IslandPicker';
import { PickerField, type PickerOption } from './PickerField';
import { fieldTitle } from './pickerSettings';

/** The `ui:field` name of the data store picker. */
export const DATASTORE_PICKER = 'KamajiDatastorePicker';

/** `ui:options` of the data store picker. */
export interface DatastorePickerUiOptions {
  /** The form field holding the island (an island picker's field). Default `island`. */
  islandField?: string;
}

function islandFieldOf(options?: DatastorePickerUiOptions): string {
  return options?.islandField ?? 'island';
}

function chosenIsland(
  formData: unknown,
  options?: DatastorePickerUiOptions,
): string | undefined {
  const value = (formData as Record<string, unknown> | undefined)?.[
    islandFieldOf(options)
  ];
  return typeof value === 'string' && value ? value : undefined;
}

const READINESS = { true: ' · ready', false: ' · not ready' };

function storeOption(store: DataStoreInfo): PickerOption {
  const used = store.usedBy.length;
  // Kamaji releases before 26.3 do not report readiness.
  const readiness =
    store.ready === undefined ? '' : READINESS[`${store.ready}`];
  return {
    value: store.name,
    label: store.name,
    details: [
      `${store.driver}${readiness}`,
      `used by ${countOf(used, 'tenant control plane')}`,
    ],
  };
}

/** The store to switch to when the island changes: a ready one, else the first. */
function preferredStore(stores: DataStoreInfo[]): string | undefined {
  return (stores.find(s => s.ready !== false) ?? stores[0])?.name;
}

/**
 * Picks a Kamaji DataStore of the island chosen in another field of the same form
 * (`ui:options.islandField`), each with its driver and how many control planes use it. When the
 * island changes and the chosen store is not on it, the picker switches to one of its stores.
 */
export function DatastorePicker(
  props: FieldExtensionComponentProps<string, DatastorePickerUiOptions>,
) {
  const options = props.uiSchema?.['ui:options'];
  const islandName = chosenIsland(props.formContext?.formData, options);
  const fleet = useFleetForPicker();
  const island = findIsland(fleet.value?.islands ?? [], islandName);
  const stores = island?.dataStores ?? [];
  const { formData, onChange } = props;
  const storeNames = stores.map(s => s.name).join('\n');

  useEffect(() => {
    if (!island || stores.length === 0) return;
    if (formData && stores.some(s => s.name === formData)) return;
    const next = preferredStore(stores);
    if (next !== formData) onChange(next);
    // Only when the island (or its stores) change, not on every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [island?.id, storeNames]);

  let emptyText: string;
  if (!islandName) emptyText = 'Pick an island first.';
  else if (fleet.value && !island)
    emptyText = `There is no island '${islandName}' in the fleet.`;
  else
    emptyText = `Island ${island?.name ?? islandName} reports no DataStore${
      island?.connection.status === 'disconnected'
        ? ' (it has not been read since it disconnected)'
        : ''
    }: Kamaji on the island needs one before it can host control planes.`;

  return (
    <PickerField
      field={props}
      title={fieldTitle(props.schema, 'Data store')}
      disabled={!islandName}
      choices={{
        options: stores.map(storeOption),
        loading: fleet.loading,
        error: fleet.error,
        retry: fleet.retry,
        what: islandName
          ? `data stores of ${island?.name ?? islandName}`
          : 'data stores',
        emptyText,
      }}
    />
  );
}

/** The chosen data store must be on the chosen island. */
export const datastorePickerValidation: CustomFieldValidator<
  string,
  DatastorePickerUiOptions
> = async (value, validation, context) => {
  const options = context.uiSchema?.['ui:options'];
  const islandName = chosenIsland(context.formData, options);
  if (!value || !islandName) return;
  const api = context.apiHolder.get(kamajiApiRef);
  if (!api) return;
  let island: IslandNode | undefined;
  try {
    island = findIsland((await readFleet(api)).islands, islandName);
  } catch {
    return; // the fleet cannot be read now: the action checks the data store again
  }
  if (!island) return; // the island field reports that
  const names = island.dataStores.map(d => d.name);
  if (!names.includes(value)) {
    validation.addError(
      `${fieldTitle(context.schema, 'Data store')}: island ${
        island.name
      } has no DataStore '${value}': ${
        names.length
          ? `pick one of ${names.join(', ')}`
          : 'the island reports none; ask the platform team to create one'
      }`,
    );
  }
};
