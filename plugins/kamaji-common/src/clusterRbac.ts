/**
 * RBAC objects this project puts into tenant clusters and islands (the Kubernetes plugin's
 * impersonating identity, the owner team's workload role), written once: the Kubernetes backend
 * module installs the impersonator with them, the tenant templates carry them in a
 * ClusterResourceSet, and `examples/deploy/rbac.yaml` lists the same objects.
 */

/** A ServiceAccount by namespace and name. @public */
export interface ServiceAccountRef {
  /** The ServiceAccount's namespace. */
  namespace: string;
  /** The ServiceAccount's name. */
  name: string;
}

/**
 * The identity the Kubernetes plugin reaches fleet clusters with: it may impersonate users and
 * groups and do nothing else. @public
 */
export const KAMAJI_IMPERSONATOR: ServiceAccountRef = {
  namespace: 'kube-system',
  name: 'kamaji-backstage-impersonator',
};

/** The ClusterRole (and ClusterRoleBinding) name of the impersonator. @public */
export const KAMAJI_IMPERSONATOR_ROLE = 'kamaji-backstage-impersonator';

/** The ClusterRoleBinding that gives a tenant's owner group its workload role. @public */
export const KAMAJI_OWNER_BINDING = 'kamaji-backstage-owner';

/** The built-in ClusterRole an owner group gets in its tenant cluster by default. @public */
export const DEFAULT_OWNER_CLUSTER_ROLE = 'edit';

const LABELS = { 'app.kubernetes.io/part-of': 'kamaji-backstage' };

/** A plain Kubernetes object as the RBAC helpers write it. @public */
export interface RbacObject {
  /** E.g. `rbac.authorization.k8s.io/v1`. */
  apiVersion: string;
  /** E.g. `ClusterRoleBinding`. */
  kind: string;
  /** Name, namespace (namespaced kinds) and the `app.kubernetes.io/part-of` label. */
  metadata: {
    name: string;
    namespace?: string;
    labels: Record<string, string>;
  };
  /** The kind's own fields (rules, roleRef, subjects). */
  [key: string]: unknown;
}

/**
 * The impersonator: its ServiceAccount, a ClusterRole allowing only `impersonate` on users and
 * groups, and the binding between them.
 *
 * @public
 */
export function impersonatorObjects(
  sa: ServiceAccountRef = KAMAJI_IMPERSONATOR,
): RbacObject[] {
  return [
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: sa.name, namespace: sa.namespace, labels: LABELS },
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: KAMAJI_IMPERSONATOR_ROLE, labels: LABELS },
      rules: [
        {
          apiGroups: [''],
          resources: ['users', 'groups'],
          verbs: ['impersonate'],
        },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: KAMAJI_IMPERSONATOR_ROLE, labels: LABELS },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: KAMAJI_IMPERSONATOR_ROLE,
      },
      subjects: [
        { kind: 'ServiceAccount', name: sa.name, namespace: sa.namespace },
      ],
    },
  ];
}

/**
 * The ClusterRoleBinding that gives the owner group of a tenant cluster a workload role there
 * (default `edit`). `ownerGroupRef` is the group as the Kubernetes plugin impersonates it: a
 * normalised entity ref, `group:default/team-retail`.
 *
 * @public
 */
export function ownerBindingObject(
  ownerGroupRef: string,
  clusterRole: string = DEFAULT_OWNER_CLUSTER_ROLE,
): RbacObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: KAMAJI_OWNER_BINDING, labels: LABELS },
    roleRef: {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: clusterRole,
    },
    subjects: [
      {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'Group',
        name: ownerGroupRef,
      },
    ],
  };
}
