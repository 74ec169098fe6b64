/**
 * The compact form of tenants in which `GET /v1/fleet/snapshot` sends the whole fleet
 * (`CompactTenantNode` in openapi.yaml): a tenant without what a client restores from the rest
 * of it. The backend writes it with {@link compactTenant}; clients read it with
 * {@link expandFleetSnapshot}. `expandTenant(compactTenant(tenant))` equals `tenant`.
 */
import type { ReplicaCounts, TenantNode } from './model';
import type { CompactTenantNode } from './schema/openapi/generated/models';

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

/** The tenant's fields its control planes may repeat (alike in both forms of a tenant). */
type SharedSource = Pick<
  TenantNode,
  'name' | 'namespace' | 'versions' | 'islandId' | 'endpoint'
>;

/** Per control-plane object of a tenant, the fields it shares with the tenant. */
const SHARED_BY_CONTROL_PLANE: Record<
  string,
  (tenant: SharedSource) => SharedFields
> = {
  kamajiControlPlane: tenant => ({
    name: tenant.name,
    namespace: tenant.namespace,
    version: tenant.versions.declared,
  }),
  tenantControlPlane: tenant => ({
    hostedIn: tenant.islandId,
    version: tenant.versions.running,
    endpoint: tenant.endpoint,
  }),
};

/** Each control-plane object of `tenant`, through `map` with the fields it shares. */
function mapControlPlanes(
  tenant: SharedSource & { controlPlane: object },
  map: (part: Part, shared: SharedFields) => Part,
): Part {
  const mapped: Part = {};
  for (const [kind, sharedWith] of Object.entries(SHARED_BY_CONTROL_PLANE)) {
    const part = (tenant.controlPlane as Part)[kind] as Part | undefined;
    if (part) mapped[kind] = map(part, sharedWith(tenant));
  }
  return mapped;
}

/** Leaves out what equals the tenant's value; `null` where only the tenant has a value. */
function withoutShared(part: Part, shared: SharedFields): Part {
  const compact: Part = { ...part };
  for (const [key, value] of Object.entries(shared)) {
    if (value === undefined) continue;
    if (compact[key] === value) delete compact[key];
    else if (compact[key] === undefined) compact[key] = null;
  }
  return compact;
}

function withShared(part: Part, shared: SharedFields): Part {
  const whole: Part = { ...part };
  for (const [key, value] of Object.entries(shared)) {
    if (whole[key] === null) delete whole[key];
    else if (whole[key] === undefined && value !== undefined)
      whole[key] = value;
  }
  return whole;
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
  const compact: CompactTenantNode = {
    ...rest,
    controlPlane: mapControlPlanes(tenant, withoutShared),
  };
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
  return {
    ...rest,
    staleness: staleness ?? { stale: false },
    workers: workers ?? { ...NO_WORKERS },
    workerPools: workerPools ?? [],
    addons: addons ?? [],
    conditions: conditions ?? [],
    controlPlane: mapControlPlanes(compact, withShared),
  };
}

/**
 * A fleet (a `FleetResponse`, a `FleetSnapshot`) with its tenants in the form of
 * `GET /v1/fleet/snapshot`.
 *
 * @public
 */
export function compactFleetResponse<Fleet extends { tenants: TenantNode[] }>(
  fleet: Fleet,
): Omit<Fleet, 'tenants'> & { tenants: CompactTenantNode[] } {
  return { ...fleet, tenants: fleet.tenants.map(compactTenant) };
}

/**
 * The body of `GET /v1/fleet/snapshot` (a `FleetSnapshotResponse`) with every tenant whole again:
 * a `FleetResponse`.
 *
 * @public
 */
export function expandFleetSnapshot<
  Snapshot extends { tenants: CompactTenantNode[] },
>(snapshot: Snapshot): Omit<Snapshot, 'tenants'> & { tenants: TenantNode[] } {
  return { ...snapshot, tenants: snapshot.tenants.map(expandTenant) };
}
