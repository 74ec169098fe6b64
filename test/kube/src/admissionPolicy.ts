import {
  AdmissionregistrationV1Api,
  KubeConfig,
} from '@kubernetes/client-node';

/** What a test's ValidatingAdmissionPolicy refuses. */
export interface DenyRule {
  /** Name of the policy and its binding. */
  name: string;
  /** API group of the resource, e.g. `cluster.x-k8s.io`. */
  group: string;
  /** Plural resource name, e.g. `machinedeployments`. */
  resource: string;
  operation: 'CREATE' | 'UPDATE' | 'DELETE';
  /** CEL expression that must hold, e.g. `object.spec.replicas <= 5`. */
  expression: string;
  /** The API server's words when it does not. */
  message: string;
}

/**
 * A ValidatingAdmissionPolicy with its Deny binding: the API server's own refusal for a test
 * (admission runs on dry runs too). Policies take effect asynchronously: wait for the refusal.
 */
export async function denyWithAdmissionPolicy(
  kubeConfig: KubeConfig,
  rule: DenyRule,
): Promise<void> {
  const api = kubeConfig.makeApiClient(AdmissionregistrationV1Api);
  await api.createValidatingAdmissionPolicy({
    body: {
      metadata: { name: rule.name },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: {
          resourceRules: [
            {
              apiGroups: [rule.group],
              apiVersions: ['*'],
              operations: [rule.operation],
              resources: [rule.resource],
            },
          ],
        },
        validations: [{ expression: rule.expression, message: rule.message }],
      },
    },
  });
  await api.createValidatingAdmissionPolicyBinding({
    body: {
      metadata: { name: rule.name },
      spec: { policyName: rule.name, validationActions: ['Deny'] },
    },
  });
}
