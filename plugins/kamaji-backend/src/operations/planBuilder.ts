import {
  checkKubernetesUpgrade,
  DEFAULT_KUBERNETES_VERSION_RANGE,
  FleetSnapshot,
  IslandNode,
  KubernetesVersionRange,
  labelsMatchSelector,
  parseKubeVersion,
  TenantNode,
  UpgradePlanRequest,
  UpgradeStep,
  UpgradeWave,
  VersionCeiling,
} from '@kamaji-backstage/plugin-kamaji-common';
import { compileFilters } from '../api/fleetQuery';

export interface PlanRules {
  ceiling: VersionCeiling;
  range?: KubernetesVersionRange;
  /** The caller's visibility: clusters it may not see are not selected at all. */
  visible?: (tenant: TenantNode) => boolean;
}

export interface BuiltPlan {
  waves: UpgradeWave[];
  steps: UpgradeStep[];
}

/** Why a tenant cannot be upgraded to the target, in words; undefined when it can. */
function refusal(
  tenant: TenantNode,
  version: string,
  rules: PlanRules,
): string | undefined {
  if (!tenant.managed || !tenant.namespace) {
    return 'not a declared tenant (no CAPI Cluster with a KamajiControlPlane): upgrade it on its island';
  }
  if (tenant.phase === 'Deleting') return 'being deleted';
  if (tenant.controlPlane?.tenantControlPlane?.status === 'Upgrading') {
    return 'in the middle of an upgrade (TenantControlPlane Upgrading): plan it once it is Ready';
  }
  const current = tenant.versions?.declared ?? tenant.versions?.running;
  const check = checkKubernetesUpgrade(current, version, rules.ceiling);
  if (check.kind === 'invalid') return check.message;
  if (check.kind === 'same') return `already at the target ${version}`;
  const range = rules.range ?? DEFAULT_KUBERNETES_VERSION_RANGE;
  if (check.target.minor < range.minMinor) {
    return `version ${version} is outside the supported range v1.${range.minMinor} to v1.${range.maxMinor}`;
  }
  return undefined;
}

function isDisconnected(
  tenant: TenantNode,
  islands: Map<string, IslandNode>,
): boolean {
  const island = tenant.islandId ? islands.get(tenant.islandId) : undefined;
  return island?.connection.status === 'disconnected';
}

function groupKey(tenant: TenantNode, groupBy: 'island' | 'site'): string {
  if (groupBy === 'site') return tenant.site ?? '(no site)';
  return tenant.islandId ?? `${tenant.managementCluster} (management cluster)`;
}

function defaultWaves(
  eligible: TenantNode[],
  request: UpgradePlanRequest,
): UpgradeWave[] {
  const canary = Math.min(request.waves?.canary ?? 1, eligible.length);
  const waves: UpgradeWave[] = [];
  if (canary > 0) {
    waves.push({
      index: 0,
      name: 'canary',
      clusterIds: eligible.slice(0, canary).map(t => t.id),
    });
  }
  const groups = new Map<string, string[]>();
  const groupBy = request.waves?.groupBy ?? 'island';
  for (const tenant of eligible.slice(canary)) {
    const key = groupKey(tenant, groupBy);
    const ids = groups.get(key) ?? [];
    ids.push(tenant.id);
    groups.set(key, ids);
  }
  for (const key of [...groups.keys()].sort()) {
    waves.push({
      index: waves.length,
      name: key,
      clusterIds: groups.get(key)!,
    });
  }
  return waves;
}

function explicitWaves(
  explicit: string[][],
  eligible: TenantNode[],
): { waves: UpgradeWave[]; unplaced: string[] } {
  const eligibleIds = new Set(eligible.map(t => t.id));
  const placed = new Set<string>();
  const waves: UpgradeWave[] = [];
  for (const ids of explicit) {
    const clusterIds = ids.filter(id => eligibleIds.has(id) && !placed.has(id));
    clusterIds.forEach(id => placed.add(id));
    if (clusterIds.length > 0) {
      waves.push({
        index: waves.length,
        name: `wave ${waves.length + 1}`,
        clusterIds,
      });
    }
  }
  return { waves, unplaced: [...eligibleIds].filter(id => !placed.has(id)) };
}

