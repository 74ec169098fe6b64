import type { VersionCeiling } from '@kamaji-backstage/plugin-kamaji-common';

/** Reads `kamaji.actions.maxKubernetesVersion` (`v1.36` or `1.36`). */
export function parseCeiling(text: string): VersionCeiling {
  const m = /^v?(\d+)\.(\d+)$/.exec(text.trim());
  if (!m) {
    throw new Error(
      `kamaji.actions.maxKubernetesVersion must look like v1.36, got ${JSON.stringify(
        text,
      )}`,
    );
  }
  return { major: Number(m[1]), minor: Number(m[2]), text: `v${m[1]}.${m[2]}` };
}
