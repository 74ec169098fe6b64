import https from 'node:https';
import { topPods } from '@kubernetes/client-node';
import {
  ANNOTATION_KUBERNETES_AUTH_PROVIDER,
  FetchResponse,
  KubernetesErrorTypes,
  KubernetesFetchError,
} from '@backstage/plugin-kubernetes-common';
import {
  ClusterDetails,
  FetchResponseWrapper,
  KubernetesCredential,
  KubernetesFetcher,
  ObjectFetchParams,
  ObjectToFetch,
} from '@backstage/plugin-kubernetes-node';
import { KAMAJI_AUTH_PROVIDER } from './KamajiAuthStrategy';
import { impersonationHeaders, impersonationOf } from './impersonation';

const REQUEST_TIMEOUT_MS = 30_000;

type Answer = { status: number; body: any } | { unreachable: string };

const ERROR_TYPES: Record<number, KubernetesErrorTypes> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED_ERROR',
  // The cluster's RBAC refused the impersonated user: not allowed.
  403: 'UNAUTHORIZED_ERROR',
  404: 'NOT_FOUND',
  500: 'SYSTEM_ERROR',
};

/** Whether a cluster is one of the fleet's (auth provider `kamaji`). */
export function isFleetCluster(cluster: ClusterDetails): boolean {
  return (
    cluster.authMetadata[ANNOTATION_KUBERNETES_AUTH_PROVIDER] ===
    KAMAJI_AUTH_PROVIDER
  );
}

function resourcePath(
  { group, apiVersion, plural }: Omit<ObjectToFetch, 'objectType'>,
  namespace?: string,
): string {
  const e = encodeURIComponent;
  const base = group
    ? `/apis/${e(group)}/${e(apiVersion)}`
    : `/api/${e(apiVersion)}`;
  return `${base}${namespace ? `/namespaces/${e(namespace)}` : ''}/${e(
    plural,
  )}`;
}

function redactSecrets(items: any[]): any[] {
  const stars = (data: unknown) =>
    data && typeof data === 'object'
      ? Object.fromEntries(Object.keys(data).map(k => [k, '***']))
      : data;
  return items.map(i => ({
    ...i,
    data: stars(i.data),
    stringData: stars(i.stringData),
  }));
}

/** The items of a list answer; Secrets redacted, custom resources with their kind. */
function resourcesOf(o: ObjectToFetch, list: any): any[] {
  const items: any[] = list.items ?? [];
  if (o.objectType === 'secrets') return redactSecrets(items);
  if (o.objectType !== 'customresources') return items;
  const kind = String(list.kind ?? '').replace(/List$/, '');
  return items.map(i => ({ ...i, kind }));
}

/**
 * The object fetcher of the Kubernetes plugin (`kubernetesFetcherExtensionPoint`). Requests to
 * fleet clusters go out as the user the cluster details were handed out for: the impersonator's
 * token from the auth strategy plus `Impersonate-User` and one `Impersonate-Group` per group, so
 * the cluster's RBAC decides and its audit log names the user. The kubernetes-backend's own
 * fetcher builds its headers from the credential alone, which leaves no place for them. Requests
 * to other clusters go to that fetcher unchanged. A 403 is reported as `UNAUTHORIZED_ERROR` with
 * status code 403, which the Kubernetes tab shows for that cluster.
 *
 * @public
 */
export class KamajiFetcher implements KubernetesFetcher {
  private readonly agents = new Map<string, https.Agent>();

  constructor(private readonly other: KubernetesFetcher) {}

  async fetchObjectsForService(
    params: ObjectFetchParams,
  ): Promise<FetchResponseWrapper> {
    const { clusterDetails: cluster, credential } = params;
    if (!isFleetCluster(cluster))
      return this.other.fetchObjectsForService(params);
    const wanted = [...params.objectTypesToFetch, ...params.customResources];
    const results = await Promise.all(
      wanted.map(async (o): Promise<FetchResponse | KubernetesFetchError> => {
        const path = resourcePath(o, params.namespace);
        const answer = await this.get(
          cluster,
          credential,
          path,
          params.labelSelector,
        );
        if (!('status' in answer) || answer.status !== 200)
          return this.errorOf(path, answer);
        return {
          type: o.objectType,
          resources: resourcesOf(o, answer.body),
        } as FetchResponse;
      }),
    );
    return wrap(results);
  }

