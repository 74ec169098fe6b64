import {
  LabelSelector,
  labelsMatchSelector,
} from '@kamaji-backstage/plugin-kamaji-common';

/**
 * Whether labels match a label selector (Kubernetes semantics). `emptyMatches` decides what an
 * empty selector (`{}` or `{matchLabels: {}}`) means: the Helm addon provider matches every
 * cluster (LabelSelectorAsSelector), CAPI ClusterResourceSet and Sveltos match none.
 * An absent (undefined) selector never matches.
 */
export function matchesSelector(
  labels: Record<string, string>,
  selector: LabelSelector | undefined,
  emptyMatches: boolean,
): boolean {
  if (!selector) return false;
  const noRequirements =
    !Object.keys(selector.matchLabels ?? {}).length &&
    !(selector.matchExpressions ?? []).length;
  if (noRequirements) return emptyMatches;
  return labelsMatchSelector(labels, selector);
}
