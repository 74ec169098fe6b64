import { ConfigReader } from '@backstage/config';
import {
  AuthorizeResult,
  ConditionalPolicyDecision,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  createConditionTransformer,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  catalogEntityDeletePermission,
  catalogEntityReadPermission,
} from '@backstage/plugin-catalog-common/alpha';
import {
  FleetCluster,
  kamajiAuditReadPermission,
  kamajiClusterCreatePermission,
  kamajiClusterDeletePermission,
  kamajiClusterReadPermission,
  kamajiClusterScalePermission,
  kamajiClusterUpgradePermission,
  kamajiFleetUpgradePermission,
} from '@kamaji-backstage/plugin-kamaji-common';
import {
  compileKamajiClusterCriteria,
  KamajiClusterFilter,
  kamajiClusterPermissionRules,
} from '@kamaji-backstage/plugin-kamaji-node';
import {
  PermissionCondition,
  PermissionCriteria,
} from '@backstage/plugin-permission-common';
import { permissionRules as catalogRules } from '@backstage/plugin-catalog-backend/alpha';
import {
  kubernetesClustersReadPermission,
  kubernetesProxyPermission,
  kubernetesResourcesReadPermission,
} from '@backstage/plugin-kubernetes-common';
import {
  taskCancelPermission,
  taskCreatePermission,
  taskReadPermission,
} from '@backstage/plugin-scaffolder-common/alpha';
import { KamajiPermissionPolicy } from './KamajiPermissionPolicy';

function userWith(ownershipEntityRefs: string[]): PolicyQueryUser {
  return {
    info: { userEntityRef: ownershipEntityRefs[0], ownershipEntityRefs },
    credentials: {} as PolicyQueryUser['credentials'],
  };
}

function cluster(
  owner: string | undefined,
  role: FleetCluster['role'] = 'tenant',
): FleetCluster {
  return {
    id: `central/fleet-tenants/${owner ?? 'none'}`,
    role,
    name: 'x',
    managementCluster: 'central',
    owner,
    labels: {},
    health: { status: 'healthy', reasons: [] },
    staleness: { stale: false },
  } as unknown as FleetCluster;
}

/** Evaluates a conditional decision the way the kamaji backend does, in memory. */
function evaluate(decision: ConditionalPolicyDecision, c: FleetCluster) {
  const transform = createConditionTransformer(
    Object.values(kamajiClusterPermissionRules),
  );
  return compileKamajiClusterCriteria(
    transform(decision.conditions) as PermissionCriteria<KamajiClusterFilter>,
  )(c);
}

/** Clusters of every kind, by what they are to alice of team-retail. */
const SAMPLE_CLUSTERS: Record<string, FleetCluster> = {
  'own tenant': cluster('group:default/team-retail'),
  "another team's tenant": cluster('group:default/team-factory'),
  'tenant without owner': cluster(undefined),
  island: cluster('group:default/platform-team', 'island'),
  'management cluster': cluster('group:default/platform-team', 'management'),
};

/** Which of the sample clusters a conditional decision lets through. */
function allowedClusters(decision: PolicyDecision): string[] {
  return Object.entries(SAMPLE_CLUSTERS)
    .filter(([, c]) => evaluate(decision as ConditionalPolicyDecision, c))
    .map(([what]) => what);
}

type Entity = Parameters<typeof catalogRules.isEntityKind.apply>[0];

/** Evaluates catalog conditions on one entity with the catalog's own rules. */
function evaluateOnEntity(
  criteria: PermissionCriteria<PermissionCondition>,
  entity: Entity,
): boolean {
  if ('allOf' in criteria)
    return criteria.allOf.every(c => evaluateOnEntity(c, entity));
  if ('anyOf' in criteria)
    return criteria.anyOf.some(c => evaluateOnEntity(c, entity));
  if ('not' in criteria) return !evaluateOnEntity(criteria.not, entity);
  const rule = Object.values(catalogRules).find(r => r.name === criteria.rule)!;
  return rule.apply(entity, criteria.params as any);
}

