import {
  AuthorizeResult,
  ConditionalPolicyDecision,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  createConditionTransformer,
  PermissionRuleset,
} from '@backstage/plugin-permission-node';
import {
  FleetCluster,
  KAMAJI_CLUSTER_RESOURCE_TYPE,
} from '@kamaji-backstage/plugin-kamaji-common';
import { kamajiClusterResourceRef, KamajiClusterFilter } from './resourceRef';
import {
  compileKamajiClusterCriteria,
  kamajiClusterPermissionRules,
} from './rules';

/**
 * The fleet clusters a decision on a `kamaji-cluster` permission lets the caller reach: all,
 * none, or those a predicate accepts.
 *
 * @public
 */
export type KamajiClusterScope =
  | { kind: 'all' }
  | { kind: 'none' }
  | {
      kind: 'conditional';
      predicate: (cluster: FleetCluster) => boolean;
      /** Names the decision: equal keys, equal predicates (caches views per version). */
      key: string;
    };

/** The plugin's own rules, for callers outside the kamaji plugin (no registry of its rules). */
const OWN_RULESET: PermissionRuleset<FleetCluster, KamajiClusterFilter> = {
  getRuleByName(name) {
    const rule = Object.values(kamajiClusterPermissionRules).find(
      r => r.name === name,
    );
    if (!rule) throw new Error(`no kamaji-cluster permission rule ${name}`);
    return rule;
  },
};

/**
 * A policy decision on a `kamaji-cluster` permission as a {@link KamajiClusterScope}: a
 * CONDITIONAL decision becomes one predicate, compiled with `ruleset` (by default the plugin's
 * own rules; the kamaji backend passes its registry's, which may hold rules other modules
 * added). Throws when the conditions are not the kamaji plugin's or cannot be applied: callers
 * deny.
 *
 * @public
 */
export function kamajiClusterScopeOf(
  decision: PolicyDecision,
  ruleset: PermissionRuleset<FleetCluster, KamajiClusterFilter> = OWN_RULESET,
): KamajiClusterScope {
  if (decision.result === AuthorizeResult.ALLOW) return { kind: 'all' };
  if (decision.result === AuthorizeResult.DENY) return { kind: 'none' };
  const { pluginId, resourceType, conditions } =
    decision as ConditionalPolicyDecision;
  if (
    pluginId !== kamajiClusterResourceRef.pluginId ||
    resourceType !== KAMAJI_CLUSTER_RESOURCE_TYPE
  ) {
    throw new Error(
      `the conditions target ${pluginId}/${resourceType}, not ${kamajiClusterResourceRef.pluginId}/${KAMAJI_CLUSTER_RESOURCE_TYPE}`,
    );
  }
  const transform = createConditionTransformer(ruleset);
  return {
    kind: 'conditional',
    predicate: compileKamajiClusterCriteria(transform(conditions)),
    key: JSON.stringify(conditions),
  };
}
