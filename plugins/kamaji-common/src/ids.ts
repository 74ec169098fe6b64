import { ClusterId } from './model';

/**
 * Builds the id of a cluster declared in a management cluster.
 *
 * @public
 */
export function clusterId(ref: {
  managementCluster: string;
  namespace: string;
  name: string;
}): ClusterId {
  return `${ref.managementCluster}/${ref.namespace}/${ref.name}`;
}

/**
 * Builds the id of an unmanaged tenant: a TenantControlPlane found on an island
 * with no CAPI Cluster declaring it.
 *
 * @public
 */
export function unmanagedTenantId(
  islandId: ClusterId,
  ref: { namespace: string; name: string },
): ClusterId {
  return `${islandId}/tcp/${ref.namespace}/${ref.name}`;
}

/**
 * The parts of a cluster id, or undefined when the text is not one.
 *
 * @public
 */
export type ParsedClusterId =
  | { kind: 'management'; managementCluster: string }
  | {
      kind: 'declared';
      managementCluster: string;
      namespace: string;
      name: string;
    }
  | {
      kind: 'unmanaged';
      managementCluster: string;
      islandNamespace: string;
      islandName: string;
      namespace: string;
      name: string;
    };

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN =
  /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * Parses a cluster id; returns undefined for anything that is not a well-formed id.
 *
 * @public
 */
export function parseClusterId(id: string): ParsedClusterId | undefined {
  const parts = id.split('/');
  const labelsOk = (...p: string[]) => p.every(x => DNS_LABEL.test(x));
  if (parts.length === 1 && labelsOk(parts[0])) {
    return { kind: 'management', managementCluster: parts[0] };
  }
  if (
    parts.length === 3 &&
    labelsOk(parts[0], parts[1]) &&
    DNS_SUBDOMAIN.test(parts[2])
  ) {
    return {
      kind: 'declared',
      managementCluster: parts[0],
      namespace: parts[1],
      name: parts[2],
    };
  }
  if (
    parts.length === 6 &&
    parts[3] === 'tcp' &&
    labelsOk(parts[0], parts[1], parts[4]) &&
    DNS_SUBDOMAIN.test(parts[2]) &&
    DNS_SUBDOMAIN.test(parts[5])
  ) {
    return {
      kind: 'unmanaged',
      managementCluster: parts[0],
      islandNamespace: parts[1],
      islandName: parts[2],
      namespace: parts[4],
      name: parts[5],
    };
  }
  return undefined;
}
