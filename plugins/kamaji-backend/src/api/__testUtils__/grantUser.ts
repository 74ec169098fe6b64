import {
  KubeConfig,
  RbacAuthorizationV1Api,
  V1PolicyRule,
} from '@kubernetes/client-node';

/**
 * Gives the test user `user` exactly `rules`, cluster-wide (a ClusterRole and its binding, both
 * named after the user), as an administrator `admin`.
 */
export async function grantUser(
  admin: KubeConfig,
  user: string,
  rules: V1PolicyRule[],
): Promise<void> {
  const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
  await rbac.createClusterRole({ body: { metadata: { name: user }, rules } });
  await rbac.createClusterRoleBinding({
    body: {
      metadata: { name: user },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: user,
      },
      subjects: [
        { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user },
      ],
    },
  });
}
