/*
 * TEST HELPER. Starts a test backend with the kamaji plugin, an in-memory fleet, the test
 * permissions and a root logger that keeps every line (to scan it for credentials).
 */
import {
  BackendFeature,
  RootLoggerService,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';

/** The config a test backend is started with. */
export type JsonObject = NonNullable<
  Parameters<typeof mockServices.rootConfig.factory>[0]
>['data'];
import { kamajiAuditServiceFactory } from '../../database/auditServiceFactory';
import { kamajiPlugin } from '../../plugin';
import { InMemoryFleetService } from './InMemoryFleetService';
import { TestPermissions } from './testPermissions';

export class CapturingLogger implements RootLoggerService {
  constructor(
    readonly lines: string[] = [],
    private readonly meta: Record<string, unknown> = {},
  ) {}
  private log(level: string, message: string, meta?: unknown) {
    let extra = '';
    try {
      extra =
        meta === undefined
          ? ''
          : ` ${JSON.stringify(
              meta,
              Object.getOwnPropertyNames(meta as object),
            )}`;
    } catch {
      extra = ` ${String(meta)}`;
    }
    this.lines.push(`${level} ${JSON.stringify(this.meta)} ${message}${extra}`);
    if (process.env.KAMAJI_TEST_LOGS) {
      // eslint-disable-next-line no-console
      console.log(this.lines[this.lines.length - 1]);
    }
  }
  error(message: string, meta?: unknown) {
    this.log('error', message, meta);
  }
  warn(message: string, meta?: unknown) {
    this.log('warn', message, meta);
  }
  info(message: string, meta?: unknown) {
    this.log('info', message, meta);
  }
  debug(message: string, meta?: unknown) {
    this.log('debug', message, meta);
  }
  child(meta: Record<string, unknown>) {
    return new CapturingLogger(this.lines, { ...this.meta, ...meta });
  }
}

/**
 * `config` with response validation on and, unless it says otherwise, the read decision asked on
 * every request: tests change the test permissions' answers between requests.
 */
function testConfig(config: JsonObject = {}): JsonObject {
  const kamaji = (config.kamaji ?? {}) as NonNullable<JsonObject>;
  const api = (kamaji.api ?? {}) as NonNullable<JsonObject>;
  return {
    ...config,
    kamaji: {
      ...kamaji,
      api: { validateResponses: true, readPermissionCacheSeconds: 0, ...api },
    },
  };
}

export async function startKamajiTestBackend(options: {
  fleet: InMemoryFleetService;
  permissions?: TestPermissions;
  config?: JsonObject;
  logger?: CapturingLogger;
  /** More features, e.g. a module of another plugin writing through kamajiAuditServiceRef. */
  features?: BackendFeature[];
}) {
  const permissions = options.permissions ?? new TestPermissions();
  const logger = options.logger ?? new CapturingLogger();
  const backend = await startTestBackend({
    features: [
      kamajiPlugin,
      kamajiAuditServiceFactory,
      ...(options.features ?? []),
      options.fleet.factory(),
      permissions.factory(),
      createServiceFactory({
        service: coreServices.rootLogger,
        deps: {},
        factory: () => logger,
      }),
      mockServices.rootConfig.factory({ data: testConfig(options.config) }),
    ],
  });
  return { backend, server: backend.server, permissions, logger };
}

/** Credential material that must never appear in a response or a log line. */
export const CREDENTIAL_PATTERN =
  /BEGIN [A-Z ]*PRIVATE KEY|client-key-data|client-certificate-data|\btoken\b/i;
