import type { LabelSelector } from '@kamaji-backstage/plugin-kamaji-common';

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
  const ml = Object.entries(selector.matchLabels ?? {});
  const me = selector.matchExpressions ?? [];
  if (!ml.length && !me.length) return emptyMatches;
  for (const [k, v] of ml) {
    if (labels[k] !== v) return false;
  }
  for (const e of me) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const values = e.values ?? [];
    switch (e.operator) {
      case 'In':
        if (!has || !values.includes(labels[e.key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[e.key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}
