import { kubeConfigFromSecretValue } from './secretKubeConfig';

const kubeconfig = (
  user: string,
  cluster = 'certificate-authority-data: Q0E=',
) => `apiVersion: v1
kind: Config
clusters:
- name: island
  cluster:
    server: https://10.0.0.1:6443
    ${cluster}
users:
- name: admin
  user:
    ${user}
contexts:
- name: ctx
  context: {cluster: island, user: admin}
current-context: ctx
`;

describe('kubeConfigFromSecretValue', () => {
  it('accepts inline credentials', () => {
    const kc = kubeConfigFromSecretValue(
      kubeconfig('token: s3cret-token'),
      'Secret ns/x',
    );
    expect(kc.getCurrentCluster()?.server).toBe('https://10.0.0.1:6443');
    expect(kc.getCurrentUser()?.token).toBe('s3cret-token');
    const cert = kubeConfigFromSecretValue(
      kubeconfig(
        'client-certificate-data: Q0VSVA==\n    client-key-data: S0VZ',
      ),
      'Secret ns/x',
    );
    expect(cert.getCurrentUser()).toMatchObject({
      certData: 'Q0VSVA==',
      keyData: 'S0VZ',
    });
  });

  it.each([
    [
      'exec',
      'exec: {command: /bin/sh, args: ["-c", "touch /tmp/pwned"], apiVersion: client.authentication.k8s.io/v1}',
    ],
    ['auth-provider', 'auth-provider: {name: oidc}'],
    ['client-key', 'client-key: /etc/shadow'],
    ['tokenFile', 'tokenFile: /var/run/secrets/token'],
  ])('refuses %s (commands and local files)', (what, user) => {
    expect(() =>
      kubeConfigFromSecretValue(kubeconfig(user), 'Secret ns/x'),
    ).toThrow(new RegExp(`Secret ns/x: kubeconfig uses ${what}`));
  });

  it('refuses a CA file path', () => {
    expect(() =>
      kubeConfigFromSecretValue(
        kubeconfig('token: t', 'certificate-authority: /etc/ca.crt'),
        'S',
      ),
    ).toThrow(/certificate-authority/);
  });

  it('never quotes the text in its errors', () => {
    for (const text of [
      'token: s3cret-token\n  bad: [',
      'just-a-s3cret-token',
      kubeconfig('token: s3cret-token').replace(
        'current-context: ctx',
        'current-context: nope',
      ),
    ]) {
      let message = '';
      try {
        kubeConfigFromSecretValue(text, 'Secret ns/x');
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toMatch(/^Secret ns\/x: /);
      expect(message).not.toContain('s3cret');
    }
  });
});
