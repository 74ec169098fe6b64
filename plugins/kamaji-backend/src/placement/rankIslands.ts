import {
  countOf,
  IslandNode,
  IslandPlacement,
  formatSeconds,
  ISLAND_CAPACITY_LABEL,
  parseKubeVersion,
  PlacementAdvice,
  recordedShare,
  coversWindow,
  UplinkFigures,
} from '@kamaji-backstage/plugin-kamaji-common';

/** What the ranking weighs, besides the islands themselves. */
export interface PlacementInput {
  site?: string;
  /** The Kubernetes version the new tenant will run. */
  version?: string;
  /** Capacity of islands without the capacity label (`kamaji.placement.islandCapacity`). */
  defaultCapacity?: number;
  /** Uplink figures by island id; an island without figures has no history yet. */
  uplink: ReadonlyMap<string, UplinkFigures>;
}

/** Points out of 100 per criterion. */
const WEIGHT = { load: 35, dataStore: 10, uplink: 30, connection: 25 };
/** Without history an island's uplink counts half: neither rewarded nor punished. */
const UNKNOWN_UPLINK = 0.5;

function capacityOf(island: IslandNode, fallback?: number): number | undefined {
  const label = island.labels[ISLAND_CAPACITY_LABEL];
  const n = label !== undefined ? Number(label) : NaN;
  return Number.isInteger(n) && n >= 0 ? n : fallback;
}

const percent = (x: number) => `${Math.round(x * 1000) / 10}%`;

interface Judgement {
  /** 0..1 of the criterion's weight; undefined: the island is ruled out. */
  share?: number;
  reason: string;
}

function judgeLoad(tenants: number, capacity?: number): Judgement {
  if (capacity === undefined) {
    return {
      share: 1 / (1 + tenants / 10),
      reason: `hosts ${countOf(
        tenants,
        'tenant control plane',
      )} (no capacity configured)`,
    };
  }
  if (tenants >= capacity) {
    return {
      reason: `full: hosts ${tenants} of ${capacity} tenant control planes`,
    };
  }
  return {
    share: 1 - tenants / capacity,
    reason: `hosts ${tenants} of ${capacity} tenant control planes (${
      capacity - tenants
    } free)`,
  };
}

function judgeDataStores(island: IslandNode): Judgement {
  const usable = island.dataStores.filter(d => d.ready !== false);
  if (usable.length === 0) {
    return {
      reason:
        island.dataStores.length === 0
          ? 'has no data store for a control plane'
          : 'has no ready data store',
    };
  }
  const least = usable.reduce((a, b) =>
    b.usedBy.length < a.usedBy.length ? b : a,
  );
  return {
    share: 1 / (1 + least.usedBy.length / 10),
    reason: `least used data store ${least.name} (${
      least.driver
    }) serves ${countOf(least.usedBy.length, 'control plane')}`,
  };
}

/**
 * The uplink's availability, less a penalty per outage, as far as the window was recorded: the
 * unrecorded rest counts as having no history, so that an island added lately is judged on its
 * first minutes only as much as they are worth.
 */
function judgeUplink(figures?: UplinkFigures): Judgement {
  if (!figures) {
    return { share: UNKNOWN_UPLINK, reason: 'no uplink history yet' };
  }
  const recorded = recordedShare(figures);
  const penalty = Math.min(figures.outages, 10) / 20;
  const judged = Math.max(0, figures.availability - penalty);
  const span = coversWindow(figures)
    ? `the last ${figures.window}`
    : `the ${formatSeconds(figures.observedSeconds)} recorded in the last ${
        figures.window
      }`;
  return {
    share: recorded * judged + (1 - recorded) * UNKNOWN_UPLINK,
    reason: `uplink up ${percent(
      figures.availability,
    )} of ${span} with ${countOf(figures.outages, 'outage')}`,
  };
}

