import type { IslandNode } from '@kamaji-backstage/plugin-kamaji-common';

/**
 * Labels for a list of islands: `base(island)`, followed by ` · <management cluster>` where
 * another island of the list has the same label (an island-a in two management clusters).
 */
export function islandLabels(
  islands: IslandNode[],
  base: (island: IslandNode) => string,
): (island: IslandNode) => string {
  const counts = new Map<string, number>();
  for (const i of islands) counts.set(base(i), (counts.get(base(i)) ?? 0) + 1);
  return island => {
    const label = base(island);
    return (counts.get(label) ?? 0) > 1
      ? `${label} · ${island.managementCluster}`
      : label;
  };
}

/** An island as the pickers name it: its name and, when it has one, its site. */
export const islandNameAndSite = (island: IslandNode) =>
  island.site ? `${island.name} (${island.site})` : island.name;
