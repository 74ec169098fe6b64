import {
  LabelSelector,
  labelsMatchSelector,
} from '@kamaji-backstage/plugin-kamaji-common';

/**
 * Parses a Kubernetes label selector string: `a=b`, `a==b`, `a!=b`, `a`, `!a`,
 * `a in (x,y)`, `a notin (x,y)`, joined by commas.
 */
export function parseSelector(text: string): LabelSelector {
  const sel: Required<LabelSelector> = {
    matchLabels: {},
    matchExpressions: [],
  };
  // Split on commas outside parentheses.
  const terms: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      terms.push(cur);
      cur = '';
    } else cur += ch;
  }
  terms.push(cur);
  for (const raw of terms.map(t => t.trim()).filter(Boolean)) {
    let m: RegExpExecArray | null;
    if ((m = /^([^\s!=()]+)\s+(in|notin)\s*\(([^)]*)\)$/i.exec(raw))) {
      sel.matchExpressions.push({
        key: m[1],
        operator: m[2].toLowerCase() === 'in' ? 'In' : 'NotIn',
        values: m[3]
          .split(',')
          .map(v => v.trim())
          .filter(Boolean),
      });
    } else if ((m = /^([^\s!=()]+)\s*!=\s*([^\s!=()]*)$/.exec(raw))) {
      sel.matchExpressions.push({
        key: m[1],
        operator: 'NotIn',
        values: [m[2]],
      });
    } else if ((m = /^([^\s!=()]+)\s*==?\s*([^\s!=()]*)$/.exec(raw))) {
      sel.matchLabels[m[1]] = m[2];
    } else if ((m = /^!\s*([^\s!=()]+)$/.exec(raw))) {
      sel.matchExpressions.push({ key: m[1], operator: 'DoesNotExist' });
    } else if ((m = /^([^\s!=()]+)$/.exec(raw))) {
      sel.matchExpressions.push({ key: m[1], operator: 'Exists' });
    } else {
      throw new Error(`kamaji.catalog.selector: cannot parse '${raw}'`);
    }
  }
  return sel;
}

/** Whether labels match a selector (an absent or empty selector matches everything). */
export function matchesSelector(
  labels: Record<string, string>,
  selector: LabelSelector | undefined,
): boolean {
  return !selector || labelsMatchSelector(labels, selector);
}
