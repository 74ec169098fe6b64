import type { Entity } from '@backstage/catalog-model';
import { KAMAJI_ENTITY } from '@kamaji-backstage/plugin-kamaji-common';

/**
 * True when the entity names a cluster of the fleet (`kamaji-backstage.io/cluster-id`).
 *
 * @public
 */
export function isKamajiClusterAvailable(entity: Entity): boolean {
  return !!entity.metadata.annotations?.[KAMAJI_ENTITY.clusterIdAnnotation];
}
