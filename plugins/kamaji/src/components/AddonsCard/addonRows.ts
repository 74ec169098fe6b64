import type {
  AddonAttachment,
  AddonSet,
  AddonSetKind,
  FleetCluster,
  HealthStatus,
} from '@kamaji-backstage/plugin-kamaji-common';

/** One addon set reaching a cluster, as the card lists it. */
export interface AddonRow {
  id: string;
  kind: AddonSetKind;
  name: string;
  namespace?: string;
  /** Delivery to this cluster where the addon controller reports it, else the set's health. */
  status: HealthStatus;
  statusText: string;
  message?: string;
  contents: string[];
}

const DELIVERY: Record<
  NonNullable<AddonAttachment['status']>,
  { status: HealthStatus; text: string }
> = {
  applied: { status: 'healthy', text: 'Applied' },
  progressing: { status: 'progressing', text: 'Progressing' },
  failed: { status: 'unhealthy', text: 'Failed' },
  unknown: { status: 'unknown', text: 'Unknown' },
};

const SET_HEALTH_TEXT: Record<HealthStatus, string> = {
  healthy: 'Set healthy',
  progressing: 'Set progressing',
  degraded: 'Set degraded',
  unhealthy: 'Set unhealthy',
  unknown: 'Not reported',
};

/**
 * The addon sets reaching a cluster: those whose selector matches it (`matchingClusterIds`)
 * and those the cluster's own attachments name, merged by set id, sorted by kind then name.
 */
export function addonRows(cluster: FleetCluster, sets: AddonSet[]): AddonRow[] {
  const attachments = new Map<string, AddonAttachment>();
  if (cluster.role === 'tenant') {
    for (const a of cluster.addons) attachments.set(a.addonSetId, a);
  }
  const rows = new Map<string, AddonRow>();
  for (const set of sets) {
    if (
      !set.matchingClusterIds.includes(cluster.id) &&
      !attachments.has(set.id)
    ) {
      continue;
    }
    const a = attachments.get(set.id);
    const delivery = a?.status ? DELIVERY[a.status] : undefined;
    rows.set(set.id, {
      id: set.id,
      kind: set.kind,
      name: set.name,
      namespace: set.namespace,
      status: delivery?.status ?? set.health.status,
      statusText: delivery?.text ?? SET_HEALTH_TEXT[set.health.status],
      // The set's reasons speak of the set (often of other clusters): only when no delivery
      // status for this cluster is known are they the best word on it.
      message: delivery ? a?.message : a?.message ?? set.health.reasons[0],
      contents: set.contents,
    });
  }
  for (const a of attachments.values()) {
    if (rows.has(a.addonSetId)) continue;
    const delivery = a.status ? DELIVERY[a.status] : undefined;
    rows.set(a.addonSetId, {
      id: a.addonSetId,
      kind: a.kind,
      name: a.name,
      status: delivery?.status ?? 'unknown',
      statusText: delivery?.text ?? 'Not reported',
      message: a.message,
      contents: [],
    });
  }
  return [...rows.values()].sort(
    (x, y) => x.kind.localeCompare(y.kind) || x.name.localeCompare(y.name),
  );
}
