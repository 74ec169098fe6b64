/**
 * The one parser of cluster owners. An owner is a catalog Group, written as an entity ref
 * (`group:default/team-retail`, `group:team-retail`, `default/team-retail`) or as the value of the
 * `kamaji-backstage.io/owner` label (`team-retail`, or `<namespace>.<name>` outside the default
 * namespace). Backstage compares entity refs without regard to case, so every form is normalised
 * to lower case: `group:Default/Team-Retail` and `team-retail` are the same owner in labels,
 * filters, permissions and the catalog.
 */

import { quoteForMessage } from './supportedVersions';

/**
 * A cluster owner, normalised (lower case).
 *
 * @public
 */
export interface ClusterOwner {
  /** `group:<namespace>/<name>`. */
  entityRef: string;
  /** The group's catalog namespace. */
  namespace: string;
  /** The group's name. */
  name: string;
  /**
   * The value of the `kamaji-backstage.io/owner` label: the name, or `<namespace>.<name>`
   * outside the default namespace (and for a dotted name in the default namespace).
   */
  labelValue: string;
}

/**
 * An owner text that is not a group, with the reason in words.
 *
 * @public
 */
export interface OwnerProblem {
  /** What is wrong and how to write it instead. */
  problem: string;
}

/** Backstage's entity name rule (catalog-model `isValidObjectName`). */
const ENTITY_NAME = /^[a-z0-9]+([-_.][a-z0-9]+)*$/;
/** Backstage's namespace rule (catalog-model `isValidNamespace`): a DNS label. */
const NAMESPACE = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const MAX = 63;

const OWNER_FIX =
  "give a catalog group as 'group:default/team-retail' or just 'team-retail'";

function lower(s: string): string {
  return s.toLocaleLowerCase('en-US');
}

function splitOwner(
  text: string,
): { kind?: string; namespace: string; name: string } | undefined {
  const m = /^(?:([a-z]+):)?(?:([^:/]+)\/)?([^:/]+)$/.exec(text);
  if (!m) return undefined;
  const [, kind, namespace, name] = m;
  if (kind !== undefined || namespace !== undefined)
    return { kind, namespace: namespace ?? 'default', name };
  // A bare value is read as the owner label writes it: `<namespace>.<name>` or `<name>`.
  const dot = name.indexOf('.');
  return dot > 0 && dot < name.length - 1
    ? { namespace: name.slice(0, dot), name: name.slice(dot + 1) }
    : { namespace: 'default', name };
}

/**
 * Parses an owner in any of its written forms (an entity ref or an owner label value) into the
 * normalised group, or says in words what is wrong.
 *
 * @public
 */
export function parseClusterOwner(value: string): ClusterOwner | OwnerProblem {
  const got = `got ${quoteForMessage(value)}`;
  const parts = splitOwner(lower(value.trim()));
  if (!parts) return { problem: `${OWNER_FIX}; ${got}` };
  const { kind, namespace, name } = parts;
  if (kind !== undefined && kind !== 'group')
    return { problem: `must be a group, not a ${kind}: ${OWNER_FIX}` };
  if (
    !ENTITY_NAME.test(name) ||
    name.length > MAX ||
    !NAMESPACE.test(namespace) ||
    namespace.length > MAX
  )
    return { problem: `${OWNER_FIX}; ${got}` };
  const labelValue =
    namespace === 'default' && !name.includes('.')
      ? name
      : `${namespace}.${name}`;
  if (labelValue.length > MAX)
    return {
      problem: `'${namespace}.${name}' is longer than the ${MAX} characters a label value may have: use a group with a shorter name`,
    };
  return {
    entityRef: `group:${namespace}/${name}`,
    namespace,
    name,
    labelValue,
  };
}

/**
 * The normalised group entity ref of an owner in any written form; undefined when the text
 * is not a group.
 *
 * @public
 */
export function ownerEntityRef(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const owner = parseClusterOwner(value);
  return 'problem' in owner ? undefined : owner.entityRef;
}

/**
 * Any entity ref in Backstage's normalised lower-case form `kind:namespace/name`
 * (`User:Default/Alice` → `user:default/alice`); without a kind it is read as an owner
 * (`team-retail` → `group:default/team-retail`). Undefined when it is not an entity ref.
 *
 * @public
 */
export function normalizedEntityRef(value: string): string | undefined {
  const parts = splitOwner(lower(value.trim()));
  if (!parts) return undefined;
  if (parts.kind === undefined || parts.kind === 'group')
    return ownerEntityRef(value);
  const { kind, namespace, name } = parts;
  return ENTITY_NAME.test(name) && NAMESPACE.test(namespace)
    ? `${kind}:${namespace}/${name}`
    : undefined;
}

/**
 * Whether an owner (any written form) is one of a user's ownership entity refs (as Backstage's
 * user info gives them, in any case).
 *
 * @public
 */
export function isOwnerAmong(
  owner: string | undefined,
  ownershipEntityRefs: readonly string[],
): boolean {
  const ref = ownerEntityRef(owner);
  return (
    ref !== undefined &&
    ownershipEntityRefs.some(r => ownerEntityRef(r) === ref)
  );
}
