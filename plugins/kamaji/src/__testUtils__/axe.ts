import axe from 'axe-core';

/**
 * The serious and critical axe-core violations of what is rendered, one line each. Colour
 * contrast needs layout, which jsdom does not do: axe reports it as incomplete, not here.
 */
export async function seriousAxeViolations(): Promise<string[]> {
  const results = await axe.run(document.body, {
    resultTypes: ['violations'],
  });
  return results.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(
      v =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes
          .slice(0, 3)
          .map(n => n.html)
          .join(' | ')}`,
    );
}
