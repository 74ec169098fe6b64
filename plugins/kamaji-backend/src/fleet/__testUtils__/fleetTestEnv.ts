import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type {
  LoggerService,
  RootLoggerService,
} from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { parseAllDocuments } from 'yaml';
import {
  FleetObjectApi,
  LocalControlPlane,
  REPO_ROOT,
  seedFleet,
} from '@internal/test-kube';
import { readFleetConfig } from '../config';
import { KubeFleetService } from '../KubeFleetService';

/** The user the fleet runs as in the integration tests, in group kamaji-backstage (bound by rbac.yaml). */
export const FLEET_USER = {
  name: 'kamaji-backstage',
  groups: ['kamaji-backstage'],
};
export const ISLANDS = ['island-a', 'island-b'];
export const TEST_FIELD_MANAGER = 'kamaji-backstage-test';

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

/** The documents of examples/deploy/rbac.yaml, for management clusters or for islands. */
export function rbacDocuments(target: 'management' | 'island'): AnyObject[] {
  const text = readFileSync(
    join(REPO_ROOT, 'examples', 'deploy', 'rbac.yaml'),
    'utf8',
  );
  const docs = parseAllDocuments(text)
    .map(d => d.toJS() as AnyObject)
    .filter(Boolean);
  return docs.filter(d =>
    target === 'island'
      ? d.metadata.name.startsWith('kamaji-backstage-island-')
      : !d.metadata.name.startsWith('kamaji-backstage-island-'),
  );
}

export async function applyAll(api: FleetObjectApi, objs: AnyObject[]) {
  for (const o of objs)
    await api.apply(o, { fieldManager: TEST_FIELD_MANAGER });
}

/**
 * Starts the local control plane with the fleet user (and `extraUsers`), applies rbac.yaml with
 * the admin credentials (management part to central, island part to the islands) and seeds the
 * example fleet; the islands' kubeconfig Secrets hold the fleet user's kubeconfig, so islands are
 * read with the island role only.
 */
export async function startFleetPlane(
  extraUsers: Array<{ name: string; groups: string[] }> = [],
) {
  const plane = await LocalControlPlane.start({
    users: [FLEET_USER, ...extraUsers],
  });
  const admin = (c: string) => FleetObjectApi.forConfig(plane.kubeConfig(c));
  await applyAll(admin('central'), rbacDocuments('management'));
  for (const island of ISLANDS)
    await applyAll(admin(island), rbacDocuments('island'));
  const seeded = await seedFleet({
    clusters: {
      central: plane.kubeConfig('central'),
      'island-a': plane.kubeConfig('island-a'),
      'island-b': plane.kubeConfig('island-b'),
    },
    islandKubeconfigs: Object.fromEntries(
      ISLANDS.map(i => [i, plane.kubeConfigYaml(i, FLEET_USER.name)]),
    ),
  });
  return { plane, admin, seeded };
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

/** Polls until `check` returns a truthy value; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 20_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise(r => setTimeout(r, intervalMs));
  }
}

/**
 * Everything that must never appear in logs or the model: private keys, kubeconfig credential
 * fields, bearer tokens, and the harness's static tokens and client keys.
 */
export function credentialPatterns(plane: LocalControlPlane): RegExp[] {
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const patterns = [
    /BEGIN [A-Z ]*PRIVATE KEY/,
    /client-key-data/,
    /client-certificate-data/,
    /certificate-authority-data/,
    /\btoken:\s*\S/,
    /Bearer\s+\S/i,
    /Authorization/i,
  ];
  const state = plane.state;
  for (const u of Object.values(state.users)) {
    if (u.token) patterns.push(new RegExp(escape(u.token)));
    for (const file of Object.values(u.kubeconfigs)) {
      const text = readFileSync(file, 'utf8');
      const key = /client-key-data:\s*(\S+)/.exec(text)?.[1];
      if (key) patterns.push(new RegExp(escape(key.slice(0, 40))));
    }
  }
  return patterns;
}

export function findCredentials(texts: string[], patterns: RegExp[]): string[] {
  const found: string[] = [];
  for (const t of texts) {
    for (const p of patterns)
      if (p.test(t)) found.push(`${p} in: ${t.slice(0, 200)}`);
  }
  return found;
}
