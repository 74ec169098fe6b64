import type {
  CustomFieldValidator,
  FieldExtensionComponentProps,
} from '@backstage/plugin-scaffolder-react';
import {
  KAMAJI_LABELS,
  isDnsLabel,
  type AddonSet,
  type LabelSelector,
} from '@kamaji-backstage/plugin-kamaji-common';
import { useFleetForPicker } from './fleetOverview';
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

/**
 * The name a tenant opts in with (`addons.kamaji-backstage.io/<name>: enabled`, what
 * `kamaji:tenant:create` takes in `addonSets`), when the addon set selects by that label.
 */
export function optInName(selector: LabelSelector): string | undefined {
  const prefix = KAMAJI_LABELS.addonSetPrefix;
  const fromLabels = Object.entries(selector.matchLabels ?? {}).find(
    ([k, v]) => k.startsWith(prefix) && v === 'enabled',
  );
  if (fromLabels) return fromLabels[0].slice(prefix.length);
  const fromExpression = (selector.matchExpressions ?? []).find(
    e =>
      e.key.startsWith(prefix) &&
      e.operator === 'In' &&
      (e.values ?? []).includes('enabled'),
  );
  return fromExpression?.key.slice(prefix.length);
}

/** One choice per opt-in name; addon sets that select by other labels cannot be chosen. */
export function addonSetOptions(addonSets: AddonSet[]): PickerOption[] {
  const byName = new Map<string, AddonSet[]>();
  const others: AddonSet[] = [];
  for (const a of addonSets) {
    const name = optInName(a.selector);
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
          `${s.kind} ${s.name} · selects ${selectorSummary(s.selector)} · ${
            s.matchingClusterIds.length
          } cluster${s.matchingClusterIds.length === 1 ? '' : 's'}`,
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

/**
 * Each addon set is named as its opt-in label takes it (a DNS label), once. Names the fleet does
 * not list are allowed, as the action allows them: the label waits for an addon set to select it.
 */
export const addonSetPickerValidation: CustomFieldValidator<
  string[] | string,
  {}
> = (value, validation, context) => {
  const title = fieldTitle(context.schema, 'Addon sets');
  const names = ([] as unknown[]).concat(value ?? []);
  const seen = new Set<string>();
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
    }
  }
};
