import { renderAddonSet } from './addonSet';
import { renderIsland } from './island';
import { KubeObject } from './objects';
import { RenderOptions, renderTenantCluster } from './tenant';

/** The kinds of things the render functions produce. @public */
export const RENDER_KINDS = ['tenant', 'island', 'addonset'] as const;

/** @public */
export type RenderKind = (typeof RENDER_KINDS)[number];

/**
 * Renders one kind from its values: the function behind the CLI, `kamaji:manifests:render`
 * and the committed examples.
 *
 * @public
 */
export function renderKind(
  kind: RenderKind,
  values: unknown,
  options: RenderOptions = {},
): KubeObject[] {
  switch (kind) {
    case 'tenant':
      return renderTenantCluster(values, options);
    case 'island':
      return renderIsland(values, options);
    case 'addonset':
      return renderAddonSet(values, options);
    default:
      throw new Error(
        `unknown kind '${String(kind)}': use one of ${RENDER_KINDS.join(', ')}`,
      );
  }
}
