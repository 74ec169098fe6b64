// Values files nobody wrote by hand, for scripts/check-rendered-upstream.ts: seeded random inputs
// of every render kind, mostly valid (names at their length limits, every IP family, pools, addon
// sets, charts and manifests), some invalid on purpose (a version out of range, too many
// replicas, overlapping networks, a name too long). Either the render names the bad field and
// renders nothing, or the upstream CRDs accept every object it renders.
import type { RenderKind } from '@kamaji-backstage/plugin-scaffolder-backend-module-kamaji';

export interface GeneratedInput {
  name: string;
  kind: RenderKind;
  values: Record<string, unknown>;
  /** The input field made invalid on purpose, as the render's error path starts. */
  invalidField?: string;
}

/** A small seeded PRNG (mulberry32): the same seed gives the same inputs. */
function randomSource(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) =>
    min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)];
  const chance = (p: number) => next() < p;
  return { int, pick, chance };
}

type Random = ReturnType<typeof randomSource>;

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const ALNUM = `${LOWER}0123456789`;

function chars(random: Random, alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += random.pick([...alphabet]);
  return out;
}

/** A DNS-1123 label, often at one of its length limits. */
function dnsLabel(random: Random, max = 63): string {
  const length = random.chance(0.25)
    ? random.pick([1, 2, max])
    : random.int(3, Math.min(max, 20));
  if (length === 1) return random.pick([...LOWER]);
  const middle = chars(random, `${ALNUM}-`, length - 2);
  return `${random.pick([...LOWER])}${middle}${random.pick([...ALNUM])}`;
}

/** A label value: letters, digits and `-_.` inside, at most 63 characters. */
function labelValue(random: Random): string {
  const length = random.chance(0.2) ? 63 : random.int(1, 24);
  if (length === 1) return random.pick([...ALNUM]);
  const middle = chars(random, `${ALNUM}ABCXYZ-_.`, length - 2);
  return `${random.pick([...ALNUM])}${middle}${random.pick([...ALNUM])}`;
}

function dnsSubdomain(random: Random): string {
  return Array.from({ length: random.int(1, 3) }, () =>
    dnsLabel(random, 20),
  ).join('.');
}

function kubernetesVersion(random: Random, invalid: boolean): string {
  if (invalid) return random.pick(['v1.30.9', 'v1.37.0', '1.34', 'latest']);
  return `v1.${random.int(31, 36)}.${random.int(0, 20)}`;
}

/** A catalog entity name: letters and digits in parts joined by single `-`. */
function entityName(random: Random): string {
  return Array.from({ length: random.int(1, 3) }, () =>
    chars(random, ALNUM, random.int(1, 8)),
  ).join('-');
}

function owner(random: Random): string {
  const team = entityName(random);
  return random.pick([team, `group:default/${team}`, `group:edge/${team}`]);
}

/** A cluster DNS domain: Kamaji wants at least one dot. */
function serviceDomain(random: Random): string {
  return Array.from({ length: random.int(2, 3) }, () =>
    dnsLabel(random, 20),
  ).join('.');
}

/** Pod and service networks of one family; overlapping when `invalid`. */
function networks(random: Random, invalid: boolean) {
  if (random.chance(0.5)) {
    const pod = `10.${random.int(0, 255)}.0.0/16`;
    return {
      podCidr: pod,
      serviceCidr: invalid ? pod : `172.${random.int(16, 31)}.0.0/16`,
    };
  }
  const hex = random.int(1, 0xfff).toString(16);
  const pod = `fd00:${hex}::/48`;
  return {
    podCidr: pod,
    serviceCidr: invalid ? `fd00:${hex}:0:1::/112` : `fd01:${hex}::/112`,
  };
}

function optional<T>(random: Random, make: () => T): T | undefined {
  return random.chance(0.5) ? make() : undefined;
}

/** Drops the undefined fields (a values file leaves them out). */
function defined(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(values).filter(([, v]) => v !== undefined),
  );
}

function tenant(random: Random, fault: string | undefined) {
  const pools = Array.from(
    { length: random.int(fault === 'replicas' ? 1 : 0, 10) },
    (_, i) => ({
      name: `${dnsLabel(random, 12)}${i}`,
      replicas: fault === 'replicas' && i === 0 ? 101 : random.int(0, 100),
    }),
  );
  // A MachineDeployment is named <cluster>-<pool>: without pools the name may take all 63.
  const name = dnsLabel(random, pools.length ? 40 : 63);
  return defined({
    name: fault === 'name' ? `${name}${'x'.repeat(64)}` : name,
    island: optional(random, () =>
      random.pick([
        dnsLabel(random, 30),
        `central/fleet-islands/${dnsLabel(random, 30)}`,
      ]),
    ),
    site: optional(random, () => labelValue(random)),
    kubernetesVersion: kubernetesVersion(random, fault === 'version'),
    controlPlaneReplicas: optional(random, () => random.int(1, 5)),
    dataStore: optional(random, () => dnsSubdomain(random)),
    workerPools: pools,
    addonSets: optional(random, () =>
      Array.from(
        { length: random.int(0, 4) },
        (_, i) => `${dnsLabel(random, 30)}${i}`,
      ),
    ),
    owner: owner(random),
    ...(random.chance(0.5) || fault === 'networks'
      ? networks(random, fault === 'networks')
      : {}),
    serviceDomain: optional(random, () => serviceDomain(random)),
  });
}

