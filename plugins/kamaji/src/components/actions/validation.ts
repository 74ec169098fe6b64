import {
  checkKubernetesUpgrade,
  MAX_SCALE_REPLICAS,
} from '@kamaji-backstage/plugin-kamaji-common';

/**
 * Why a target version cannot be sent for a cluster now declaring `current`, in the words the
 * backend would use (same rules, from kamaji-common); undefined when it can be sent. The
 * installation's version ceiling is only known to the backend, which says so if it applies.
 */
export function upgradeVersionError(
  current: string | undefined,
  input: string,
): string | undefined {
  const requested = input.trim();
  if (!requested) return 'version is required: enter a release such as v1.35.0';
  const check = checkKubernetesUpgrade(current, requested);
  if (check.kind === 'invalid') return check.message;
  if (check.kind === 'same') {
    return `version ${check.target.text} is already the declared version: choose a later release`;
  }
  return undefined;
}

/** The replica count typed for a pool, when it is a whole number. */
export function parseReplicas(input: string): number | undefined {
  const text = input.trim();
  return /^\d{1,7}$/.test(text) ? Number(text) : undefined;
}

/**
 * Why a replica count cannot be sent for a pool now wanting `current` replicas; undefined
 * when it can. The installation's own maximum (100 by default) is checked by the backend.
 */
export function replicasError(
  input: string,
  current: number,
): string | undefined {
  const replicas = parseReplicas(input);
  if (replicas === undefined || replicas > MAX_SCALE_REPLICAS) {
    return `replicas must be a whole number from 0 to ${MAX_SCALE_REPLICAS}`;
  }
  if (replicas === current) {
    return `replicas is already ${current}: choose another count`;
  }
  return undefined;
}
