import { LabelSelector } from './model';

/**
 * Whether labels meet every requirement of a label selector (Kubernetes semantics:
 * `matchLabels` and `matchExpressions` AND-ed). A selector without requirements is met by
 * any labels; callers decide what an absent or empty selector means for their kind.
 *
 * @public
 */
export function labelsMatchSelector(
  labels: Record<string, string>,
  selector: LabelSelector,
): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[k] !== v) return false;
  }
  for (const e of selector.matchExpressions ?? []) {
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
