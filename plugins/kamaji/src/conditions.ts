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

function roleOf(entity: Entity): string | undefined {
  return entity.metadata.labels?.[KAMAJI_ENTITY.roleLabel];
}

/**
 * True for fleet clusters that are tenants, or whose role the entity does not say (a
 * hand-written entity with only the cluster-id annotation): the worker pools card applies.
 *
 * @public
 */
export function isKamajiTenantAvailable(entity: Entity): boolean {
  const role = roleOf(entity);
  return isKamajiClusterAvailable(entity) && (!role || role === 'tenant');
}

/**
 * True for fleet clusters labelled as islands (`kamaji-backstage.io/role: island`).
 *
 * @public
 */
export function isKamajiIslandAvailable(entity: Entity): boolean {
  return isKamajiClusterAvailable(entity) && roleOf(entity) === 'island';
}

/**
 * True for Group entities: the clusters-owned-by-this-group card applies.
 *
 * @public
 */
export function isGroupEntity(entity: Entity): boolean {
  return entity.kind.toLocaleLowerCase('en-US') === 'group';
}
