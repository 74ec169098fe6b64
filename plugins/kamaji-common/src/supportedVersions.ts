/**
 * The Kubernetes versions new clusters may be created with: `v1.MINOR.PATCH` within a range of
 * supported minors (config `kamaji.scaffolder.kubernetesVersions`). The scaffolder actions and the
 * template form's version picker check a version with the same rule and the same words.
 */

/**
 * A Kubernetes release version as new clusters are declared with it: `v1.MINOR.PATCH`.
 *
 * @public
 */
export interface KubernetesVersion {
  major: 1;
  minor: number;
  patch: number;
  text: string;
}

/**
 * The supported minor versions, inclusive.
 *
 * @public
 */
export interface KubernetesVersionRange {
  /** Oldest supported minor, e.g. 31 for v1.31. */
  minMinor: number;
  /** Newest supported minor, e.g. 36 for v1.36. */
  maxMinor: number;
}

/**
 * The range used when `kamaji.scaffolder.kubernetesVersions` is not configured: v1.31 to v1.36
 * (the ceiling of Kamaji 26.8.2-edge).
 *
 * @public
 */
export const DEFAULT_KUBERNETES_VERSION_RANGE: Readonly<KubernetesVersionRange> =
  Object.freeze({ minMinor: 31, maxMinor: 36 });

const RELEASE = /^v1\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,3})$/;
const MINOR = /^v?1\.(0|[1-9]\d{0,2})$/;

/**
 * Parses `v1.MINOR.PATCH` (no pre-releases); undefined for anything else.
 *
 * @public
 */
export function parseKubernetesVersion(
  text: string,
): KubernetesVersion | undefined {
  const m = RELEASE.exec(text);
  if (!m) return undefined;
  return { major: 1, minor: Number(m[1]), patch: Number(m[2]), text };
}

/**
 * Parses a minor version bound as configured (`v1.31` or `1.31`) into its minor number.
 *
 * @public
 */
export function parseMinorVersion(text: string): number | undefined {
  const m = MINOR.exec(text);
  return m ? Number(m[1]) : undefined;
}

/**
 * Reads the configured bounds (`kamaji.scaffolder.kubernetesVersions.min` / `.max`, either may be
 * absent) on top of {@link DEFAULT_KUBERNETES_VERSION_RANGE}. Problems name the config key.
 *
 * @public
 */
export function readKubernetesVersionRange(bounds: {
  min?: string;
  max?: string;
}): {
  range: KubernetesVersionRange;
  problems: Array<{ key: string; message: string }>;
} {
  const range = { ...DEFAULT_KUBERNETES_VERSION_RANGE };
  const problems: Array<{ key: string; message: string }> = [];
  for (const bound of ['min', 'max'] as const) {
    const text = bounds[bound];
    if (text === undefined) continue;
    const minor = parseMinorVersion(text);
    if (minor === undefined) {
      problems.push({
        key: `kubernetesVersions.${bound}`,
        message: `must be a minor version like 'v1.31'; got '${text}'`,
      });
    } else if (bound === 'min') {
      range.minMinor = minor;
    } else {
      range.maxMinor = minor;
    }
  }
  if (range.minMinor > range.maxMinor) {
    problems.push({
      key: 'kubernetesVersions',
      message: 'min is newer than max',
    });
  }
  return { range, problems };
}

/**
 * Whether a version may be used for a new cluster: the format `v1.MINOR.PATCH` and the
 * supported range. A version written without the leading `v` (`1.34.2`) is read as `v1.34.2`,
 * with a note saying so. The problem says how to fix it; callers put the field name in front.
 *
 * @public
 */
export function checkSupportedKubernetesVersion(
  value: string,
  range: KubernetesVersionRange,
): { version: KubernetesVersion; note?: string } | { problem: string } {
  const exact = parseKubernetesVersion(value);
  const version = exact ?? parseKubernetesVersion(`v${value}`);
  if (!version) {
    return {
      problem: `must be a Kubernetes version like 'v1.${
        range.maxMinor - 1
      }.2' ('v', then 1.MINOR.PATCH; no pre-releases); got ${quoteForMessage(
        value,
      )}`,
    };
  }
  if (version.minor < range.minMinor || version.minor > range.maxMinor) {
    return {
      problem: `${version.text} is not supported: pick a version from v1.${range.minMinor} to v1.${range.maxMinor} (the supported range is set in kamaji.scaffolder.kubernetesVersions)`,
    };
  }
  return exact
    ? { version }
    : { version, note: withoutVNote(value, version.text) };
}

/**
 * The note given when a version written without its leading `v` is read with it.
 *
 * @public
 */
export function withoutVNote(written: string, read: string): string {
  return `${quoteForMessage(written)} has no leading 'v': read as '${read}'`;
}

/**
 * A text as messages show it: single-quoted, escaped, cut after 48 characters.
 *
 * @public
 */
export function quoteForMessage(value: string): string {
  const cut = value.length > 48 ? `${value.slice(0, 48)}…` : value;
  return `'${JSON.stringify(cut).slice(1, -1).replace(/'/g, "\\'")}'${
    value.length > 48 ? ` (${value.length} characters)` : ''
  }`;
}