function judgeConnection(island: IslandNode): Judgement {
  switch (island.connection.status) {
    case 'connected':
      return { share: 1, reason: 'connected now' };
    case 'degraded':
      return {
        share: 0.3,
        reason: `degraded now${
          island.connection.lastError ? ` (${island.connection.lastError})` : ''
        }`,
      };
    default:
      return {
        reason: `disconnected since ${island.connection.since}: the control plane could not start`,
      };
  }
}

/**
 * A tenant control plane runs as pods on the island: the island's own Kubernetes may not lag
 * the tenant's by more than one minor release.
 */
function judgeVersion(island: IslandNode, version?: string): Judgement {
  const wanted = parseKubeVersion(version);
  const own = parseKubeVersion(island.kubernetesVersion, { lenient: true });
  if (!wanted) return { share: 1, reason: '' };
  if (!own) {
    return { share: 1, reason: `Kubernetes version of the island unknown` };
  }
  if (own.major === wanted.major && wanted.minor - own.minor > 1) {
    return {
      reason: `runs Kubernetes ${own.text}, more than one minor release behind ${wanted.text}`,
    };
  }
  return {
    share: 1,
    reason: `runs Kubernetes ${own.text}, fit for ${wanted.text}`,
  };
}

function place(island: IslandNode, input: PlacementInput): IslandPlacement {
  const tenants = island.tenantIds.length;
  const capacity = capacityOf(island, input.defaultCapacity);
  const uplink = input.uplink.get(island.id);
  const judged: Array<[number, Judgement]> = [
    [WEIGHT.connection, judgeConnection(island)],
    [WEIGHT.load, judgeLoad(tenants, capacity)],
    [WEIGHT.dataStore, judgeDataStores(island)],
    [WEIGHT.uplink, judgeUplink(uplink)],
    [0, judgeVersion(island, input.version)],
  ];
  const blockers = judged.filter(([, j]) => j.share === undefined);
  const eligible = blockers.length === 0;
  const score = eligible
    ? Math.round(judged.reduce((sum, [w, j]) => sum + w * j.share!, 0))
    : 0;
  const reasons = [
    ...blockers,
    ...judged.filter(([, j]) => j.share !== undefined),
  ]
    .map(([, j]) => j.reason)
    .filter(Boolean);
  return {
    islandId: island.id,
    name: island.name,
    managementCluster: island.managementCluster,
    site: island.site,
    rank: 0,
    score,
    eligible,
    reasons,
    load: {
      tenants,
      ...(capacity !== undefined ? { capacity } : {}),
      dataStores: island.dataStores.map(d => ({
        name: d.name,
        driver: d.driver,
        ...(d.ready !== undefined ? { ready: d.ready } : {}),
        tenants: d.usedBy.length,
      })),
    },
    connection: island.connection.status,
    ...(uplink ? { uplink } : {}),
    ...(island.kubernetesVersion
      ? { kubernetesVersion: island.kubernetesVersion }
      : {}),
  };
}

/**
 * Ranks the islands of a site as homes for a new tenant: eligible islands by score (load,
 * data store use, uplink stability, connection now), then the ineligible ones with what rules
 * them out first among their reasons. Only counts leave this function, never tenant names.
 */
export function rankIslands(
  islands: readonly IslandNode[],
  input: PlacementInput,
): PlacementAdvice {
  const ranked = islands
    .filter(i => input.site === undefined || i.site === input.site)
    .map(i => place(i, input))
    .sort(
      (a, b) =>
        Number(b.eligible) - Number(a.eligible) ||
        b.score - a.score ||
        a.name.localeCompare(b.name),
    )
    .map((p, i) => ({ ...p, rank: i + 1 }));
  const best = ranked.find(p => p.eligible);
  return {
    ...(input.site !== undefined ? { site: input.site } : {}),
    ...(input.version !== undefined ? { version: input.version } : {}),
    ...(best ? { recommended: best.islandId } : {}),
    islands: ranked,
  };
}
