import { createHash } from 'node:crypto';
import {
  ClusterId,
  parseClusterId,
} from '@kamaji-backstage/plugin-kamaji-common';

/** The longest entity name the catalog accepts. */
export const MAX_ENTITY_NAME_LENGTH = 63;
const HASH_LENGTH = 10;
const VALID_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, HASH_LENGTH);
}

/**
 * The catalog entity name of a fleet cluster. Unique per cluster id and stable.
 *
 * - management cluster `central` → `central`
 * - declared cluster `central/fleet-tenants/shop-1` → `central--fleet-tenants--shop-1`
 * - unmanaged tenant `central/fleet-islands/island-b/tcp/kamaji-tenants/cams` →
 *   `central--fleet-islands--island-b--tcp--kamaji-tenants--cams`
 *
 * The parts of an id are DNS labels or subdomains, which never start or end with `-`, so `--`
 * between parts is unambiguous as long as no part contains `--` itself. When a part does, or the
 * result is longer than 63 characters, the name becomes a readable prefix of the plain form
 * followed by `-h` and the first 10 hex digits of the SHA-256 of the full cluster id, e.g.
 * `central--fleet-tenants--a-very-long-tenant-na-h3f2a9c01be`. Text that is not a cluster id
 * (never produced by the fleet service) is hashed the same way.
 *
 * @public
 */
export function clusterEntityName(id: ClusterId): string {
  const parsed = parseClusterId(id);
  const parts = parsed ? id.split('/') : [id.toLowerCase()];
  const joined = parts.join('--');
  const ambiguous = !parsed || parts.some(p => p.includes('--'));
  if (
    !ambiguous &&
    joined.length <= MAX_ENTITY_NAME_LENGTH &&
    VALID_NAME.test(joined)
  ) {
    return joined;
  }
  const suffix = `-h${shortHash(id)}`;
  let prefix = joined
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .slice(0, MAX_ENTITY_NAME_LENGTH - suffix.length);
  // The prefix must start with an alphanumeric and may not end in a separator.
  prefix = prefix.replace(/^[^A-Za-z0-9]+/, '').replace(/[^A-Za-z0-9]+$/, '');
  return prefix ? `${prefix}${suffix}` : suffix.slice(1);
}

/** Whether a text is a valid catalog entity name (catalog-model's object name rule). */
export function isValidEntityName(name: string): boolean {
  return name.length <= MAX_ENTITY_NAME_LENGTH && VALID_NAME.test(name);
}
