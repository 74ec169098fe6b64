import {
  Entity,
  getCompoundEntityRef,
  parseEntityRef,
  RELATION_DEPENDS_ON,
  RELATION_PART_OF,
} from '@backstage/catalog-model';
import {
  CatalogProcessor,
  CatalogProcessorEmit,
  processingResult,
} from '@backstage/plugin-catalog-node';
import { KAMAJI_ENTITY } from '@kamaji-backstage/plugin-kamaji-common';

/** A tenant cluster entity's host (its island or management cluster), as an entity ref. @public */
export const TENANT_DEPENDS_ON_ANNOTATION = 'kamaji-backstage.io/depends-on';
/** A tenant cluster entity's system, as an entity ref. @public */
export const TENANT_PART_OF_ANNOTATION = 'kamaji-backstage.io/part-of';

const ONE_WAY_RELATIONS: Array<[annotation: string, type: string]> = [
  [TENANT_DEPENDS_ON_ANNOTATION, RELATION_DEPENDS_ON],
  [TENANT_PART_OF_ANNOTATION, RELATION_PART_OF],
];

/**
 * Relates tenant cluster entities to their host and system in one direction only. `spec.dependsOn`
 * and `spec.system` would also put the reverse relations (`dependencyOf`, `hasPart`) on the island,
 * management cluster and system entities, which every team reads: their relations, which the
 * catalog does not filter by permission, would name every team's tenants. A tenant's own entity,
 * read by the teams allowed to, still shows its island and system.
 *
 * @public
 */
export class TenantRelationsProcessor implements CatalogProcessor {
  getProcessorName(): string {
    return 'KamajiTenantRelationsProcessor';
  }

  async postProcessEntity(
    entity: Entity,
    _location: unknown,
    emit: CatalogProcessorEmit,
  ): Promise<Entity> {
    const annotations = entity.metadata.annotations ?? {};
    if (
      !annotations[KAMAJI_ENTITY.clusterIdAnnotation] ||
      entity.metadata.labels?.[KAMAJI_ENTITY.roleLabel] !== 'tenant'
    ) {
      return entity;
    }
    const source = getCompoundEntityRef(entity);
    for (const [annotation, type] of ONE_WAY_RELATIONS) {
      const target = annotations[annotation];
      if (target) {
        emit(
          processingResult.relation({
            source,
            type,
            target: parseEntityRef(target),
          }),
        );
      }
    }
    return entity;
  }
}
