import type {
  CustomFieldValidator,
  FieldExtensionComponentProps,
} from '@backstage/plugin-scaffolder-react';
import {
  countOf,
  KAMAJI_LABELS,
  addonSetOptInName,
  addonSetOptInNames,
  isDnsLabel,
  type AddonSet,
  type LabelSelector,
} from '@kamaji-backstage/plugin-kamaji-common';
import { kamajiApiRef } from '../../api/KamajiApi';
import { readFleet, useFleetForPicker } from './fleetOverview';
import { PickerField, type PickerOption } from './PickerField';
import { fieldTitle } from './pickerSettings';

/** The `ui:field` name of the addon set picker. */
export const ADDON_SET_PICKER = 'KamajiAddonSetPicker';

/** A label selector as one line: `a=b, c in (d, e), f, !g`; an empty one selects every cluster. */
export function selectorSummary(selector: LabelSelector): string {
  const parts = Object.entries(selector.matchLabels ?? {}).map(
    ([k, v]) => `${k}=${v}`,
  );
  for (const e of selector.matchExpressions ?? []) {
    const values = `(${(e.values ?? []).join(', ')})`;
    if (e.operator === 'In') parts.push(`${e.key} in ${values}`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin ${values}`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else parts.push(`!${e.key}`);
  }
  return parts.length ? parts.join(', ') : 'every cluster';
}

/** One choice per opt-in name; addon sets that select by other labels cannot be chosen. */
export function addonSetOptions(addonSets: AddonSet[]): PickerOption[] {
  const byName = new Map<string, AddonSet[]>();
  const others: AddonSet[] = [];
  for (const a of addonSets) {
    const name = addonSetOptInName(a.selector);
    if (name) byName.set(name, [...(byName.get(name) ?? []), a]);
    else others.push(a);
  }
  const options: PickerOption[] = [...byName.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, sets]) => ({
      value: name,
      label: name,
      details: sets.map(
        s =>
          `${s.kind} ${s.name} · selects ${selectorSummary(
            s.selector,
          )} · ${countOf(s.matchingClusterIds.length, 'cluster')}`,
      ),
    }));
  for (const s of others) {
    options.push({
      value: `${s.kind}/${s.name}`,
      label: `${s.kind} ${s.name}`,
      details: [
        `selects ${selectorSummary(
          s.selector,
        )}: clusters cannot opt in with an addons label`,
      ],
      disabled: true,
    });
  }
  return options;
}

/**
 * Picks the addon sets a new cluster opts in to, from the fleet's addon sets (kind, name and
 * selector shown). Several when the template parameter is an array, else one.
 */
export function AddonSetPicker(
  props: FieldExtensionComponentProps<string[] | string, {}>,
) {
  const fleet = useFleetForPicker();
  return (
    <PickerField
      field={props}
      title={fieldTitle(props.schema, 'Addon sets')}
      multiple={props.schema?.type === 'array'}
      choices={{
        options: addonSetOptions(fleet.value?.addonSets ?? []),
        loading: fleet.loading,
        error: fleet.error,
        retry: fleet.retry,
        what: 'addon sets',
        emptyText:
          'No addon set is visible to you: the cluster can be created without one.',
      }}
    />
  );
}

/** The opt-in names the fleet lists, or undefined when the fleet cannot be read here (the action checks). */
async function knownOptInNames(
  context: Parameters<CustomFieldValidator<string[] | string, {}>>[2],
): Promise<string[] | undefined> {
  const api = context.apiHolder.get(kamajiApiRef);
  if (!api) return undefined;
  try {
    return addonSetOptInNames((await readFleet(api)).addonSets);
  } catch {
    return undefined;
  }
}

/**
 * Each addon set is named as its opt-in label takes it (a DNS label), once, and is one the fleet
 * lists: as in the action, an addon set that does not exist is an error, not a label that waits.
 */
export const addonSetPickerValidation: CustomFieldValidator<
  string[] | string,
  {}
> = async (value, validation, context) => {
  const title = fieldTitle(context.schema, 'Addon sets');
  const names = ([] as unknown[]).concat(value ?? []);
  const seen = new Set<string>();
  const valid: string[] = [];
  for (const name of names) {
    if (typeof name !== 'string' || !isDnsLabel(name)) {
      validation.addError(
        `${title}: '${String(
          name,
        )}' cannot be an addon set name: use lowercase letters, digits and '-' (at most 63), as in the label ${
          KAMAJI_LABELS.addonSetPrefix
        }<name>`,
      );
    } else if (seen.has(name)) {
      validation.addError(`${title}: '${name}' is listed twice: remove one`);
    } else {
      seen.add(name);
      valid.push(name);
    }
  }
  if (!valid.length) return;
  const known = await knownOptInNames(context);
  if (!known) return;
  for (const name of valid.filter(n => !known.includes(n))) {
    validation.addError(
      `${title}: there is no addon set '${name}' in the fleet: pick one of ${
        known.join(', ') || '(none yet)'
      }, or create it first (Addon set template)`,
    );
  }
};
