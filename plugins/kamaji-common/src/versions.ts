/**
 * Kubernetes version helpers shared by the backend (version skew in the fleet model) and the
 * frontend (display, comparisons). Versions appear with and without the leading `v`
 * (`v1.34.2`, `1.34.2`) in KamajiControlPlane, TenantControlPlane and MachineDeployment specs.
 */

const VERSION = /^v?(\d+)\.(\d+)(?:\.(\d+))?([-+].*)?$/;

/**
 * The version with exactly one leading `v` (`1.34.2` → `v1.34.2`), trimmed; undefined for
 * empty input. Text that is not a version is returned trimmed and unchanged.
 *
 * @public
 */
export function normalizeKubernetesVersion(
  version: string | undefined | null,
): string | undefined {
  if (typeof version !== 'string') return undefined;
  const v = version.trim();
  if (!v) return undefined;
  return VERSION.test(v) ? `v${v.replace(/^v/, '')}` : v;
}

/**
 * Whether a text is a Kubernetes version (`v1.34.2`, `1.34`, `v1.35.0-rc.1`).
 *
 * @public
 */
export function isKubernetesVersion(version: string | undefined): boolean {
  return typeof version === 'string' && VERSION.test(version.trim());
}

/**
 * True when the given versions (declared, running, workers; undefined entries ignored) are not
 * all the same once normalised, i.e. the cluster runs or declares more than one version.
 *
 * @public
 */
export function hasVersionSkew(
  versions: Array<string | undefined | null>,
): boolean {
  const distinct = new Set<string>();
  for (const v of versions) {
    const n = normalizeKubernetesVersion(v);
    if (n) distinct.add(n);
  }
  return distinct.size > 1;
}

/**
 * Compares two Kubernetes versions by major, minor and patch (pre-release suffixes are ignored);
 * negative when `a` is older. Texts that are not versions sort before versions.
 *
 * @public
 */
export function compareKubernetesVersions(a: string, b: string): number {
  const pa = VERSION.exec(a.trim());
  const pb = VERSION.exec(b.trim());
  if (!pa || !pb) return (pa ? 1 : 0) - (pb ? 1 : 0);
  for (let i = 1; i <= 3; i++) {
    const d = Number(pa[i] ?? 0) - Number(pb[i] ?? 0);
    if (d) return d;
  }
  return 0;
}
