/**
 * The compact form of tenants in which `GET /v1/fleet/snapshot` sends the whole fleet
 * (`CompactTenantNode` in openapi.yaml): a tenant without what a client restores from the rest
 * of it. The backend writes it with {@link compactTenant}; clients read it with
 * {@link expandFleetSnapshot}. `expandTenant(compactTenant(tenant))` equals `tenant`.
 */
import type { FleetResponse } from './fleetApi';
import type { ReplicaCounts, TenantNode } from './model';
import type {
  CompactTenantNode,
  FleetSnapshotResponse,
} from './schema/openapi/generated/models';

/** A control plane's fields that repeat a field of its tenant, with the tenant's values. */
type SharedFields = Record<string, string | undefined>;

type Part = Record<string, unknown>;

const NO_WORKERS: ReplicaCounts = {
  desired: 0,
  current: 0,
  ready: 0,
  available: 0,
  upToDate: 0,
};

const kamajiControlPlaneShares = (tenant: CompactTenantNode): SharedFields => ({
  name: tenant.name,
  namespace: tenant.namespace,
  version: tenant.versions.declared,
});

const tenantControlPlaneShares = (tenant: CompactTenantNode): SharedFields => ({
  hostedIn: tenant.islandId,
  version: tenant.versions.running,
  endpoint: tenant.endpoint,
});

/** Leaves out what equals the tenant's value; `null` where only the tenant has a value. */
function withoutShared<Compact>(part: object, shared: SharedFields): Compact {
  const compact: Part = { ...part };
  for (const [key, value] of Object.entries(shared)) {
    if (value === undefined) continue;
    if (compact[key] === value) delete compact[key];
    else if (compact[key] === undefined) compact[key] = null;
  }
  return compact as Compact;
}

function withShared<Whole>(part: object, shared: SharedFields): Whole {
  const whole: Part = { ...part };
  for (const [key, value] of Object.entries(shared)) {
    if (whole[key] === null) delete whole[key];
    else if (whole[key] === undefined && value !== undefined)
      whole[key] = value;
  }
  return whole as Whole;
}

function hasNoWorkers(workers: ReplicaCounts): boolean {
  const counts = Object.entries(workers);
  return (
    counts.length === Object.keys(NO_WORKERS).length &&
    counts.every(([key, count]) => key in NO_WORKERS && count === 0)
  );
}

const isNotStale = (staleness: TenantNode['staleness']) =>
  staleness.stale === false && Object.keys(staleness).length === 1;

/**
 * A tenant in the form the whole-fleet snapshot sends it.
 *
 * @public
 */
export function compactTenant(tenant: TenantNode): CompactTenantNode {
  const { staleness, workers, workerPools, addons, conditions, ...rest } =
    tenant;
  const { kamajiControlPlane, tenantControlPlane } = tenant.controlPlane;
  const compact: CompactTenantNode = { ...rest, controlPlane: {} };
  if (kamajiControlPlane) {
    compact.controlPlane.kamajiControlPlane = withoutShared(
      kamajiControlPlane,
      kamajiControlPlaneShares(tenant),
    );
  }
  if (tenantControlPlane) {
    compact.controlPlane.tenantControlPlane = withoutShared(
      tenantControlPlane,
      tenantControlPlaneShares(tenant),
    );
  }
  if (!isNotStale(staleness)) compact.staleness = staleness;
  if (!hasNoWorkers(workers)) compact.workers = workers;
  if (workerPools.length) compact.workerPools = workerPools;
  if (addons.length) compact.addons = addons;
  if (conditions.length) compact.conditions = conditions;
  return compact;
}

/**
 * A tenant of the whole-fleet snapshot, whole again.
 *
 * @public
 */
export function expandTenant(compact: CompactTenantNode): TenantNode {
  const { staleness, workers, workerPools, addons, conditions, ...rest } =
    compact;
  const { kamajiControlPlane, tenantControlPlane } = compact.controlPlane;
  const tenant: TenantNode = {
    ...rest,
    staleness: staleness ?? { stale: false },
    workers: workers ?? { ...NO_WORKERS },
    workerPools: workerPools ?? [],
    addons: addons ?? [],
    conditions: conditions ?? [],
    controlPlane: {},
  };
  if (kamajiControlPlane) {
    tenant.controlPlane.kamajiControlPlane = withShared(
      kamajiControlPlane,
      kamajiControlPlaneShares(compact),
    );
  }
  if (tenantControlPlane) {
    tenant.controlPlane.tenantControlPlane = withShared(
      tenantControlPlane,
      tenantControlPlaneShares(compact),
    );
  }
  return tenant;
}

/**
 * A fleet response in the form of `GET /v1/fleet/snapshot`.
 *
 * @public
 */
export function compactFleetResponse(
  response: FleetResponse,
): FleetSnapshotResponse {
  return { ...response, tenants: response.tenants.map(compactTenant) };
}

/**
 * The body of `GET /v1/fleet/snapshot` with every tenant whole again.
 *
 * @public
 */
export function expandFleetSnapshot(
  snapshot: FleetSnapshotResponse,
): FleetResponse {
  return { ...snapshot, tenants: snapshot.tenants.map(expandTenant) };
}
