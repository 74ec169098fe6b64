import type { ConfigApi } from '@backstage/core-plugin-api';
import {
  isOwnerAmong,
  readKubernetesVersionRange,
  type KubernetesVersionRange,
} from '@kamaji-backstage/plugin-kamaji-common';

/**
 * The supported Kubernetes versions for new clusters, from the same config keys the scaffolder
 * actions read (`kamaji.scaffolder.kubernetesVersions`, visible to the frontend through this
 * plugin's config schema).
 */
export function supportedVersionRange(
  config: ConfigApi,
): KubernetesVersionRange {
  return readKubernetesVersionRange({
    min: config.getOptionalString('kamaji.scaffolder.kubernetesVersions.min'),
    max: config.getOptionalString('kamaji.scaffolder.kubernetesVersions.max'),
  }).range;
}

/**
 * Whether a user (by their ownership entity refs) is a fleet admin, who may name any group as
 * owner: the rule of the actions' owner check (`kamaji.scaffolder.fleetAdminGroups`).
 */
export function isFleetAdmin(
  config: ConfigApi,
  ownershipEntityRefs: string[],
): boolean {
  return (
    config.getOptionalStringArray('kamaji.scaffolder.fleetAdminGroups') ?? []
  ).some(g => isOwnerAmong(g, ownershipEntityRefs));
}

/** The field's title for messages ("Island: …"), or its name when the template gives none. */
export function fieldTitle(schema: unknown, fallback: string): string {
  const title = (schema as { title?: unknown } | undefined)?.title;
  return typeof title === 'string' && title ? title : fallback;
}
