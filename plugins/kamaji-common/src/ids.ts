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
 * The name Kamaji gives the TenantControlPlane of a KamajiControlPlane that references an external
 * cluster (an island): `kcp-<KamajiControlPlane uid>`.
 *
 * @public
 */
export function externalTenantControlPlaneName(kamajiControlPlaneUid: string) {
  return `kcp-${kamajiControlPlaneUid}`;
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
 * Whether a name is a DNS-1123 label (at most 63 characters of a-z, 0-9 and '-', alphanumeric at
 * both ends): what Kubernetes requires of namespace names and label-name segments.
 *
 * @public
 */
export function isDnsLabel(name: string): boolean {
  return DNS_LABEL.test(name);
}

/**
 * Whether a name is a DNS-1123 subdomain (at most 253 characters, dot-separated labels): what
 * Kubernetes requires of most object names.
 *
 * @public
 */
export function isDnsSubdomain(name: string): boolean {
  return DNS_SUBDOMAIN.test(name);
}

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
