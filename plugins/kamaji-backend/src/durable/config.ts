import { Config, readDurationFromConfig } from '@backstage/config';
import { humanToMs } from '../fleet/config';

/** Settings of the durable fleet state and the uplink history. */
export interface DurableStateConfig {
  /** Changes are written behind, at most this often (one batch per interval). */
  writeIntervalMs: number;
  /** How often a connected cluster's "last seen" time is refreshed in the database. */
  lastSeenIntervalMs: number;
  /** Uplink transitions older than this are pruned (the last one before stays). */
  retentionDays: number;
}

export const DEFAULT_DURABLE_STATE: DurableStateConfig = {
  writeIntervalMs: 2_000,
  lastSeenIntervalMs: 60_000,
  retentionDays: 30,
};

/** Write-behind interval in replica mode: followers read what holders write. */
export const REPLICA_WRITE_INTERVAL_MS = 500;

function duration(
  config: Config | undefined,
  key: string,
  path: string,
  min: number,
  max: number,
): number | undefined {
  if (config?.getOptional(key) === undefined) return undefined;
  let ms: number;
  try {
    ms = humanToMs(readDurationFromConfig(config, { key }) as any);
  } catch {
    throw new Error(
      `${path}.${key}: not a duration (e.g. "2s", "1m", { seconds: 2 })`,
    );
  }
  if (!(ms >= min && ms <= max)) {
    throw new Error(
      `${path}.${key}: must be between ${min} ms and ${max} ms, got ${ms} ms`,
    );
  }
  return ms;
}

/** Reads `kamaji.fleet.durableState` and `kamaji.fleet.uplinkHistory`; errors name the key. */
export function readDurableStateConfig(config: Config): DurableStateConfig {
  const state = config.getOptionalConfig('kamaji.fleet.durableState');
  const history = config.getOptionalConfig('kamaji.fleet.uplinkHistory');
  const path = 'kamaji.fleet.durableState';
  const retentionDays =
    history?.getOptionalNumber('retentionDays') ??
    DEFAULT_DURABLE_STATE.retentionDays;
  if (!(retentionDays >= 1 && retentionDays <= 3650)) {
    throw new Error(
      `kamaji.fleet.uplinkHistory.retentionDays: must be from 1 to 3650, got ${retentionDays}`,
    );
  }
  const replicas = config.getOptionalBoolean('kamaji.fleet.replicas.enabled');
  return {
    writeIntervalMs:
      duration(state, 'writeInterval', path, 100, 600_000) ??
      (replicas
        ? REPLICA_WRITE_INTERVAL_MS
        : DEFAULT_DURABLE_STATE.writeIntervalMs),
    lastSeenIntervalMs:
      duration(state, 'lastSeenInterval', path, 1_000, 3_600_000) ??
      DEFAULT_DURABLE_STATE.lastSeenIntervalMs,
    retentionDays,
  };
}
