import { configApiRef, useApi } from '@backstage/core-plugin-api';
import type {
  CustomFieldValidator,
  FieldExtensionComponentProps,
} from '@backstage/plugin-scaffolder-react';
import {
  countOf,
  checkSupportedKubernetesVersion,
  normalizeKubernetesVersion,
  parseKubernetesVersion,
  type KubernetesVersionRange,
} from '@kamaji-backstage/plugin-kamaji-common';
import type { FleetResponse } from '../../api/types';
import { useFleetForPicker } from './fleetOverview';
import { PickerField, type PickerOption } from './PickerField';
import { fieldTitle, supportedVersionRange } from './pickerSettings';

/** The `ui:field` name of the Kubernetes version picker. */
export const KUBERNETES_VERSION_PICKER = 'KamajiKubernetesVersionPicker';

/** `ui:options` of the Kubernetes version picker. */
export interface KubernetesVersionPickerUiOptions {
  /** Release versions to offer besides those the fleet runs (those outside the supported range are left out). */
  versions?: string[];
}

/** The first page of tenants is enough to show which versions the fleet runs. */
const VERSIONS_QUERY = { limit: 1000 };

/**
 * The versions to offer: the template's, its default and those the fleet's islands and tenants
 * declare, each once, only `v1.MINOR.PATCH` within the supported range, newest first, with how
 * many clusters declare it.
 */
export function versionChoices(
  range: KubernetesVersionRange,
  templateVersions: unknown[],
  fleet?: Pick<FleetResponse, 'islands' | 'tenants'>,
): Array<{ version: string; clusters: number }> {
  const clusters = new Map<string, number>();
  const candidates = [
    ...templateVersions,
    ...(fleet?.islands ?? []).map(i => i.kubernetesVersion),
    ...(fleet?.tenants ?? []).map(t => t.versions.declared),
  ];
  const inFleet = [
    ...(fleet?.islands ?? []).map(i => i.kubernetesVersion),
    ...(fleet?.tenants ?? []).map(t => t.versions.declared),
  ];
  for (const v of candidates) {
    if (typeof v !== 'string') continue;
    const checked = checkSupportedKubernetesVersion(v, range);
    if ('problem' in checked) continue;
    if (!clusters.has(checked.version.text))
      clusters.set(checked.version.text, 0);
  }
  for (const v of inFleet.map(normalizeKubernetesVersion)) {
    if (v && clusters.has(v)) clusters.set(v, clusters.get(v)! + 1);
  }
  return [...clusters.entries()]
    .map(([version, n]) => ({ version, clusters: n }))
    .sort((a, b) => {
      const va = parseKubernetesVersion(a.version)!;
      const vb = parseKubernetesVersion(b.version)!;
      return vb.minor - va.minor || vb.patch - va.patch;
    });
}

/**
 * Picks the Kubernetes version of a new cluster among the supported ones
 * (`kamaji.scaffolder.kubernetesVersions`, the range the scaffolder actions enforce).
 */
export function KubernetesVersionPicker(
  props: FieldExtensionComponentProps<string, KubernetesVersionPickerUiOptions>,
) {
  const range = supportedVersionRange(useApi(configApiRef));
  const fleet = useFleetForPicker(VERSIONS_QUERY);
  const templateVersions = [
    ...(props.uiSchema?.['ui:options']?.versions ?? []),
    props.schema?.default,
  ];
  const supported = `v1.${range.minMinor} to v1.${range.maxMinor}`;
  const options: PickerOption[] = versionChoices(
    range,
    templateVersions,
    fleet.value,
  ).map(({ version, clusters }) => ({
    value: version,
    label: version,
    details: [
      clusters
        ? `declared by ${countOf(clusters, 'cluster')} in the fleet`
        : 'not used in the fleet yet',
    ],
  }));
  return (
    <PickerField
      field={props}
      title={fieldTitle(props.schema, 'Kubernetes version')}
      choices={{
        options,
        loading: fleet.loading,
        error: fleet.error,
        retry: fleet.retry,
        what: 'Kubernetes versions',
        emptyText: `No version from ${supported} is known: list some in the template's ui:options.versions.`,
      }}
    />
  );
}

/** The version must be `v1.MINOR.PATCH` within the supported range. */
export const kubernetesVersionPickerValidation: CustomFieldValidator<
  string,
  KubernetesVersionPickerUiOptions
> = (value, validation, context) => {
  if (!value) return;
  const config = context.apiHolder.get(configApiRef);
  if (!config) return;
  const checked = checkSupportedKubernetesVersion(
    value,
    supportedVersionRange(config),
  );
  if ('problem' in checked) {
    validation.addError(
      `${fieldTitle(context.schema, 'Kubernetes version')}: ${checked.problem}`,
    );
  }
};
