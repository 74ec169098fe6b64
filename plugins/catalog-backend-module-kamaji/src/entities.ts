import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  ClusterId,
  FleetCluster,
  KAMAJI_ENTITY,
  TenantNode,
  ownerEntityRef,
} from '@kamaji-backstage/plugin-kamaji-common';
import { KUBERNETES_LABEL_SELECTOR_QUERY_ANNOTATION } from '@backstage/plugin-kubernetes-common';
import { KamajiCatalogSettings } from './config';
import { clusterEntityName } from './naming';
import {
  TENANT_DEPENDS_ON_ANNOTATION,
  TENANT_PART_OF_ANNOTATION,
} from './TenantRelationsProcessor';
import { matchesSelector } from './selector';

/** The label marking entities of unmanaged tenant control planes (value `true`). @public */
export const UNMANAGED_LABEL = 'kamaji-backstage.io/unmanaged';
/** The label naming the management cluster that declares a cluster. @public */
export const MANAGEMENT_CLUSTER_LABEL =
  'kamaji-backstage.io/management-cluster';

/** The cluster a cluster depends on: an island's management cluster, a tenant's island (or its management cluster). */
function hostOf(node: FleetCluster): ClusterId | undefined {
  if (node.role === 'island') return node.managementCluster;
  if (node.role === 'tenant') return node.islandId ?? node.managementCluster;
  return undefined;
}

/** The location of every entity of one management cluster: `kamaji-fleet:<management cluster>`. */
export function locationOf(managementCluster: string): string {
  return `kamaji-fleet:${managementCluster}`;
}

/** A catalog tag from free text: lower case, `[a-z0-9:+#]` words joined by single dashes, ≤ 63 chars. */
export function toTag(text: string): string | undefined {
  const tag = text
    .toLowerCase()
    .replace(/[^a-z0-9:+#]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return tag || undefined;
}

/** `v1.34.2` → `k8s-v1-34`. */
export function versionTag(version: string | undefined): string | undefined {
  const m = /^v?(\d+)\.(\d+)/.exec(version ?? '');
  return m ? `k8s-v${m[1]}-${m[2]}` : undefined;
}

function kubernetesVersion(node: FleetCluster): string | undefined {
  if (node.role === 'tenant')
    return node.versions.running ?? node.versions.declared;
  if (node.role === 'island') return node.kubernetesVersion;
  return undefined;
}

function endpointUrl(endpoint: string | undefined): string | undefined {
  if (!endpoint) return undefined;
  const url = /^https?:\/\//.test(endpoint) ? endpoint : `https://${endpoint}`;
  try {
    return new URL(url).toString().replace(/\/$/, '');
  } catch {
    return undefined;
  }
}

/**
 * Maps fleet cluster ids to catalog entities, following the provider settings.
 *
 * @public
 */
export class ClusterEntityMapper {
  /** `kamaji.catalog.system` as a full entity ref, for the tenants' one-way relation. */
  private readonly systemRef?: string;

  constructor(private readonly settings: KamajiCatalogSettings) {
    this.systemRef =
      settings.system &&
      stringifyEntityRef(
        parseEntityRef(settings.system, {
          defaultKind: 'system',
          defaultNamespace: settings.namespace,
        }),
      );
  }

  /** The entity ref of a cluster's entity (whether or not the cluster is ingested). */
  entityRef(id: ClusterId): string {
    return stringifyEntityRef({
      kind: 'resource',
      namespace: this.settings.namespace,
      name: clusterEntityName(id),
    });
  }

  /** Whether a cluster becomes an entity at all. */
  includes(node: FleetCluster): boolean {
    const mcs = this.settings.managementClusters;
    if (mcs && !mcs.includes(node.managementCluster)) return false;
    if (node.role === 'management') return true;
    if (isUnmanaged(node) && !this.settings.includeUnmanaged) return false;
    return matchesSelector(node.labels ?? {}, this.settings.selector);
  }

  /** The entity of one cluster, or undefined when it is not ingested. */
  toEntity(node: FleetCluster): Entity | undefined {
    if (!this.includes(node)) return undefined;
    const host = hostOf(node);
    const hostRef = host ? this.entityRef(host) : undefined;
    // A tenant's host and system relations go one way only (TenantRelationsProcessor).
    const tenant = node.role === 'tenant';
    const endpoint =
      node.role === 'management' ? undefined : endpointUrl(node.endpoint);
    return {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: clusterEntityName(node.id),
        namespace: this.settings.namespace,
        title: node.title ?? node.name,
        description: descriptionOf(node),
        labels: {
          [KAMAJI_ENTITY.roleLabel]: node.role,
          [MANAGEMENT_CLUSTER_LABEL]: node.managementCluster,
          ...(isUnmanaged(node) ? { [UNMANAGED_LABEL]: 'true' } : {}),
        },
        annotations: this.annotationsOf(node, hostRef),
        tags: tagsOf(node),
        ...(endpoint
          ? { links: [{ url: endpoint, title: 'API server', icon: 'cloud' }] }
          : {}),
      },
      spec: {
        type: KAMAJI_ENTITY.resourceType,
        owner: ownerEntityRef(node.owner) ?? this.settings.defaultOwner,
        ...(!tenant && hostRef ? { dependsOn: [hostRef] } : {}),
        ...(!tenant && this.settings.system
          ? { system: this.settings.system }
          : {}),
      },
    };
  }

  private annotationsOf(
    node: FleetCluster,
    hostRef: string | undefined,
  ): Record<string, string> {
    const location = locationOf(node.managementCluster);
    const tenant = node.role === 'tenant';
    // The clusters the Kubernetes module offers get the Kubernetes tab (that cluster only).
    const kubernetesTab =
      node.role === 'island' || (node.role === 'tenant' && node.managed);
    const selector = this.settings.kubernetesLabelSelector;
    return {
      [ANNOTATION_LOCATION]: location,
      [ANNOTATION_ORIGIN_LOCATION]: location,
      [KAMAJI_ENTITY.clusterIdAnnotation]: node.id,
      ...(tenant && hostRef ? { [TENANT_DEPENDS_ON_ANNOTATION]: hostRef } : {}),
      ...(tenant && this.systemRef
        ? { [TENANT_PART_OF_ANNOTATION]: this.systemRef }
        : {}),
      ...(selector && kubernetesTab
        ? { [KUBERNETES_LABEL_SELECTOR_QUERY_ANNOTATION]: selector }
        : {}),
    };
  }
}

function isUnmanaged(node: FleetCluster): node is TenantNode {
  return node.role === 'tenant' && !node.managed;
}

function tagsOf(node: FleetCluster): string[] {
  const tags = [
    node.site ? toTag(node.site) : undefined,
    versionTag(kubernetesVersion(node)),
    toTag(node.health.status),
    node.staleness.stale ? 'stale' : undefined,
    isUnmanaged(node) ? 'unmanaged' : undefined,
  ].filter((t): t is string => !!t);
  return [...new Set(tags)];
}

function descriptionOf(node: FleetCluster): string {
  if (isUnmanaged(node)) {
    return `Unmanaged tenant control plane ${node.namespace ?? ''}/${
      node.name
    } found on island ${node.islandId ?? ''} (no Cluster API declaration)`;
  }
  if (node.role === 'management') return 'Kubernetes management cluster';
  const kind = node.role === 'island' ? 'island' : 'tenant cluster';
  return `Kubernetes ${kind} ${node.namespace}/${node.name} in ${node.managementCluster}`;
}