function island(random: Random, fault: string | undefined) {
  return defined({
    name:
      fault === 'name'
        ? dnsLabel(random, 63).padEnd(57, 'x')
        : dnsLabel(random, 56),
    site: labelValue(random),
    owner: owner(random),
    kubernetesVersion: kubernetesVersion(random, fault === 'version'),
    controlPlaneReplicas:
      fault === 'replicas' ? 2 : optional(random, () => random.pick([1, 3, 5])),
    tenantControlPlaneNamespace: optional(random, () => dnsLabel(random, 40)),
    kamajiChartVersion: optional(
      random,
      () => `${random.int(0, 26)}.${random.int(0, 12)}.${random.int(0, 9)}`,
    ),
    ...(random.chance(0.5) || fault === 'networks'
      ? networks(random, fault === 'networks')
      : {}),
    serviceDomain: optional(random, () => serviceDomain(random)),
  });
}

function chart(random: Random, kind: string) {
  const chartName = dnsLabel(random, 30);
  return defined({
    repositoryURL: random.pick([
      `https://${dnsSubdomain(random)}.example/${dnsLabel(random, 10)}/`,
      `oci://registry.example/${dnsLabel(random, 10)}`,
    ]),
    repositoryName:
      kind === 'ClusterProfile'
        ? optional(random, () => dnsLabel(random, 30))
        : undefined,
    chartName,
    chartVersion: `${random.int(0, 9)}.${random.int(0, 30)}.${random.int(
      0,
      9,
    )}`,
    releaseName: optional(random, () => dnsLabel(random, 53)),
    releaseNamespace: optional(random, () => dnsLabel(random, 40)),
    values: optional(random, () =>
      [
        `replicaCount: ${random.int(0, 5)}`,
        `nameOverride: ${dnsLabel(random, 20)}`,
        'clusterName: "{{ .Cluster.metadata.name }}"',
      ].join('\n'),
    ),
  });
}

function manifests(random: Random): string {
  return Array.from({ length: random.int(1, 3) }, (_, i) =>
    [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      `  name: ${dnsLabel(random, 30)}-${i}`,
      '  namespace: kube-system',
      'data:',
      `  site: "${labelValue(random)}"`,
    ].join('\n'),
  ).join('\n---\n');
}

function addonSet(random: Random, fault: string | undefined) {
  const kind = random.pick([
    'ClusterProfile',
    'HelmChartProxy',
    'ClusterResourceSet',
  ]);
  const withChart =
    kind === 'HelmChartProxy' ||
    (kind === 'ClusterProfile' && random.chance(0.6));
  const withManifests =
    kind === 'ClusterResourceSet' || (kind === 'ClusterProfile' && !withChart);
  return defined({
    name:
      fault === 'name' ? `${dnsLabel(random, 20)}_set` : dnsLabel(random, 40),
    kind: kind === 'ClusterProfile' && random.chance(0.5) ? undefined : kind,
    namespace: optional(random, () => dnsLabel(random, 40)),
    owner: owner(random),
    chart: withChart ? chart(random, kind) : undefined,
    manifests: withManifests ? manifests(random) : undefined,
  });
}

/** Each kind's maker, and the faults it can put in: fault → the field the error names. */
const MAKERS: Record<
  RenderKind,
  {
    make: (
      random: Random,
      fault: string | undefined,
    ) => Record<string, unknown>;
    faults: Record<string, string>;
  }
> = {
  tenant: {
    make: tenant,
    faults: {
      name: 'name',
      version: 'kubernetesVersion',
      replicas: 'workerPools[0].replicas',
      networks: 'serviceCidr',
    },
  },
  island: {
    make: island,
    faults: {
      name: 'name',
      version: 'kubernetesVersion',
      replicas: 'controlPlaneReplicas',
      networks: 'serviceCidr',
    },
  },
  addonset: { make: addonSet, faults: { name: 'name' } },
};

/** `perKind` inputs of every kind; about one in five with a fault on purpose. */
export function generatedRenderInputs(
  seed: number,
  perKind: number,
): GeneratedInput[] {
  const random = randomSource(seed);
  const out: GeneratedInput[] = [];
  for (const kind of Object.keys(MAKERS) as RenderKind[]) {
    const { make, faults } = MAKERS[kind];
    for (let i = 0; i < perKind; i++) {
      const fault = random.chance(0.2)
        ? random.pick(Object.keys(faults))
        : undefined;
      out.push({
        name: `generated ${kind} #${i} (seed ${seed})`,
        kind,
        values: make(random, fault),
        invalidField: fault && faults[fault],
      });
    }
  }
  return out;
}
