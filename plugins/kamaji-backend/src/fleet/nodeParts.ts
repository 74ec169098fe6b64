import {
  ClusterId,
  Health,
  KAMAJI_LABELS,
  Staleness,
} from '@kamaji-backstage/plugin-kamaji-common';
import { staleHealth, staleReason, worstHealth } from './health';
import type { IslandView } from './modelBuilder';

/** Why a node's data is stale, and since when: set only while it is stale. */
export interface StaleMark {
  staleness: Staleness;
  reason: string;
}

/** The fields a node takes from the object it stands for (a Cluster, or an unmanaged TCP). */
export function objectFields(
  node: { id: ClusterId; managementCluster: string; owner?: string },
  object: {
    name: string;
    namespace: string;
    labels: Record<string, string>;
    createdAt?: string;
  },
) {
  return {
    id: node.id,
    name: object.name,
    namespace: object.namespace,
    managementCluster: node.managementCluster,
    owner: node.owner,
    site: object.labels[KAMAJI_LABELS.site],
    labels: object.labels,
    createdAt: object.createdAt,
  };
}

/** Health that says the data it was computed from has problems. */
export function withDataProblems(health: Health, problems: string[]): Health {
  if (!problems.length) return health;
  return {
    status: worstHealth(health.status, 'unknown'),
    reasons: [...health.reasons, ...problems.map(p => `data problem: ${p}`)],
  };
}

/** A node's health and staleness: its last-known health marked stale while `stale` is set. */
export function withStaleness(
  health: Health,
  stale: { staleness?: Staleness; staleReason?: string },
): { health: Health; staleness: Staleness } {
  if (!stale.staleness || !stale.staleReason) {
    return { health, staleness: { stale: false } };
  }
  return {
    health: staleHealth(health, stale.staleReason),
    staleness: stale.staleness,
  };
}

/** An island's staleness and its reason, while it is stale. */
export function islandStaleness(
  island: IslandView | undefined,
): StaleMark | undefined {
  if (!island?.staleness.stale) return undefined;
  return {
    staleness: island.staleness,
    reason: staleReason(`island ${island.ref.name}`, island.connection),
  };
}