/** A fleet cluster entity as the catalog module writes it. */
function clusterEntity(role: string, owner: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: `c-${role}`,
      annotations: { 'kamaji-backstage.io/cluster-id': `central/x/c-${role}` },
      labels: { 'kamaji-backstage.io/role': role },
    },
    spec: { type: 'kubernetes-cluster', owner },
    relations: [{ type: 'ownedBy', targetRef: owner }],
  };
}

describe('KamajiPermissionPolicy', () => {
  const policy = KamajiPermissionPolicy.fromConfig(
    new ConfigReader({
      permissionPolicy: {
        platformGroups: ['group:default/platform-team'],
        fleetReaderGroups: ['group:default/sre'],
      },
    }),
  );
  const platform = userWith([
    'user:default/pat',
    'group:default/platform-team',
  ]);
  const appTeam = userWith(['user:default/alice', 'group:default/team-retail']);
  const sre = userWith(['user:default/sam', 'group:default/sre']);

  it('allows the platform team everything, fleet actions included', async () => {
    for (const permission of [
      kamajiClusterReadPermission,
      kamajiClusterUpgradePermission,
      kamajiClusterDeletePermission,
      kamajiAuditReadPermission,
      kamajiFleetUpgradePermission,
      catalogEntityDeletePermission,
    ]) {
      await expect(policy.handle({ permission }, platform)).resolves.toEqual({
        result: AuthorizeResult.ALLOW,
      });
    }
  });

  it('matches group refs without regard to case', async () => {
    const shouting = userWith([
      'user:default/pat',
      'group:default/Platform-Team',
    ]);
    await expect(
      policy.handle({ permission: kamajiClusterUpgradePermission }, shouting),
    ).resolves.toEqual({
      result: AuthorizeResult.ALLOW,
    });
  });

  it('lets application teams read the catalog, fleet cluster entities by the fleet read rule', async () => {
    const decision = await policy.handle(
      { permission: catalogEntityReadPermission },
      appTeam,
    );
    expect(decision).toMatchObject({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
    });
    const reads = (entity: Entity) =>
      evaluateOnEntity(
        (decision as ConditionalPolicyDecision).conditions,
        entity,
      );
    expect(reads(clusterEntity('tenant', 'group:default/team-retail'))).toBe(
      true,
    );
    // team B (retail) cannot read team A's (factory) cluster; both read islands and management clusters
    expect(reads(clusterEntity('tenant', 'group:default/team-factory'))).toBe(
      false,
    );
    expect(reads(clusterEntity('island', 'group:default/platform-team'))).toBe(
      true,
    );
    expect(
      reads(clusterEntity('management', 'group:default/platform-team')),
    ).toBe(true);
    const component: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'press-line-vision' },
      relations: [{ type: 'ownedBy', targetRef: 'group:default/team-factory' }],
    };
    expect(reads(component)).toBe(true);
    for (const who of [platform, sre])
      await expect(
        policy.handle({ permission: catalogEntityReadPermission }, who),
      ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('gives the Kubernetes plugin reads to users, and its proxy to members of a group only', async () => {
    for (const permission of [
      kubernetesClustersReadPermission,
      kubernetesResourcesReadPermission,
      kubernetesProxyPermission,
    ])
      await expect(policy.handle({ permission }, appTeam)).resolves.toEqual({
        result: AuthorizeResult.ALLOW,
      });
    const loner = userWith(['user:default/newcomer']);
    await expect(
      policy.handle({ permission: kubernetesProxyPermission }, loner),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
    await expect(
      policy.handle({ permission: kubernetesResourcesReadPermission }, loner),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });

  const ownedByAlice = {
    rule: 'IS_OWNED_BY',
    resourceType: 'kamaji-cluster',
    params: {
      ownershipEntityRefs: ['user:default/alice', 'group:default/team-retail'],
    },
  };

  it('gives application teams upgrade and scale on the clusters they own', async () => {
    for (const permission of [
      kamajiClusterUpgradePermission,
      kamajiClusterScalePermission,
    ]) {
      const decision = await policy.handle({ permission }, appTeam);
      expect(decision).toEqual({
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'kamaji',
        resourceType: 'kamaji-cluster',
        conditions: ownedByAlice,
      });
      expect(allowedClusters(decision)).toEqual(['own tenant']);
    }
  });

  it('lets application teams read the clusters they own, every island (to place a first tenant) and management cluster', async () => {
    const decision = await policy.handle(
      { permission: kamajiClusterReadPermission },
      appTeam,
    );
    expect(decision).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'kamaji',
      resourceType: 'kamaji-cluster',
      conditions: {
        anyOf: [
          ownedByAlice,
          {
            rule: 'HAS_ROLE',
            resourceType: 'kamaji-cluster',
            params: { role: 'island' },
          },
          {
            rule: 'HAS_ROLE',
            resourceType: 'kamaji-cluster',
            params: { role: 'management' },
          },
        ],
      },
    });
    expect(allowedClusters(decision)).toEqual([
      'own tenant',
      'island',
      'management cluster',
    ]);
  });

  it('denies application teams deletes, the audit trail, other fleet permissions and catalog deletes', async () => {
    for (const permission of [
      kamajiClusterDeletePermission,
      kamajiAuditReadPermission,
      kamajiFleetUpgradePermission,
      catalogEntityDeletePermission,
    ]) {
      await expect(policy.handle({ permission }, appTeam)).resolves.toEqual({
        result: AuthorizeResult.DENY,
      });
    }
    await expect(
      policy.handle(
        {
          permission: {
            type: 'basic',
            name: 'kamaji.something.new',
            attributes: {},
          },
        },
        appTeam,
      ),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
  });

  it("keeps scaffolder tasks to the user who started them: their parameters name another team's clusters", async () => {
    for (const permission of [taskReadPermission, taskCancelPermission]) {
      await expect(policy.handle({ permission }, appTeam)).resolves.toEqual({
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'scaffolder',
        resourceType: 'scaffolder-task',
        conditions: {
          rule: 'IS_TASK_OWNER',
          resourceType: 'scaffolder-task',
          params: { createdBy: ['user:default/alice'] },
        },
      });
      await expect(policy.handle({ permission }, platform)).resolves.toEqual({
        result: AuthorizeResult.ALLOW,
      });
    }
    await expect(
      policy.handle({ permission: taskCreatePermission }, appTeam),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('lets anyone signed in start creating clusters (the scaffolder checks the owner)', async () => {
    await expect(
      policy.handle({ permission: kamajiClusterCreatePermission }, appTeam),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('gives fleet reader groups the whole fleet to read, and nothing more', async () => {
    await expect(
      policy.handle({ permission: kamajiClusterReadPermission }, sre),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
    await expect(
      policy.handle({ permission: kamajiClusterUpgradePermission }, sre),
    ).resolves.toMatchObject({ result: AuthorizeResult.CONDITIONAL });
    await expect(
      policy.handle({ permission: kamajiClusterDeletePermission }, sre),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
  });

  it('works without fleet reader groups configured', async () => {
    const minimal = KamajiPermissionPolicy.fromConfig(
      new ConfigReader({
        permissionPolicy: { platformGroups: ['group:default/platform-team'] },
      }),
    );
    await expect(
      minimal.handle({ permission: kamajiClusterReadPermission }, sre),
    ).resolves.toMatchObject({ result: AuthorizeResult.CONDITIONAL });
  });

  it('denies requests without a user', async () => {
    for (const permission of [
      catalogEntityReadPermission,
      kamajiClusterReadPermission,
      kamajiClusterCreatePermission,
    ]) {
      await expect(policy.handle({ permission })).resolves.toEqual({
        result: AuthorizeResult.DENY,
      });
    }
  });
});
