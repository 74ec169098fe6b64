/**
 * Upgrade rules for tenant control planes, shared by the backend's upgrade action and the
 * frontend's upgrade dialog so both refuse the same requests with the same words.
 */

/**
 * A Kubernetes version as CAPI and Kamaji write it: semver with a leading `v`
 * (`v1.34.2`, `v1.35.0-rc.1`).
 *
 * @public
 */
export interface KubeVersion {
  major: number;
  minor: number;
  patch: number;
  prerelease: string[];
  text: string;
}

const SEMVER =
  /^v(0|[1-9]\d{0,3})\.(0|[1-9]\d{0,3})\.(0|[1-9]\d{0,3})(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/**
 * Parses `vMAJOR.MINOR.PATCH[-pre][+build]`; `lenient` also accepts a missing `v` (KCP allows it).
 *
 * @public
 */
export function parseKubeVersion(
  text: string | undefined,
  options: { lenient?: boolean } = {},
): KubeVersion | undefined {
  if (typeof text !== 'string' || text.length > 64) return undefined;
  const candidate = options.lenient && /^\d/.test(text) ? `v${text}` : text;
  const m = SEMVER.exec(candidate);
  if (!m) return undefined;
  return {
    major: Number(m[1]),
    minor: Number(m[2]),
    patch: Number(m[3]),
    prerelease: m[4] ? m[4].split('.') : [],
    text: candidate,
  };
}

/**
 * Semver precedence (build metadata ignored).
 *
 * @public
 */
export function compareKubeVersions(a: KubeVersion, b: KubeVersion): number {
  for (const k of ['major', 'minor', 'patch'] as const) {
    if (a[k] !== b[k]) return a[k] < b[k] ? -1 : 1;
  }
  if (a.prerelease.length === 0 || b.prerelease.length === 0) {
    return Math.sign(b.prerelease.length - a.prerelease.length);
  }
  for (let i = 0; i < Math.max(a.prerelease.length, b.prerelease.length); i++) {
    const x = a.prerelease[i];
    const y = b.prerelease[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    const xn = /^\d+$/.test(x);
    const yn = /^\d+$/.test(y);
    if (xn && yn) return Number(x) < Number(y) ? -1 : 1;
    if (xn) return -1;
    if (yn) return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

/**
 * The highest minor release an installation supports, e.g. `v1.36`.
 *
 * @public
 */
export interface VersionCeiling {
  major: number;
  minor: number;
  text: string;
}

/**
 * The answer of {@link checkKubernetesUpgrade}.
 *
 * @public
 */
export type KubernetesUpgradeCheck =
  | { kind: 'ok'; target: KubeVersion }
  | { kind: 'same'; target: KubeVersion }
  | { kind: 'invalid'; message: string };

/**
 * Whether the control plane may go from `current` to `requested`: semver (a missing `v` is added), not above the
 * ceiling (when one is given), no downgrade, at most one minor release up. Messages name the
 * field and the fix.
 *
 * @public
 */
export function checkKubernetesUpgrade(
  current: string | undefined,
  requested: string,
  ceiling?: VersionCeiling,
): KubernetesUpgradeCheck {
  // Without its leading v (`1.35.0`) the version is read with it; the caller notes it.
  const target = parseKubeVersion(requested, { lenient: true });
  if (!target) {
    return {
      kind: 'invalid',
      message: `version must be a Kubernetes version in semver form, e.g. "v1.34.2" (got ${JSON.stringify(
        requested.slice(0, 64),
      )})`,
    };
  }
  if (ceiling && target.major < ceiling.major) {
    return {
      kind: 'invalid',
      message: `version ${target.text} is not a v${ceiling.major} release: choose a v${ceiling.major}.x release up to ${ceiling.text}.x`,
    };
  }
  if (
    ceiling &&
    (target.major > ceiling.major || target.minor > ceiling.minor)
  ) {
    return {
      kind: 'invalid',
      message: `version ${target.text} is above the supported ceiling ${ceiling.text}: choose a ${ceiling.text}.x release or lower`,
    };
  }
  const from = parseKubeVersion(current, { lenient: true });
  if (!from) {
    // Nothing to compare with (the KCP has no readable version): only the ceiling applies.
    return { kind: 'ok', target };
  }
  const cmp = compareKubeVersions(target, from);
  if (cmp === 0) return { kind: 'same', target };
  if (cmp < 0) {
    return {
      kind: 'invalid',
      message: `version ${target.text} is lower than the current ${
        from.text
      }: downgrades are not supported; choose ${from.text} or a later v${
        from.major
      }.${from.minor}.x or v${from.major}.${from.minor + 1}.x release`,
    };
  }
  if (target.major !== from.major || target.minor > from.minor + 1) {
    return {
      kind: 'invalid',
      message: `version ${target.text} skips a minor release (current ${
        from.text
      }): upgrade one minor release at a time, to a v${from.major}.${
        from.minor + 1
      }.x release first`,
    };
  }
  return { kind: 'ok', target };
}
