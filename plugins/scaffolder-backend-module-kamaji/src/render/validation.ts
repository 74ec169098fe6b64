import { InputError } from '@backstage/errors';
import { z } from 'zod';
import {
  checkSupportedKubernetesVersion,
  countOf,
  parseClusterOwner,
  type ClusterOwner,
  parseKubernetesVersion as parseCommonKubernetesVersion,
  quoteForMessage,
  type KubernetesVersion as CommonKubernetesVersion,
  type KubernetesVersionRange,
} from '@kamaji-backstage/plugin-kamaji-common';

/**
 * One problem with one input field: where it is (`workerPools[1].name`) and what to do about it.
 *
 * @public
 */
export interface FieldError {
  /** Path of the field in the input, e.g. `name` or `workerPools[1].replicas`. */
  path: string;
  /** What is wrong and how to fix it. */
  message: string;
}

/**
 * Thrown when the input of a render function or action is invalid. The message lists every
 * problem, one per line, as `<field path>: <what is wrong and how to fix it>`.
 *
 * @public
 */
export class KamajiInputError extends InputError {
  readonly errors: FieldError[];

  constructor(errors: FieldError[], what = 'input') {
    super(
      `Invalid ${what} (${countOf(errors.length, 'problem')}):\n${errors
        .map(e => `- ${e.path}: ${e.message}`)
        .join('\n')}`,
    );
    this.errors = errors;
  }
}

/** Collects field errors while validating, and notes on what was read differently from how it was written. */
export class Problems {
  readonly list: FieldError[] = [];
  readonly notes: FieldError[] = [];

  add(path: string, message: string): void {
    this.list.push({ path, message });
  }

  note(path: string, message: string): void {
    this.notes.push({ path, message });
  }

  get empty(): boolean {
    return this.list.length === 0;
  }

  throwIfAny(what?: string): void {
    if (!this.empty) throw new KamajiInputError(this.list, what);
  }
}

