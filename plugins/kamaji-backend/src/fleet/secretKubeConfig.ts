import { KubeConfig } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { SafeError } from '@kamaji-backstage/plugin-kamaji-node';

/**
 * Builds an in-memory KubeConfig from the kubeconfig text found in a Secret (a CAPI
 * `<cluster>-kubeconfig` Secret, key `value`).
 *
 * A Secret is data written by whoever can write Secrets in the management cluster, so only
 * self-contained credentials are accepted: inline CA / client certificate / key data, a bearer
 * token, or basic auth. Anything that would make the backend run a command (`exec`), call an auth
 * provider, or read a local file (`certificate-authority`, `client-key`, `tokenFile`, ...) is
 * refused. Errors never quote the text.
 */
export function kubeConfigFromSecretValue(
  text: string,
  where: string,
): KubeConfig {
  let doc: any;
  try {
    doc = parse(text);
  } catch {
    throw new SafeError(
      `${where}: not a valid kubeconfig (YAML does not parse)`,
    );
  }
  if (!doc || typeof doc !== 'object' || !Array.isArray(doc.clusters)) {
    throw new SafeError(`${where}: not a kubeconfig (no clusters)`);
  }
  const contexts: any[] = Array.isArray(doc.contexts) ? doc.contexts : [];
  const users: any[] = Array.isArray(doc.users) ? doc.users : [];
  const contextName: string | undefined =
    doc['current-context'] || contexts[0]?.name;
  const context = contexts.find(c => c?.name === contextName)?.context;
  if (!context)
    throw new SafeError(`${where}: kubeconfig has no usable context`);
  const cluster = doc.clusters.find(
    (c: any) => c?.name === context.cluster,
  )?.cluster;
  if (!cluster || typeof cluster.server !== 'string' || !cluster.server) {
    throw new SafeError(
      `${where}: kubeconfig context names no cluster with a server`,
    );
  }
  const user = users.find(u => u?.name === context.user)?.user ?? {};

  const forbiddenCluster = ['certificate-authority', 'proxy-url'].filter(
    k => cluster[k],
  );
  const forbiddenUser = [
    'exec',
    'auth-provider',
    'client-certificate',
    'client-key',
    'tokenFile',
    'token-file',
    'as',
    'impersonate',
  ].filter(k => user[k]);
  if (forbiddenCluster.length || forbiddenUser.length) {
    throw new SafeError(
      `${where}: kubeconfig uses ${[...forbiddenCluster, ...forbiddenUser].join(
        ', ',
      )}; only inline certificates, keys and tokens are accepted from Secrets`,
    );
  }
  if (!URL.canParse(cluster.server)) {
    throw new SafeError(`${where}: kubeconfig server is not a URL`);
  }

  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: 'target',
        server: cluster.server,
        caData: cluster['certificate-authority-data'],
        skipTLSVerify: cluster['insecure-skip-tls-verify'] === true,
        tlsServerName: cluster['tls-server-name'],
      },
    ],
    users: [
      {
        name: 'target',
        certData: user['client-certificate-data'],
        keyData: user['client-key-data'],
        token: user.token,
        username: user.username,
        password: user.password,
      },
    ],
    contexts: [{ name: 'target', cluster: 'target', user: 'target' }],
    currentContext: 'target',
  });
  return kc;
}
