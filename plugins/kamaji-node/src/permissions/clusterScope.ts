import {
  BackstageCredentials,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  ConditionalPolicyDecision,
  PolicyDecision,
  ResourcePermission,
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
 * A policy decision on a `kamaji-cluster` permission as a scope: a CONDITIONAL decision becomes
 * one compiled predicate. Throws when the conditions are not the kamaji plugin's or cannot be
 * applied.
 */
function scopeOf(
  decision: PolicyDecision,
  ruleset: PermissionRuleset<FleetCluster, KamajiClusterFilter>,
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

/**
 * The fleet clusters `permission` (a `kamaji-cluster` permission) lets the caller reach, asked of
 * the permission framework. A CONDITIONAL decision is compiled with `ruleset`: by default the
 * kamaji plugin's own rules; the kamaji backend passes its registry's, which may hold rules
 * other modules added. A decision that cannot be applied grants nothing, and says why in `logger`.
 *
 * @public
 */
export async function authorizeKamajiClusterScope(options: {
  permissions: PermissionsService;
  permission: ResourcePermission<typeof KAMAJI_CLUSTER_RESOURCE_TYPE>;
  credentials: BackstageCredentials;
  logger: LoggerService;
  ruleset?: PermissionRuleset<FleetCluster, KamajiClusterFilter>;
}): Promise<KamajiClusterScope> {
  const { permissions, permission, credentials, logger } = options;
  const [decision] = await permissions.authorizeConditional([{ permission }], {
    credentials,
  });
  try {
    return scopeOf(decision, options.ruleset ?? OWN_RULESET);
  } catch (e) {
    logger.warn(
      `conditional decision for ${permission.name} could not be applied (${
        (e as Error).message
      }): denied`,
    );
    return { kind: 'none' };
  }
}
