/**
 * The compact form of tenants in which `GET /v1/fleet/snapshot` sends the whole fleet
 * (`CompactTenantNode` in openapi.yaml): a tenant without what a client restores from the rest
 * of it, and without its random Kubernetes identifiers. The backend writes it with
 * {@link compactTenant}; clients read it with {@link expandFleetSnapshot}.
 * `expandTenant(compactTenant(tenant))` equals `tenant` without those identifiers.
 */
import { clusterId, externalTenantControlPlaneName } from './ids';
import type { ReplicaCounts, TenantNode } from './model';
import type { CompactTenantNode } from './schema/openapi/generated/models';

/**
 * Fields a part of a tenant may leave out because the rest of the tenant gives them, with the
 * values it gives.
 */
type SharedFields = Record<string, string | undefined>;

type Part = Record<string, unknown>;

const NO_WORKERS: ReplicaCounts = {
  desired: 0,
  current: 0,
  ready: 0,
  available: 0,
  upToDate: 0,
};

/**
 * A value the compact form leaves out: compared as JSON (an object in another key order is sent
 * as it is), restored as a fresh value.
 */
interface Default {
  key: string;
  json: string;
  make: () => unknown;
}

function defaultsOf(makers: Record<string, () => unknown>): Default[] {
  return Object.entries(makers).map(([key, make]) => ({
    key,
    make,
    json: JSON.stringify(make()),
  }));
}

const TENANT_DEFAULTS = defaultsOf({
  role: () => 'tenant',
  managed: () => true,
  staleness: () => ({ stale: false }),
  workers: () => ({ ...NO_WORKERS }),
  workerPools: () => [],
  addons: () => [],
  conditions: () => [],
});
const HEALTH_DEFAULTS = defaultsOf({ reasons: () => [] });
const VERSIONS_DEFAULTS = defaultsOf({
  workers: () => [],
  skew: () => false,
});

function withoutDefaults(whole: object, defaults: Default[]): Part {
  const compact: Part = { ...whole };
  for (const { key, json } of defaults) {
    if (JSON.stringify(compact[key]) === json) delete compact[key];
  }
  return compact;
}

function withDefaults(compact: object, defaults: Default[]): Part {
  const whole: Part = { ...compact };
  for (const { key, make } of defaults) {
    if (whole[key] === undefined) whole[key] = make();
  }
  return whole;
}

/** The tenant's fields its control planes may repeat (alike in both forms of a tenant). */
type SharedSource = Pick<
  TenantNode,
  'name' | 'namespace' | 'islandId' | 'endpoint'
> & {
  versions: Pick<TenantNode['versions'], 'declared' | 'running'>;
  controlPlane: object;
};

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

/**
 * Leaves out the KamajiControlPlane's uid and the name Kamaji derives from it for the
 * TenantControlPlane of an externally referenced one: random, so incompressible, they were over
 * half of the gzipped snapshot, and the fleet views do not show them.
 */
function leaveOutRandomIdentifiers(controlPlane: Part, tenant: TenantNode) {
  const uid = tenant.controlPlane.kamajiControlPlane?.uid;
  const kamajiControlPlane = controlPlane.kamajiControlPlane as
    | Part
    | undefined;
  const tenantControlPlane = controlPlane.tenantControlPlane as
    | Part
    | undefined;
  delete kamajiControlPlane?.uid;
  if (uid && tenantControlPlane?.name === externalTenantControlPlaneName(uid))
    delete tenantControlPlane.name;
}

/** A copy of each control-plane object of `tenant`, passed to `map` with the fields it shares. */
function mapControlPlanes(
  tenant: SharedSource,
  map: (part: Part, shared: SharedFields) => void,
): Part {
  const mapped: Part = {};
  for (const [kind, sharedWith] of Object.entries(SHARED_BY_CONTROL_PLANE)) {
    const part = (tenant.controlPlane as Part)[kind] as Part | undefined;
    if (!part) continue;
    const copy = { ...part };
    map(copy, sharedWith(tenant));
    mapped[kind] = copy;
  }
  return mapped;
}

/** Leaves out of `part` what equals the shared value; `null` where only the shared value is set. */
function leaveOutShared(part: Part, shared: SharedFields): void {
  for (const [key, value] of Object.entries(shared)) {
    if (value === undefined) continue;
    if (part[key] === value) delete part[key];
    else if (part[key] === undefined) part[key] = null;
  }
}

/** Gives `part` back what {@link leaveOutShared} left out of it. */
function restoreShared(part: Part, shared: SharedFields): void {
  for (const [key, value] of Object.entries(shared)) {
    if (part[key] === null) delete part[key];
    else if (part[key] === undefined && value !== undefined) part[key] = value;
  }
}

/** A declared tenant's id is made of its management cluster, namespace and name. */
function sharedId(
  tenant: Pick<TenantNode, 'managementCluster' | 'namespace' | 'name'>,
): SharedFields {
  const { managementCluster, namespace, name } = tenant;
  return {
    id:
      namespace === undefined
        ? undefined
        : clusterId({ managementCluster, namespace, name }),
  };
}

/**
 * A tenant in the form the whole-fleet snapshot sends it: without what the rest of it gives, and
 * without the KamajiControlPlane's uid and the TenantControlPlane name Kamaji derives from it.
 *
 * @public
 */
export function compactTenant(tenant: TenantNode): CompactTenantNode {
  const compact = withoutDefaults(tenant, TENANT_DEFAULTS);
  compact.health = withoutDefaults(tenant.health, HEALTH_DEFAULTS);
  compact.versions = withoutDefaults(tenant.versions, VERSIONS_DEFAULTS);
  compact.controlPlane = mapControlPlanes(tenant, leaveOutShared);
  leaveOutRandomIdentifiers(compact.controlPlane as Part, tenant);
  leaveOutShared(compact, sharedId(tenant));
  return compact as unknown as CompactTenantNode;
}

/**
 * A tenant of the whole-fleet snapshot, whole again but for its random identifiers (see
 * {@link compactTenant}).
 *
 * @public
 */
export function expandTenant(compact: CompactTenantNode): TenantNode {
  const whole = withDefaults(compact, TENANT_DEFAULTS);
  restoreShared(whole, sharedId(compact));
  whole.health = withDefaults(compact.health, HEALTH_DEFAULTS);
  whole.versions = withDefaults(compact.versions, VERSIONS_DEFAULTS);
  whole.controlPlane = mapControlPlanes(compact, restoreShared);
  return whole as unknown as TenantNode;
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