  async fetchPodMetricsByNamespaces(
    cluster: ClusterDetails,
    credential: KubernetesCredential,
    namespaces: Set<string>,
    labelSelector?: string,
  ): Promise<FetchResponseWrapper> {
    if (!isFleetCluster(cluster))
      return this.other.fetchPodMetricsByNamespaces(
        cluster,
        credential,
        namespaces,
        labelSelector,
      );
    const results = await Promise.all(
      [...namespaces].map(async ns => {
        const metricsPath = resourcePath(
          { group: 'metrics.k8s.io', apiVersion: 'v1beta1', plural: 'pods' },
          ns,
        );
        const podsPath = resourcePath(
          { group: '', apiVersion: 'v1', plural: 'pods' },
          ns,
        );
        const [metrics, pods] = await Promise.all([
          this.get(cluster, credential, metricsPath, labelSelector),
          this.get(cluster, credential, podsPath, labelSelector),
        ]);
        if (!('status' in metrics) || metrics.status !== 200)
          return this.errorOf(metricsPath, metrics);
        if (!('status' in pods) || pods.status !== 200)
          return this.errorOf(podsPath, pods);
        const resources = await topPods(
          { listPodForAllNamespaces: async () => pods.body } as any,
          { getPodMetrics: async () => metrics.body } as any,
        );
        return { type: 'podstatus', resources } as FetchResponse;
      }),
    );
    return wrap(results);
  }

  private errorOf(path: string, answer: Answer): KubernetesFetchError {
    if ('unreachable' in answer)
      return { errorType: 'FETCH_ERROR', message: answer.unreachable };
    return {
      errorType: ERROR_TYPES[answer.status] ?? 'UNKNOWN_ERROR',
      statusCode: answer.status,
      resourcePath: path,
    };
  }

  private agentFor(cluster: ClusterDetails): https.Agent {
    const key = `${cluster.url}|${
      cluster.caData ?? ''
    }|${!!cluster.skipTLSVerify}`;
    let agent = this.agents.get(key);
    if (!agent) {
      agent = new https.Agent({
        ca: cluster.caData ? Buffer.from(cluster.caData, 'base64') : undefined,
        rejectUnauthorized: !cluster.skipTLSVerify,
        keepAlive: true,
      });
      this.agents.set(key, agent);
    }
    return agent;
  }

  /** One GET as the cluster details' user; network failures are an answer, not an exception. */
  private get(
    cluster: ClusterDetails,
    credential: KubernetesCredential,
    path: string,
    labelSelector?: string,
  ): Promise<Answer> {
    const url = new URL(cluster.url);
    url.pathname = `${url.pathname.replace(/\/$/, '')}${path}`;
    if (labelSelector) url.searchParams.set('labelSelector', labelSelector);
    const who = impersonationOf(cluster.authMetadata);
    const headers = {
      accept: 'application/json',
      ...(credential.type === 'bearer token'
        ? { authorization: `Bearer ${credential.token}` }
        : {}),
      ...(who ? impersonationHeaders(who) : {}),
    };
    return new Promise(resolve => {
      const req = https.request(
        url,
        { method: 'GET', headers, agent: this.agentFor(cluster) },
        res => {
          const chunks: Buffer[] = [];
          res.on('data', c => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let body: any;
            try {
              body = JSON.parse(text);
            } catch {
              body = {};
            }
            resolve({ status: res.statusCode ?? 0, body });
          });
          res.on('error', e => resolve({ unreachable: e.message }));
        },
      );
      req.setTimeout(REQUEST_TIMEOUT_MS, () =>
        req.destroy(new Error(`no answer in ${REQUEST_TIMEOUT_MS / 1000} s`)),
      );
      req.on('error', e =>
        resolve({
          unreachable: `request to ${cluster.name} failed: ${e.message}`,
        }),
      );
      req.end();
    });
  }
}

function wrap(
  results: Array<FetchResponse | KubernetesFetchError>,
): FetchResponseWrapper {
  const errors: KubernetesFetchError[] = [];
  const responses: FetchResponse[] = [];
  for (const r of results) {
    if ('errorType' in r) errors.push(r);
    else responses.push(r);
  }
  return { errors, responses };
}
