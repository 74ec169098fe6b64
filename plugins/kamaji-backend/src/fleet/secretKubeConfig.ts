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
  const { cluster, user } = currentEntries(parseKubeconfig(text, where), where);
  refuseOutsideCredentials(cluster, user, where);
  if (!URL.canParse(cluster.server)) {
    throw new SafeError(`${where}: kubeconfig server is not a URL`);
  }
  return inlineKubeConfig(cluster, user);
}

const FORBIDDEN_CLUSTER_FIELDS = ['certificate-authority', 'proxy-url'];
const FORBIDDEN_USER_FIELDS = [
  'exec',
  'auth-provider',
  'client-certificate',
  'client-key',
  'tokenFile',
  'token-file',
  'as',
  'impersonate',
];

function parseKubeconfig(text: string, where: string): any {
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
  return doc;
}

/** The cluster and user of the kubeconfig's current context (else its first). */
function currentEntries(doc: any, where: string): { cluster: any; user: any } {
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
  return { cluster, user };
}

/** Refuses commands, auth providers, local files, proxies and impersonation. */
function refuseOutsideCredentials(cluster: any, user: any, where: string) {
  const used = [
    ...FORBIDDEN_CLUSTER_FIELDS.filter(k => cluster[k]),
    ...FORBIDDEN_USER_FIELDS.filter(k => user[k]),
  ];
  if (used.length) {
    throw new SafeError(
      `${where}: kubeconfig uses ${used.join(
        ', ',
      )}; only inline certificates, keys and tokens are accepted from Secrets`,
    );
  }
}

function inlineKubeConfig(cluster: any, user: any): KubeConfig {
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
