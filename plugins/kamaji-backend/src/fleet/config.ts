import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { Config, readDurationFromConfig } from '@backstage/config';
import { KubeConfig } from '@kubernetes/client-node';
import { z } from 'zod';
import { parseClusterOwner } from '@kamaji-backstage/plugin-kamaji-common';

/** How the backend reaches one management cluster. */
export type ManagementClusterAccessConfig =
  | { type: 'kubeconfig'; path: string; context?: string }
  | { type: 'inCluster' }
  | {
      type: 'token';
      url: string;
      token: string;
      caData?: string;
      caFile?: string;
      skipTLSVerify?: boolean;
    };

/** One entry of `kamaji.managementClusters`, validated. */
export interface ManagementClusterConfig {
  name: string;
  title?: string;
  /** Owner (a group entity ref) of the management cluster and of its clusters without an owner label. */
  owner?: string;
  access: ManagementClusterAccessConfig;
  /** The config key it was read from, e.g. `kamaji.managementClusters[0]`, for messages. */
  configKey: string;
}

/** Timings of watchers and the model; see config.d.ts (`kamaji.fleet.*`). */
export interface FleetTimings {
  resyncIntervalMs: number;
  probeIntervalMs: number;
  probeTimeoutMs: number;
  readinessIntervalMs: number;
  maxRetryDelayMs: number;
  debounceMs: number;
  unreadableRetryMs: number;
}

export const DEFAULT_TIMINGS: FleetTimings = {
  // Watches with bookmarks keep the items; a relist is a safety net, and over an island's uplink
  // the largest steady traffic (20 TenantControlPlanes: about 120 KB each time).
  resyncIntervalMs: 60 * 60_000,
  probeIntervalMs: 5_000,
  probeTimeoutMs: 3_000,
  readinessIntervalMs: 60_000,
  maxRetryDelayMs: 5_000,
  debounceMs: 100,
  unreadableRetryMs: 60_000,
};

/**
 * Replica mode (`kamaji.fleet.replicas`): island shards held through Kubernetes Leases, the
 * served model followed from the database. See config.d.ts.
 */
export interface ReplicaConfig {
  identity: string;
  shards: number;
  leaseNamespace: string;
  /** The management cluster holding the Leases. */
  leaseCluster: string;
  leaseDurationMs: number;
  renewIntervalMs: number;
  followIntervalMs: number;
}

export const DEFAULT_REPLICAS = {
  shards: 16,
  leaseNamespace: 'kamaji-system',
  leaseDurationMs: 10_000,
  renewIntervalMs: 2_000,
  followIntervalMs: 500,
};

export interface FleetConfig {
  managementClusters: ManagementClusterConfig[];
  timings: FleetTimings;
  /** Set when replica mode is enabled. */
  replicas?: ReplicaConfig;
}

