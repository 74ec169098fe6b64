import type {
  LoggerService,
  RootLoggerService,
} from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { FLEET_USER, LocalControlPlane } from '@internal/test-kube';
import { readFleetConfig } from '../config';
import { KubeFleetService } from '../KubeFleetService';

// The plane, RBAC, seeding, polling and credential-scan helpers live in @internal/test-kube
// (shared with the catalog and Kubernetes modules' tests); the fleet service's own ones are below.
export {
  applyAll,
  credentialPatterns,
  findCredentials,
  FLEET_USER,
  ISLANDS,
  rbacDocuments,
  startFleetPlane,
  TEST_FIELD_MANAGER,
  waitFor,
} from '@internal/test-kube';

/** A Kubernetes object as YAML gives it. */
export type AnyObject = {
  apiVersion: string;
  kind: string;
  metadata: any;
  [k: string]: any;
};

/** A LoggerService that keeps every line (message + meta, as JSON) for the credential scan. */
export class CapturingLogger implements RootLoggerService {
  constructor(
    readonly lines: string[] = [],
    private readonly meta: Record<string, unknown> = {},
    private readonly echo = !!process.env.FLEET_TEST_LOGS,
  ) {}

  private log(
    level: string,
    message: string,
    meta?: Error | Record<string, unknown>,
  ) {
    const extra =
      meta instanceof Error
        ? { error: `${meta.name}: ${meta.message}\n${meta.stack ?? ''}` }
        : meta ?? {};
    const line = `${new Date().toISOString()} ${level} ${message} ${JSON.stringify(
      {
        ...this.meta,
        ...extra,
      },
    )}`;
    this.lines.push(line);
    // eslint-disable-next-line no-console
    if (this.echo) console.log(line);
  }
  error(message: string, meta?: Error | Record<string, unknown>) {
    this.log('error', message, meta);
  }
  warn(message: string, meta?: Error | Record<string, unknown>) {
    this.log('warn', message, meta);
  }
  info(message: string, meta?: Error | Record<string, unknown>) {
    this.log('info', message, meta);
  }
  debug(message: string, meta?: Error | Record<string, unknown>) {
    this.log('debug', message, meta);
  }
  child(meta: Record<string, unknown>): LoggerService {
    return new CapturingLogger(
      this.lines,
      { ...this.meta, ...meta },
      this.echo,
    );
  }
}

/** Fleet service configuration for the local control plane, as a user's kubeconfig file. */
export function fleetConfigFor(
  plane: LocalControlPlane,
  user = FLEET_USER.name,
  fleet: object = {},
) {
  return new ConfigReader({
    kamaji: {
      managementClusters: [
        {
          name: 'central',
          title: 'Central (cloud)',
          kubeconfig: { path: plane.state.users[user].kubeconfigs.central },
        },
      ],
      fleet: { debounce: '50ms', ...fleet },
    },
  });
}

export function startService(
  plane: LocalControlPlane,
  logger: CapturingLogger,
  user?: string,
) {
  const service = new KubeFleetService(
    readFleetConfig(fleetConfigFor(plane, user)),
    logger,
    {
      islandReadyTimeoutMs: 30_000,
    },
  );
  service.start();
  return service;
}