/** The tenants the selection picks that the caller may see, in id order. */
function selectedTenants(
  snapshot: Pick<FleetSnapshot, 'tenants'>,
  request: UpgradePlanRequest,
  rules: PlanRules,
): TenantNode[] {
  const { labelSelector, ...filters } = request.selection ?? {};
  const selected = compileFilters(filters);
  return [...snapshot.tenants]
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .filter(
      tenant =>
        selected(tenant) &&
        (!rules.visible || rules.visible(tenant)) &&
        (!labelSelector ||
          labelsMatchSelector(tenant.labels ?? {}, labelSelector)),
    );
}

/** A selected tenant's step before waves are placed: pending, or refused with the reason. */
function firstStep(
  tenant: TenantNode,
  request: UpgradePlanRequest,
  rules: PlanRules,
  islands: Map<string, IslandNode>,
): UpgradeStep {
  const fromVersion = tenant.versions?.declared ?? tenant.versions?.running;
  const disconnected = isDisconnected(tenant, islands);
  let reason = refusal(tenant, request.version, rules);
  if (!reason && disconnected && request.whenDisconnected === 'skip') {
    reason = `island ${tenant.islandId} is disconnected now (the plan skips clusters on disconnected islands)`;
  }
  if (reason) {
    return {
      clusterId: tenant.id,
      wave: -1,
      state: 'refused',
      fromVersion,
      message: reason,
    };
  }
  return {
    clusterId: tenant.id,
    wave: -1,
    state: 'pending',
    fromVersion,
    message: disconnected
      ? `island ${tenant.islandId} is disconnected now: the cluster will wait for the uplink`
      : undefined,
  };
}

/**
 * The waves of the eligible tenants (explicit ones as given, else the default grouping); a
 * step of a tenant in none of the explicit waves is refused.
 */
function placeInWaves(
  request: UpgradePlanRequest,
  eligible: TenantNode[],
  steps: UpgradeStep[],
): UpgradeWave[] {
  if (!request.waves?.explicit) return defaultWaves(eligible, request);
  const built = explicitWaves(request.waves.explicit, eligible);
  const unplaced = new Set(built.unplaced);
  for (const step of steps) {
    if (unplaced.has(step.clusterId)) {
      step.state = 'refused';
      step.message = 'selected, but in none of the explicit waves';
    }
  }
  return built.waves;
}

/**
 * Builds a plan from the fleet as it is now: the tenants the selection picks, each either in a
 * wave or refused with its reason. Pure and synchronous (no requests).
 */
export function buildUpgradePlan(
  snapshot: Pick<FleetSnapshot, 'tenants' | 'islands'>,
  request: UpgradePlanRequest,
  rules: PlanRules,
): BuiltPlan {
  const islands = new Map(snapshot.islands.map(i => [i.id, i]));
  const steps: UpgradeStep[] = [];
  const eligible: TenantNode[] = [];
  for (const tenant of selectedTenants(snapshot, request, rules)) {
    const step = firstStep(tenant, request, rules, islands);
    steps.push(step);
    if (step.state === 'pending') eligible.push(tenant);
  }
  const waves = placeInWaves(request, eligible, steps);
  const waveOf = new Map<string, number>();
  for (const wave of waves)
    for (const id of wave.clusterIds) waveOf.set(id, wave.index);
  for (const step of steps) step.wave = waveOf.get(step.clusterId) ?? -1;
  return { waves, steps };
}

/** The target as `vMAJOR.MINOR.PATCH`, for comparisons with what clusters report. */
export function targetVersion(version: string): string | undefined {
  return parseKubeVersion(version)?.text;
}
