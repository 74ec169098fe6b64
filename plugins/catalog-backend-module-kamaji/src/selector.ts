import {
  LabelSelector,
  labelsMatchSelector,
} from '@kamaji-backstage/plugin-kamaji-common';

type Term = RegExpExecArray;

/** One rule per term form, tried in order. */
const TERM_RULES: Array<{
  pattern: RegExp;
  add: (sel: Required<LabelSelector>, m: Term) => void;
}> = [
  {
    pattern: /^([^\s!=()]+)\s+(in|notin)\s*\(([^)]*)\)$/i,
    add: (sel, m) =>
      sel.matchExpressions.push({
        key: m[1],
        operator: m[2].toLowerCase() === 'in' ? 'In' : 'NotIn',
        values: m[3]
          .split(',')
          .map(v => v.trim())
          .filter(Boolean),
      }),
  },
  {
    pattern: /^([^\s!=()]+)\s*!=\s*([^\s!=()]*)$/,
    add: (sel, m) =>
      sel.matchExpressions.push({
        key: m[1],
        operator: 'NotIn',
        values: [m[2]],
      }),
  },
  {
    pattern: /^([^\s!=()]+)\s*==?\s*([^\s!=()]*)$/,
    add: (sel, m) => {
      sel.matchLabels[m[1]] = m[2];
    },
  },
  {
    pattern: /^!\s*([^\s!=()]+)$/,
    add: (sel, m) =>
      sel.matchExpressions.push({ key: m[1], operator: 'DoesNotExist' }),
  },
  {
    pattern: /^([^\s!=()]+)$/,
    add: (sel, m) =>
      sel.matchExpressions.push({ key: m[1], operator: 'Exists' }),
  },
];

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
    const rule = TERM_RULES.find(r => r.pattern.test(raw));
    if (!rule)
      throw new Error(`kamaji.catalog.selector: cannot parse '${raw}'`);
    rule.add(sel, rule.pattern.exec(raw)!);
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
