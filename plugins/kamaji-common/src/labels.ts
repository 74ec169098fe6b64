/**
 * Labels and annotations this project reads and writes.
 *
 * On Kubernetes objects (the management cluster is the source of truth):
 *
 * @public
 */
export const KAMAJI_LABELS = {
  /** On a Cluster: the catalog group that owns it, as a group name in the default namespace or `<namespace>.<name>`. */
  owner: 'kamaji-backstage.io/owner',
  /** On a Cluster: marks it as an island (a management cluster at an edge site). Value `island`. */
  role: 'kamaji-backstage.io/role',
  /** On a Cluster: the site it serves (factory, shop, hospital), free text as a label value. */
  site: 'kamaji-backstage.io/site',
  /** On a tenant Cluster: the island that hosts its control plane (informational; the KCP reference is authoritative). */
  island: 'kamaji-backstage.io/island',
  /** Prefix of the labels by which addon sets select clusters: `addons.kamaji-backstage.io/<set>: enabled`. */
  addonSetPrefix: 'addons.kamaji-backstage.io/',
  /** CAPI's own cluster-name label. */
  capiClusterName: 'cluster.x-k8s.io/cluster-name',
  /** CAPI's MachineDeployment label on MachineSets and Machines. */
  capiDeploymentName: 'cluster.x-k8s.io/deployment-name',
} as const;

/**
 * Annotations on Kubernetes objects.
 *
 * @public
 */
export const KAMAJI_ANNOTATIONS = {
  /** Who asked for an object created through Backstage: a user entity ref. */
  requestedBy: 'kamaji-backstage.io/requested-by',
  /** The scaffolder task that created an object. */
  taskId: 'kamaji-backstage.io/task-id',
} as const;

/**
 * Labels and annotations on catalog entities that stand for clusters.
 *
 * @public
 */
export const KAMAJI_ENTITY = {
  /** The annotation entity cards use to find the cluster in the fleet API; its value is a {@link ClusterId}. */
  clusterIdAnnotation: 'kamaji-backstage.io/cluster-id',
  /** The label carrying the cluster's role: management, island or tenant. */
  roleLabel: 'kamaji-backstage.io/role',
  /** `spec.type` of cluster Resource entities. */
  resourceType: 'kubernetes-cluster',
  /**
   * The Kubernetes plugin's auth provider of fleet clusters: the backend module resolves their
   * credentials itself, the frontend sends none.
   */
  kubernetesAuthProvider: 'kamaji',
} as const;

/** The value of {@link KAMAJI_LABELS.role} on islands. @public */
export const ISLAND_ROLE_VALUE = 'island';

/** The field manager of every write this project makes. @public */
export const KAMAJI_FIELD_MANAGER = 'kamaji-backstage';
