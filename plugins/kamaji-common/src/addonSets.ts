import { KAMAJI_LABELS } from './labels';
import type { AddonSet, LabelSelector } from './model';

/**
 * The name a cluster opts in to an addon set with (`addons.kamaji-backstage.io/<name>: enabled`,
 * what `kamaji:tenant:create` takes in `addonSets`), when the addon set selects by that label.
 *
 * @public
 */
export function addonSetOptInName(selector: LabelSelector): string | undefined {
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

/**
 * The addon set names a cluster of one management cluster can opt in to, sorted.
 *
 * @public
 */
export function addonSetOptInNames(
  addonSets: readonly AddonSet[],
  managementCluster?: string,
): string[] {
  const names = addonSets
    .filter(
      a => !managementCluster || a.managementCluster === managementCluster,
    )
    .map(a => addonSetOptInName(a.selector))
    .filter((n): n is string => !!n);
  return [...new Set(names)].sort();
}
