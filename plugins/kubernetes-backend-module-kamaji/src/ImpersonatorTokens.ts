import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ClusterId,
  impersonatorObjects,
  KAMAJI_FIELD_MANAGER,
  ServiceAccountRef,
} from '@kamaji-backstage/plugin-kamaji-common';
import {
  FleetService,
  KubeApiError,
  KubeClient,
} from '@kamaji-backstage/plugin-kamaji-node';

/** Settings of the impersonating identity (`kamaji.kubernetes.impersonator`). @public */
export interface ImpersonatorSettings {
  /** The impersonating ServiceAccount in every fleet cluster. */
  serviceAccount: ServiceAccountRef;
  /** Whether the ServiceAccount and its impersonate-only role are created when missing. */
  install: boolean;
  /** Lifetime asked of each TokenRequest. */
  tokenSeconds: number;
}

interface Token {
  /** Undefined after a failure, retried at `renewAt`. */
  token?: string;
  /** When to ask for a new one: four fifths into its lifetime, or a while after a failure. */
  renewAt: number;
}

const RETRY_MS = 30_000;

/**
 * Short-lived tokens of the impersonating ServiceAccount of each fleet cluster, obtained with
 * the identity of the cluster's CAPI kubeconfig Secret through the TokenRequest API. That identity
 * (often the cluster's admin) is used only here: to ask for a token and, with `install`, to create
 * the ServiceAccount and its impersonate-only ClusterRole once. It never makes a user's request.
 *
 * @public
 */
export class ImpersonatorTokens {
  private readonly tokens = new Map<ClusterId, Promise<Token>>();
  private readonly refused = new Set<ClusterId>();

  constructor(
    private readonly fleet: FleetService,
    private readonly settings: ImpersonatorSettings,
    private readonly logger: LoggerService,
    private readonly now = () => Date.now(),
  ) {}

  /** The impersonator's token for a cluster; undefined when it cannot be had (logged once). */
  async get(id: ClusterId): Promise<string | undefined> {
    const cached = this.tokens.get(id);
    if (cached) {
      const hit = await cached;
      if (this.now() < hit.renewAt) return hit.token;
      if (cached !== this.tokens.get(id)) return this.get(id); // renewed meanwhile
    }
    const next = this.request(id);
    this.tokens.set(id, next);
    return (await next).token;
  }

  /** Forgets a cluster's token (its access changed or it is gone). */
  forget(id: ClusterId) {
    this.tokens.delete(id);
  }

  private async request(id: ClusterId): Promise<Token> {
    try {
      const access = await this.fleet.getClusterAccess(id);
      if (!access) throw new Error('no kubeconfig Secret readable');
      const api = new KubeClient(access.kubeConfig);
      let answer;
      try {
        answer = await this.tokenRequest(api);
      } catch (e) {
        const missing = e instanceof KubeApiError && e.statusCode === 404;
        if (!missing || !this.settings.install) throw e;
        await this.install(api);
        answer = await this.tokenRequest(api);
      }
      this.refused.delete(id);
      const seconds = answer.expiresAt
        ? (Date.parse(answer.expiresAt) - this.now()) / 1000
        : this.settings.tokenSeconds;
      return {
        token: answer.token,
        renewAt: this.now() + seconds * 800,
      };
    } catch (e) {
      if (!this.refused.has(id)) {
        this.refused.add(id);
        const sa = this.settings.serviceAccount;
        this.logger.warn(
          `kamaji: no impersonator token for ${id} (ServiceAccount ${
            sa.namespace
          }/${sa.name}): ${
            e instanceof Error ? e.message : e
          }; requests to it are refused until there is one`,
        );
      }
      return { renewAt: this.now() + RETRY_MS };
    }
  }

  private async tokenRequest(
    api: KubeClient,
  ): Promise<{ token: string; expiresAt?: string }> {
    const sa = this.settings.serviceAccount;
    const answer = await api.request(
      'POST',
      `/api/v1/namespaces/${sa.namespace}/serviceaccounts/${sa.name}/token`,
      {
        body: {
          apiVersion: 'authentication.k8s.io/v1',
          kind: 'TokenRequest',
          spec: { expirationSeconds: this.settings.tokenSeconds },
        },
      },
    );
    const token = answer?.status?.token;
    if (typeof token !== 'string' || !token)
      throw new Error('the TokenRequest answer holds no token');
    return { token, expiresAt: answer.status.expirationTimestamp };
  }

  private async install(api: KubeClient) {
    for (const obj of impersonatorObjects(this.settings.serviceAccount)) {
      await api.apply(obj, { fieldManager: KAMAJI_FIELD_MANAGER, force: true });
    }
  }
}