/** A configuration error; its message names the key and never quotes credentials. */
export class FleetConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid kamaji configuration: ${problems.join('; ')}`);
    this.name = 'FleetConfigError';
  }
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const ROOT = 'kamaji.managementClusters';

const nonEmpty = z.string().trim().min(1, 'must not be empty');

const entrySchema = z
  .object({
    name: z.string(),
    title: z.string().optional(),
    owner: z.string().optional(),
    kubeconfig: z
      .object({ path: nonEmpty, context: nonEmpty.optional() })
      .strict()
      .optional(),
    serviceAccount: z
      .object({
        inCluster: z.literal(true, {
          errorMap: () => ({ message: 'must be true' }),
        }),
      })
      .strict()
      .optional(),
    url: z.string().optional(),
    serviceAccountToken: z.string().optional(),
    caData: z.string().optional(),
    caFile: z.string().optional(),
    skipTLSVerify: z.boolean().optional(),
  })
  .strict();

type Entry = z.infer<typeof entrySchema>;

function keyOf(path: Array<string | number>): string {
  return path
    .map(p => (typeof p === 'number' ? `[${p}]` : `.${p}`))
    .join('')
    .replace(/^\./, '');
}

function zodProblems(prefix: string, error: z.ZodError): string[] {
  return error.issues.map(issue => {
    const key = `${prefix}${
      issue.path.length ? keyOf(['', ...issue.path]) : ''
    }`;
    if (issue.code === 'unrecognized_keys') {
      return `${key}: unknown key(s) ${issue.keys
        .map(k => `"${k}"`)
        .join(', ')}`;
    }
    // zod's own messages name types, never values, so they are safe for secret fields.
    return `${key}: ${issue.message
      .charAt(0)
      .toLowerCase()}${issue.message.slice(1)}`;
  });
}

/** Whether `url` is an http(s) URL without user info. */
function isHttpUrlWithoutUserInfo(url: string): boolean {
  try {
    const u = new URL(url);
    return (
      (u.protocol === 'https:' || u.protocol === 'http:') &&
      !u.username &&
      !u.password
    );
  } catch {
    return false;
  }
}

/** Exactly one way to reach the cluster: kubeconfig, serviceAccount or url. */
function accessWayProblems(e: Entry, at: string): string[] {
  const ways = [
    e.kubeconfig && 'kubeconfig',
    e.serviceAccount && 'serviceAccount',
    e.url !== undefined && 'url',
  ].filter(Boolean);
  if (ways.length === 1) return [];
  return [
    ways.length
      ? `${at}: give exactly one of kubeconfig, serviceAccount or url, got ${ways.join(
          ' and ',
        )}`
      : `${at}: give one of kubeconfig, serviceAccount or url (with serviceAccountToken)`,
  ];
}

const URL_ONLY = [
  'serviceAccountToken',
  'caData',
  'caFile',
  'skipTLSVerify',
] as const;

/** What is wrong with the url way (or with its fields given without a url). */
function urlProblems(e: Entry, at: string): string[] {
  if (e.url === undefined) {
    return URL_ONLY.filter(k => e[k] !== undefined).map(
      k => `${at}.${k}: only allowed together with url`,
    );
  }
  const problems: string[] = [];
  // The URL itself is not quoted: it could carry user info.
  if (!isHttpUrlWithoutUserInfo(e.url))
    problems.push(`${at}.url: must be an http(s) URL without user info`);
  if (!e.serviceAccountToken?.trim()) {
    problems.push(`${at}.serviceAccountToken: required with url`);
  }
  if (e.caData !== undefined && e.caFile !== undefined) {
    problems.push(`${at}: give caData or caFile, not both`);
  }
  if (e.caData !== undefined && !/^[A-Za-z0-9+/=\s]+$/.test(e.caData)) {
    problems.push(
      `${at}.caData: must be base64 (a PEM bundle, base64-encoded)`,
    );
  }
  if (e.caFile !== undefined && !existsSync(e.caFile)) {
    problems.push(
      `${at}.caFile: file ${JSON.stringify(e.caFile)} does not exist`,
    );
  }
  return problems;
}

function accessOf(e: Entry): ManagementClusterAccessConfig {
  if (e.kubeconfig) {
    return {
      type: 'kubeconfig',
      path: e.kubeconfig.path,
      context: e.kubeconfig.context,
    };
  }
  if (e.serviceAccount) return { type: 'inCluster' };
  return {
    type: 'token',
    url: e.url!,
    token: e.serviceAccountToken!.trim(),
    caData: e.caData?.replace(/\s+/g, ''),
    caFile: e.caFile,
    skipTLSVerify: e.skipTLSVerify,
  };
}

function validateEntry(
  raw: unknown,
  index: number,
  problems: string[],
): ManagementClusterConfig | undefined {
  const at = `${ROOT}[${index}]`;
  const parsed = entrySchema.safeParse(raw);
  if (!parsed.success) {
    problems.push(...zodProblems(at, parsed.error));
    return undefined;
  }
  const e: Entry = parsed.data;
  const before = problems.length;
  const parsedOwner =
    e.owner === undefined ? undefined : parseClusterOwner(e.owner);
  let owner: string | undefined;
  if (parsedOwner && 'problem' in parsedOwner)
    problems.push(`${at}.owner: ${parsedOwner.problem}`);
  else owner = parsedOwner?.entityRef;
  if (!DNS_LABEL.test(e.name)) {
    problems.push(
      `${at}.name: must be a DNS label, got ${JSON.stringify(e.name)}`,
    );
  }
  problems.push(...accessWayProblems(e, at), ...urlProblems(e, at));
  if (e.kubeconfig && !existsSync(e.kubeconfig.path)) {
    problems.push(
      `${at}.kubeconfig.path: file ${JSON.stringify(
        e.kubeconfig.path,
      )} does not exist`,
    );
  }
  if (problems.length > before) return undefined;
  return {
    name: e.name,
    title: e.title,
    owner,
    access: accessOf(e),
    configKey: at,
  };
}

export function humanToMs(d: Record<string, number | undefined>): number {
  const unit: Record<string, number> = {
    years: 365 * 86_400_000,
    months: 30 * 86_400_000,
    weeks: 7 * 86_400_000,
    days: 86_400_000,
    hours: 3_600_000,
    minutes: 60_000,
    seconds: 1_000,
    milliseconds: 1,
  };
  return Object.entries(d).reduce(
    (ms, [k, v]) => ms + (v ?? 0) * (unit[k] ?? 0),
    0,
  );
}

function readDuration(
  config: Config,
  key: string,
  path: string,
  [min, max]: [number, number],
  problems: string[],
): number | undefined {
  if (config.getOptional(key) === undefined) return undefined;
  try {
    const ms = humanToMs(readDurationFromConfig(config, { key }) as any);
    if (ms >= min && ms <= max) return ms;
    problems.push(
      `${path}.${key}: must be between ${min} ms and ${max} ms, got ${ms} ms`,
    );
  } catch {
    problems.push(
      `${path}.${key}: not a duration (e.g. "5s", "10m", { minutes: 10 })`,
    );
  }
  return undefined;
}

const REPLICAS = 'kamaji.fleet.replicas';

function readReplicas(
  config: Config,
  managementClusters: ManagementClusterConfig[],
  problems: string[],
): ReplicaConfig | undefined {
  const r = config.getOptionalConfig(REPLICAS);
  if (!r?.getOptionalBoolean('enabled')) return undefined;
  const d = DEFAULT_REPLICAS;
  const shards = r.getOptionalNumber('shards') ?? d.shards;
  if (!Number.isInteger(shards) || shards < 1 || shards > 1024) {
    problems.push(`${REPLICAS}.shards: must be an integer from 1 to 1024`);
  }
  const leaseNamespace =
    r.getOptionalString('leaseNamespace') ?? d.leaseNamespace;
  if (!DNS_LABEL.test(leaseNamespace)) {
    problems.push(`${REPLICAS}.leaseNamespace: must be a namespace name`);
  }
  const leaseCluster =
    r.getOptionalString('leaseCluster') ?? managementClusters[0]?.name;
  if (!managementClusters.some(mc => mc.name === leaseCluster)) {
    problems.push(
      `${REPLICAS}.leaseCluster: must name a configured management cluster (kamaji.managementClusters[].name)`,
    );
  }
  const duration = (key: string, def: number, range: [number, number]) =>
    readDuration(r, key, REPLICAS, range, problems) ?? def;
  const replicas: ReplicaConfig = {
    identity:
      r.getOptionalString('identity') ??
      `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`,
    shards,
    leaseNamespace,
    leaseCluster: leaseCluster ?? '',
    leaseDurationMs: duration(
      'leaseDuration',
      d.leaseDurationMs,
      [1_000, 600_000],
    ),
    renewIntervalMs: duration(
      'renewInterval',
      d.renewIntervalMs,
      [100, 60_000],
    ),
    followIntervalMs: duration(
      'followInterval',
      d.followIntervalMs,
      [50, 60_000],
    ),
  };
  if (replicas.renewIntervalMs * 2 > replicas.leaseDurationMs) {
    problems.push(
      `${REPLICAS}.renewInterval: must be at most half of leaseDuration`,
    );
  }
  return replicas;
}

function readTimings(config: Config, problems: string[]): FleetTimings {
  const timings = { ...DEFAULT_TIMINGS };
  const fleet = config.getOptionalConfig('kamaji.fleet');
  if (!fleet) return timings;
  const keys: Array<[keyof FleetTimings, string, number, number]> = [
    ['resyncIntervalMs', 'resyncInterval', 10_000, 24 * 3_600_000],
    ['probeIntervalMs', 'probeInterval', 200, 600_000],
    ['probeTimeoutMs', 'probeTimeout', 100, 60_000],
    ['readinessIntervalMs', 'readinessInterval', 200, 3_600_000],
    ['maxRetryDelayMs', 'maxRetryDelay', 100, 600_000],
    ['debounceMs', 'debounce', 0, 10_000],
    ['unreadableRetryMs', 'unreadableRetryInterval', 1_000, 24 * 3_600_000],
  ];
  for (const [field, key, min, max] of keys) {
    if (fleet.getOptional(key) === undefined) continue;
    try {
      const ms = humanToMs(readDurationFromConfig(fleet, { key }) as any);
      if (!(ms >= min && ms <= max)) {
        problems.push(
          `kamaji.fleet.${key}: must be between ${min} ms and ${max} ms, got ${ms} ms`,
        );
      } else {
        timings[field] = ms;
      }
    } catch (e) {
      problems.push(
        `kamaji.fleet.${key}: not a duration (e.g. "5s", "10m", { minutes: 10 })`,
      );
    }
  }
  if (fleet.getOptional('probeTimeout') === undefined) {
    // Default timeout: 3 s, but always shorter than the probe period.
    timings.probeTimeoutMs = Math.min(
      DEFAULT_TIMINGS.probeTimeoutMs,
      Math.round(timings.probeIntervalMs * 0.6),
    );
  }
  if (timings.probeTimeoutMs >= timings.probeIntervalMs) {
    problems.push(
      'kamaji.fleet.probeTimeout: must be shorter than probeInterval',
    );
  }
  return timings;
}

/**
 * Reads and validates the fleet configuration. Throws a {@link FleetConfigError} listing every
 * problem with its key (e.g. `kamaji.managementClusters[1].name: must be a DNS label, got "Central!"`).
 * No management clusters configured is valid: the fleet is then empty.
 */
export function readFleetConfig(config: Config): FleetConfig {
  const problems: string[] = [];
  const raw = config.getOptional(ROOT);
  const managementClusters: ManagementClusterConfig[] = [];
  if (raw !== undefined && !Array.isArray(raw)) {
    problems.push(`${ROOT}: must be a list`);
  } else if (Array.isArray(raw)) {
    const seen = new Map<string, number>();
    raw.forEach((entry, i) => {
      const mc = validateEntry(entry, i, problems);
      if (!mc) return;
      const first = seen.get(mc.name);
      if (first !== undefined) {
        problems.push(
          `${ROOT}[${i}].name: duplicate name ${JSON.stringify(
            mc.name,
          )} (also ${ROOT}[${first}])`,
        );
        return;
      }
      seen.set(mc.name, i);
      managementClusters.push(mc);
    });
  }
  const timings = readTimings(config, problems);
  const replicas = readReplicas(config, managementClusters, problems);
  if (problems.length) throw new FleetConfigError(problems);
  for (const mc of managementClusters) {
    // Fail at start-up on kubeconfig files we cannot use, rather than at the first request.
    buildManagementKubeConfig(mc);
  }
  return { managementClusters, timings, ...(replicas ? { replicas } : {}) };
}

/**
 * Builds the in-memory KubeConfig of a management cluster. Errors name the config key; parse
 * errors of kubeconfig files are not quoted (YAML errors show the offending text).
 */
export function buildManagementKubeConfig(
  mc: ManagementClusterConfig,
): KubeConfig {
  const kc = new KubeConfig();
  const a = mc.access;
  if (a.type === 'kubeconfig') {
    try {
      kc.loadFromFile(a.path);
    } catch {
      throw new FleetConfigError([
        `${mc.configKey}.kubeconfig.path: ${JSON.stringify(
          a.path,
        )} is not a readable kubeconfig file`,
      ]);
    }
    if (a.context) {
      if (!kc.getContextObject(a.context)) {
        throw new FleetConfigError([
          `${mc.configKey}.kubeconfig.context: no context ${JSON.stringify(
            a.context,
          )} in ${JSON.stringify(a.path)}`,
        ]);
      }
      kc.setCurrentContext(a.context);
    }
    if (!kc.getCurrentCluster()?.server) {
      throw new FleetConfigError([
        `${mc.configKey}.kubeconfig: ${JSON.stringify(
          a.path,
        )} has no current context with a cluster server`,
      ]);
    }
  } else if (a.type === 'inCluster') {
    if (!process.env.KUBERNETES_SERVICE_HOST) {
      throw new FleetConfigError([
        `${mc.configKey}.serviceAccount.inCluster: the backend does not run in a Kubernetes pod (KUBERNETES_SERVICE_HOST is not set)`,
      ]);
    }
    kc.loadFromCluster();
  } else {
    kc.loadFromOptions({
      clusters: [
        {
          name: mc.name,
          server: a.url,
          caData: a.caData,
          caFile: a.caFile,
          skipTLSVerify: a.skipTLSVerify ?? false,
        },
      ],
      users: [{ name: `${mc.name}-backstage`, token: a.token }],
      contexts: [
        { name: mc.name, cluster: mc.name, user: `${mc.name}-backstage` },
      ],
      currentContext: mc.name,
    });
  }
  return kc;
}