/** Joins a field path: `pathOf('workerPools', 1, 'name')` → `workerPools[1].name`. */
export function pathOf(...parts: Array<string | number>): string {
  let out = '';
  for (const p of parts) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${p}` : p;
  }
  return out || '(input)';
}

/**
 * A value as it may safely appear in an error message: JSON-quoted (so newlines, control
 * characters and quotes are escaped) and cut to a readable length.
 */
export function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return quoteForMessage(value);
  if (typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  if (Array.isArray(value)) return `a list of ${value.length}`;
  return 'an object';
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `the text ${shown(value)}`;
  if (typeof value === 'number')
    return Number.isInteger(value)
      ? `the number ${value}`
      : `the number ${value}`;
  if (typeof value === 'boolean') return `${value}`;
  if (typeof value === 'object') return 'an object';
  return typeof value;
}

const EXPECTED: Record<string, string> = {
  string: 'a text value',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object (key: value pairs)',
};

function valueAt(root: unknown, path: Array<string | number>): unknown {
  let v: any = root;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = v[p];
  }
  return v;
}

/**
 * Turns zod issues into field errors with messages a person can act on.
 */
export function zodProblems(
  error: z.ZodError,
  input: unknown,
  problems: Problems,
): void {
  for (const issue of error.issues) {
    const path = pathOf(...issue.path);
    const value = valueAt(input, issue.path);
    switch (issue.code) {
      case 'invalid_type':
        if (issue.received === 'undefined') {
          problems.add(
            path,
            `is required: give ${EXPECTED[issue.expected] ?? issue.expected}`,
          );
        } else {
          problems.add(
            path,
            `must be ${
              EXPECTED[issue.expected] ?? issue.expected
            }; got ${describeType(value)}`,
          );
        }
        break;
      case 'unrecognized_keys':
        for (const key of issue.keys) {
          problems.add(
            pathOf(...issue.path, key),
            key === '<<'
              ? "is a YAML merge key that reached the input unmerged: kamaji-render merges them in values files (e.g. '<<: *defaults'); where they are not merged, write the fields out"
              : 'is not a known field: remove it, or check its spelling against the documented fields',
          );
        }
        break;
      case 'invalid_enum_value':
        problems.add(
          path,
          `must be one of ${issue.options
            .map(o => `'${String(o)}'`)
            .join(', ')}; got ${shown(value)}`,
        );
        break;
      case 'invalid_literal':
        problems.add(path, `must be ${JSON.stringify(issue.expected)}`);
        break;
      default:
        problems.add(path, issue.message);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Names

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** A DNS-1123 label a person might have meant, or undefined. */
function suggestLabel(value: string, max: number): string | undefined {
  const s = value
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .replace(/-{2,}/g, '-')
    .slice(0, max)
    .replace(/-+$/g, '');
  return s && s !== value && DNS_LABEL.test(s) ? s : undefined;
}

/**
 * Checks a DNS-1123 label (Kubernetes object and namespace names): lowercase letters, digits and
 * '-', starting and ending with a letter or digit, at most `max` characters.
 * With `startWithLetter` it is a DNS-1035 label (Kamaji TenantControlPlane and Service names).
 */
export function checkDnsLabel(
  problems: Problems,
  path: string,
  value: string,
  options: { max?: number; startWithLetter?: boolean; why?: string } = {},
): boolean {
  const max = options.max ?? 63;
  const rule = `must be a DNS-1123 label (lowercase letters, digits, '-'; starting${
    options.startWithLetter ? ' with a letter' : ''
  } and ending with a letter or digit), at most ${max} characters${
    options.why ? ` (${options.why})` : ''
  }`;
  if (value.length === 0) {
    problems.add(
      path,
      `must not be empty: it ${rule.replace(/^must be/, 'must be')}`,
    );
    return false;
  }
  const pattern = options.startWithLetter ? DNS_1035_LABEL : DNS_LABEL;
  if (value.length > max || !pattern.test(value)) {
    const hint = suggestLabel(value, max);
    problems.add(
      path,
      `${rule}; got ${shown(value)}${
        hint && (!options.startWithLetter || /^[a-z]/.test(hint))
          ? ` (try '${hint}')`
          : ''
      }`,
    );
    return false;
  }
  return true;
}

/** Checks a DNS-1123 subdomain (e.g. DataStore and ClusterClass names): labels joined by '.', at most 253 characters. */
export function checkDnsSubdomain(
  problems: Problems,
  path: string,
  value: string,
): boolean {
  const rule =
    "must be a DNS-1123 subdomain (lowercase letters, digits, '-' and '.', starting and ending with a letter or digit), at most 253 characters";
  if (value.length === 0) {
    problems.add(path, `must not be empty: it ${rule}`);
    return false;
  }
  if (
    value.length > 253 ||
    !value.split('.').every(l => l.length <= 63 && DNS_LABEL.test(l))
  ) {
    problems.add(path, `${rule}; got ${shown(value)}`);
    return false;
  }
  return true;
}

/** Checks a Kubernetes label value: at most 63 characters, alphanumerics with '-', '_' or '.' inside. */
export function checkLabelValue(
  problems: Problems,
  path: string,
  value: string,
  options: { allowEmpty?: boolean } = {},
): boolean {
  if (value.length === 0 && !options.allowEmpty) {
    problems.add(path, 'must not be empty: omit the field instead');
    return false;
  }
  if (value.length > 63 || !LABEL_VALUE.test(value)) {
    problems.add(
      path,
      `must be a valid Kubernetes label value (letters, digits, '-', '_' and '.', starting and ending with a letter or digit), at most 63 characters; got ${shown(
        value,
      )}`,
    );
    return false;
  }
  return true;
}

/** Checks that a list has no duplicates; reports each repeated entry. */
export function checkUnique(
  problems: Problems,
  path: string,
  values: string[],
  what: string,
): void {
  const seen = new Set<string>();
  values.forEach((v, i) => {
    if (seen.has(v))
      problems.add(
        pathOf(path, i),
        `${what} ${shown(
          v,
        )} appears more than once: each ${what} must be unique`,
      );
    seen.add(v);
  });
}

/** Checks an integer against bounds (the type was checked by the schema). */
export function checkRange(
  problems: Problems,
  path: string,
  value: number,
  min: number,
  max: number,
  why?: string,
): boolean {
  if (!Number.isInteger(value)) {
    problems.add(path, `must be a whole number; got ${value}`);
    return false;
  }
  if (value < min || value > max) {
    problems.add(
      path,
      `must be between ${min} and ${max}${
        why ? ` (${why})` : ''
      }; got ${value}`,
    );
    return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Kubernetes versions

/** A parsed `v1.MINOR.PATCH` (defined in kamaji-common). @public */
export type KubernetesVersion = CommonKubernetesVersion;

/** Parses `v1.MINOR.PATCH`; undefined for anything else. @public */
export const parseKubernetesVersion = parseCommonKubernetesVersion;

/** Compares two versions: negative when a is older. */
export function compareVersions(
  a: KubernetesVersion,
  b: KubernetesVersion,
): number {
  return a.minor !== b.minor ? a.minor - b.minor : a.patch - b.patch;
}

/** The supported range of Kubernetes minor versions, inclusive (defined in kamaji-common). @public */
export type VersionRange = KubernetesVersionRange;

/**
 * Checks the format `v1.MINOR.PATCH` and the supported range (the rule the version picker uses
 * too); a version without its leading `v` is read with it, and a note says so.
 */
export function checkKubernetesVersion(
  problems: Problems,
  path: string,
  value: string,
  range: VersionRange,
): KubernetesVersion | undefined {
  const checked = checkSupportedKubernetesVersion(value, range);
  if ('problem' in checked) {
    problems.add(path, checked.problem);
    return undefined;
  }
  if (checked.note) problems.note(path, checked.note);
  return checked.version;
}

// ---------------------------------------------------------------------------------------------
// CIDRs

/** A parsed CIDR block. @public */
export interface Cidr {
  family: 4 | 6;
  /** The network address as a number. */
  address: bigint;
  prefix: number;
  text: string;
}

function parseIPv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let out = 0n;
  for (const p of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out = (out << 8n) | BigInt(n);
  }
  return out;
}

function parseIPv6(text: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
  let head = text;
  let tailV4: bigint | undefined;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.')) {
    tailV4 = parseIPv4(text.slice(lastColon + 1));
    if (tailV4 === undefined) return undefined;
    head = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const group = (s: string) => (s === '' ? [] : s.split(':'));
  const left = group(halves[0]);
  const right = halves.length === 2 ? group(halves[1]) : [];
  const missing = 8 - left.length - right.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...left, ...Array(Math.max(missing, 0)).fill('0'), ...right];
  let out = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    out = (out << 16n) | BigInt(parseInt(g, 16));
  }
  if (tailV4 !== undefined) out = (out & ~0xffffffffn) | tailV4;
  return out;
}

function formatAddress(family: 4 | 6, address: bigint): string {
  if (family === 4) {
    return [24n, 16n, 8n, 0n].map(s => String((address >> s) & 255n)).join('.');
  }
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--)
    groups.push(((address >> BigInt(i * 16)) & 0xffffn).toString(16));
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

/** Parses `address/prefix` (IPv4 or IPv6); undefined when it does not parse. @public */
export function parseCidr(
  text: string,
): (Cidr & { hostBitsSet: boolean; network: string }) | undefined {
  const m = /^([^/]+)\/(0|[1-9]\d{0,2})$/.exec(text);
  if (!m) return undefined;
  const prefix = Number(m[2]);
  let family: 4 | 6;
  let address: bigint | undefined;
  if (m[1].includes(':')) {
    family = 6;
    address = parseIPv6(m[1]);
  } else {
    family = 4;
    address = parseIPv4(m[1]);
  }
  const bits = family === 4 ? 32 : 128;
  if (address === undefined || prefix > bits) return undefined;
  const hostMask = (1n << BigInt(bits - prefix)) - 1n;
  const network = address & ~hostMask;
  return {
    family,
    address: network,
    prefix,
    text,
    hostBitsSet: network !== address,
    network: `${formatAddress(family, network)}/${prefix}`,
  };
}

/** Whether two CIDR blocks share any address. */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  if (a.family !== b.family) return false;
  const bits = a.family === 4 ? 32 : 128;
  const prefix = Math.min(a.prefix, b.prefix);
  const mask = ~((1n << BigInt(bits - prefix)) - 1n);
  return (a.address & mask) === (b.address & mask);
}

/** Prefix lengths a pod or service CIDR may have, per IP family. */
export const CIDR_PREFIX_LIMITS = {
  pods: { 4: [8, 24], 6: [48, 64] },
  services: { 4: [12, 28], 6: [108, 124] },
} as const;

/** Checks one CIDR block: it parses, has no host bits set and a sensible size for its use. */
export function checkCidr(
  problems: Problems,
  path: string,
  value: string,
  use: 'pods' | 'services',
): Cidr | undefined {
  const c = parseCidr(value.trim() === value ? value : '');
  if (!c) {
    problems.add(
      path,
      `must be a CIDR block like ${
        use === 'pods' ? "'10.244.0.0/16'" : "'10.96.0.0/16'"
      } (IPv4) or ${
        use === 'pods' ? "'fd00:10:244::/56'" : "'fd00:10:96::/112'"
      } (IPv6); got ${shown(value)}`,
    );
    return undefined;
  }
  if (c.hostBitsSet) {
    problems.add(
      path,
      `${shown(value)} has bits set after the /${
        c.prefix
      } prefix: did you mean '${c.network}'?`,
    );
    return undefined;
  }
  const [min, max] = CIDR_PREFIX_LIMITS[use][c.family];
  if (c.prefix < min || c.prefix > max) {
    problems.add(
      path,
      `a ${use === 'pods' ? 'pod' : 'service'} CIDR for IPv${
        c.family
      } must have a prefix from /${min} to /${max}; got /${c.prefix}`,
    );
    return undefined;
  }
  return c;
}

/** Checks the pod and service CIDRs of one cluster: each valid, same IP family, no overlap. */
export function checkClusterNetwork(
  problems: Problems,
  network: {
    podCidr: string;
    serviceCidr: string;
    serviceDomain: string;
  },
  paths = {
    podCidr: 'podCidr',
    serviceCidr: 'serviceCidr',
    serviceDomain: 'serviceDomain',
  },
): void {
  const pods = checkCidr(problems, paths.podCidr, network.podCidr, 'pods');
  const services = checkCidr(
    problems,
    paths.serviceCidr,
    network.serviceCidr,
    'services',
  );
  if (pods && services) {
    if (pods.family !== services.family) {
      problems.add(
        paths.serviceCidr,
        `is IPv${services.family} but podCidr is IPv${pods.family}: use one IP family for both`,
      );
    } else if (cidrsOverlap(pods, services)) {
      problems.add(
        paths.serviceCidr,
        `${network.serviceCidr} overlaps podCidr ${network.podCidr}: pick ranges that do not share addresses (for example pods 10.244.0.0/16 and services 10.96.0.0/16)`,
      );
    }
  }
  if (checkDnsSubdomain(problems, paths.serviceDomain, network.serviceDomain)) {
    if (!network.serviceDomain.includes('.')) {
      problems.add(
        paths.serviceDomain,
        `must contain a dot (Kamaji requires it), e.g. 'cluster.local'; got ${shown(
          network.serviceDomain,
        )}`,
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Owners (catalog group references)

/** A catalog group reference, normalised (the one owner parser of kamaji-common). @public */
export type OwnerRef = ClusterOwner;

/** Parses an owner (`group:ns/name`, `group:name`, `name` or `ns.name`, any case) into its normalised group. */
export function checkOwner(
  problems: Problems,
  path: string,
  value: string,
): OwnerRef | undefined {
  const owner = parseClusterOwner(value);
  if ('problem' in owner) {
    problems.add(path, owner.problem);
    return undefined;
  }
  return owner;
}
