/*
 * Test doubles for the action tests: an in-memory API server (ObjectClient), a fleet service
 * with a fixed snapshot, and the services the actions use. Not exported from the package.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { TemplateAction } from '@backstage/plugin-scaffolder-node';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { Entity } from '@backstage/catalog-model';
import {
  FleetSnapshot,
  IslandNode,
  KAMAJI_FIELD_MANAGER,
  NewAuditEvent,
} from '@kamaji-backstage/plugin-kamaji-common';
import {
  FleetService,
  KamajiAuditService,
} from '@kamaji-backstage/plugin-kamaji-node';
import {
  KubeApiError,
  ObjectClient,
  ObjectRef,
  StoredObject,
} from '../kube/ObjectClient';
import { KamajiActionDeps } from '../actions/common';
import {
  KamajiScaffolderSettings,
  defaultScaffolderSettings,
} from '../render/settings';

const key = (r: ObjectRef) =>
  `${r.apiVersion.split('/')[0]}|${r.kind}|${r.metadata.namespace ?? ''}|${
    r.metadata.name
  }`;

const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterProfile', 'DataStore']);

/** One request the fake API server received. */
export interface FakeCall {
  op: 'get' | 'apply' | 'delete' | 'list';
  kind: string;
  name?: string;
  dryRun?: boolean;
}

/**
 * An in-memory API server: server-side apply merges the sent object over the stored one (our
 * field manager only), resourceVersions move only on change, dry runs store nothing.
 */
export class FakeObjectClient implements ObjectClient {
  readonly objects = new Map<string, StoredObject>();
  readonly calls: FakeCall[] = [];
  /** Kinds the fake does not serve (like a missing CRD). */
  readonly notServed = new Set<string>();
  /** Makes a request fail: return an error to throw. */
  failWith?: (call: FakeCall, obj?: ObjectRef) => Error | undefined;
  private rv = 100;

  /** Writes made for real (not dry runs, not reads). */
  get writes(): FakeCall[] {
    return this.calls.filter(
      c => (c.op === 'apply' && !c.dryRun) || c.op === 'delete',
    );
  }

  seed(
    obj: Omit<StoredObject, 'metadata'> & { metadata: any },
    manager = 'someone-else',
  ) {
    const stored: StoredObject = {
      ...obj,
      metadata: {
        ...obj.metadata,
        uid: `uid-${this.rv}`,
        resourceVersion: String(++this.rv),
        managedFields: [{ manager, operation: 'Apply' }],
      },
    } as StoredObject;
    this.objects.set(key(stored), stored);
    return stored;
  }

  private fail(call: FakeCall, obj?: ObjectRef) {
    this.calls.push(call);
    const e = this.failWith?.(call, obj);
    if (e) throw e;
  }

  async get(ref: ObjectRef) {
    this.fail({ op: 'get', kind: ref.kind, name: ref.metadata.name }, ref);
    if (this.notServed.has(ref.kind)) return undefined;
    const o = this.objects.get(key(ref));
    return o ? structuredClone(o) : undefined;
  }

  async list(apiVersion: string, kind: string, namespace?: string) {
    this.fail({ op: 'list', kind });
    if (this.notServed.has(kind)) return undefined;
    return [...this.objects.values()]
      .filter(
        o =>
          o.kind === kind &&
          o.apiVersion.split('/')[0] === apiVersion.split('/')[0] &&
          (!namespace || o.metadata.namespace === namespace),
      )
      .map(o => structuredClone(o));
  }

  async apply(
    obj: ObjectRef & Record<string, unknown>,
    options: { fieldManager: string; dryRun?: boolean; force?: boolean },
  ) {
    const call: FakeCall = {
      op: 'apply',
      kind: obj.kind,
      name: obj.metadata.name,
      dryRun: !!options.dryRun,
    };
    this.fail(call, obj);
    if (this.notServed.has(obj.kind)) {
      throw KubeApiError.fromStatus('PATCH', 404, {
        reason: 'NotServed',
        message: `the API server does not serve ${obj.kind}`,
      });
    }
    const ns = obj.metadata.namespace;
    if (
      ns &&
      !CLUSTER_SCOPED.has(obj.kind) &&
      !this.objects.has(
        key({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }),
      )
    ) {
      throw KubeApiError.fromStatus('PATCH', 404, {
        reason: 'NotFound',
        message: `namespaces "${ns}" not found`,
      });
    }
    const existing = this.objects.get(key(obj));
    const { metadata, ...rest } = structuredClone(obj) as any;
    const merged: StoredObject = {
      ...(existing ? structuredClone(existing) : {}),
      ...rest,
      metadata: {
        ...(existing?.metadata ?? {}),
        ...metadata,
        labels: { ...existing?.metadata.labels, ...metadata.labels },
        annotations: {
          ...existing?.metadata.annotations,
          ...metadata.annotations,
        },
      },
    } as StoredObject;
    if (!Object.keys(merged.metadata.labels ?? {}).length)
      delete merged.metadata.labels;
    if (!Object.keys(merged.metadata.annotations ?? {}).length)
      delete merged.metadata.annotations;
    const managers = new Set(
      (existing?.metadata.managedFields ?? []).map(m => m.manager),
    );
    managers.add(options.fieldManager);
    merged.metadata.managedFields = [...managers].map(manager => ({
      manager,
      operation: 'Apply',
    }));
    const strip = (o?: StoredObject) => {
      if (!o) return undefined;
      const { resourceVersion, uid, managedFields, ...m } = o.metadata;
      return JSON.stringify({ ...o, metadata: m });
    };
    const changed = strip(existing) !== strip(merged);
    merged.metadata.uid = existing?.metadata.uid ?? `uid-${this.rv + 1}`;
    merged.metadata.resourceVersion =
      changed || !existing
        ? String(++this.rv)
        : existing.metadata.resourceVersion;
    if (!options.dryRun) this.objects.set(key(obj), merged);
    return structuredClone(merged);
  }

  async delete(ref: ObjectRef) {
    this.fail({ op: 'delete', kind: ref.kind, name: ref.metadata.name }, ref);
    this.objects.delete(key(ref));
  }

  /** Stored objects of a kind. */
  all(kind: string): StoredObject[] {
    return [...this.objects.values()].filter(o => o.kind === kind);
  }

  /** The fake with the namespaces and the central DataStore of the demo fleet. */
  static withFleetBasics(): FakeObjectClient {
    const c = new FakeObjectClient();
    for (const name of ['fleet-tenants', 'fleet-islands', 'fleet-addons']) {
      c.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    }
    c.seed({
      apiVersion: 'kamaji.clastix.io/v1alpha1',
      kind: 'DataStore',
      metadata: { name: 'default' },
      spec: { driver: 'etcd' },
    });
    return c;
  }
}

function island(name: string, overrides: Partial<IslandNode> = {}): IslandNode {
  return {
    id: `central/fleet-islands/${name}`,
    role: 'island',
    name,
    namespace: 'fleet-islands',
    managementCluster: 'central',
    labels: { 'kamaji-backstage.io/role': 'island' },
    health: { status: 'healthy', reasons: [] },
    staleness: { stale: false },
    connection: { status: 'connected', since: '2026-11-25T08:00:00Z' },
    kubernetesVersion: 'v1.34.2',
    tenantIds: [],
    tenantHealth: {
      healthy: 0,
      progressing: 0,
      degraded: 0,
      unhealthy: 0,
      unknown: 0,
    },
    dataStores: [{ name: 'default', driver: 'etcd', ready: true, usedBy: [] }],
    conditions: [],
    ...overrides,
  };
}

/** The demo fleet as the fleet service would show it: central, island-a (Lyon), island-b (Berlin, disconnected). */
export function demoSnapshot(): FleetSnapshot {
  return {
    version: 1,
    generatedAt: '2026-11-25T09:00:00Z',
    managementClusters: [
      {
        id: 'central',
        role: 'management',
        name: 'central',
        managementCluster: 'central',
        labels: {},
        health: { status: 'healthy', reasons: [] },
        staleness: { stale: false },
        connection: { status: 'connected', since: '2026-11-25T08:00:00Z' },
        islandIds: [
          'central/fleet-islands/island-a',
          'central/fleet-islands/island-b',
        ],
        tenantIds: [],
        tenantHealth: {
          healthy: 0,
          progressing: 0,
          degraded: 0,
          unhealthy: 0,
          unknown: 0,
        },
      },
    ],
    islands: [
      island('island-a', { site: 'factory-lyon' }),
      island('island-b', {
        site: 'shop-berlin',
        connection: {
          status: 'disconnected',
          since: '2026-11-25T07:12:00Z',
          lastError: 'dial tcp 10.11.0.10:6443: i/o timeout',
        },
        staleness: { stale: true, lastSeenAt: '2026-11-25T07:12:00Z' },
      }),
    ],
    tenants: [],
    addonSets: [
      {
        id: 'central/ClusterProfile/_/observability',
        kind: 'ClusterProfile',
        name: 'observability',
        managementCluster: 'central',
        selector: {
          matchLabels: {
            'addons.kamaji-backstage.io/observability': 'enabled',
          },
        },
        contents: [],
        matchingClusterIds: [],
        health: { status: 'healthy', reasons: [] },
      },
      {
        id: 'central/HelmChartProxy/fleet-tenants/cilium',
        kind: 'HelmChartProxy',
        name: 'cilium',
        namespace: 'fleet-tenants',
        managementCluster: 'central',
        selector: {
          matchLabels: { 'addons.kamaji-backstage.io/cilium': 'enabled' },
        },
        contents: [],
        matchingClusterIds: [],
        health: { status: 'healthy', reasons: [] },
      },
    ],
  };
}

/** A fleet service over a fixed snapshot; `kubeConfig` is a placeholder the client factory ignores. */
export function fakeFleet(
  snapshot: FleetSnapshot = demoSnapshot(),
): FleetService {
  return {
    getSnapshot: () => snapshot,
    getCluster: id =>
      [
        ...snapshot.managementClusters,
        ...snapshot.islands,
        ...snapshot.tenants,
      ].find(c => c.id === id),
    subscribe: () => () => {},
    ready: async () => {},
    getClusterAccess: async () => undefined,
    getManagementClusterAccess: name =>
      snapshot.managementClusters.some(m => m.name === name)
        ? {
            clusterId: name,
            server: 'https://central.invalid',
            kubeConfig: new KubeConfig(),
          }
        : undefined,
  };
}

const group = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { type: 'team', children: [] },
});

/** The catalog of examples/org.yaml (the groups, plus a user to check "not a group"). */
export function demoCatalogEntities(): Entity[] {
  return [
    group('platform-team'),
    group('team-retail'),
    group('team-factory'),
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'User',
      metadata: { name: 'alice', namespace: 'default' },
      spec: { memberOf: ['team-retail'] },
    },
  ];
}

/** The audit trail in memory: every record written. */
export class RecordingAudit implements KamajiAuditService {
  readonly records: NewAuditEvent[] = [];
  async record(event: NewAuditEvent) {
    this.records.push(event);
  }
}

/**
 * Dependencies for the actions: permission ALLOW (or DENY), the user in `groups`, the demo
 * catalog and fleet, and the in-memory API server.
 */
export function makeDeps(
  options: {
    client?: ObjectClient;
    groups?: string[];
    allow?: boolean;
    settings?: KamajiScaffolderSettings;
    snapshot?: FleetSnapshot;
    user?: string;
    audit?: KamajiAuditService;
  } = {},
): KamajiActionDeps & { client: ObjectClient } {
  const client = options.client ?? FakeObjectClient.withFleetBasics();
  const settings = options.settings ?? {
    ...defaultScaffolderSettings(),
    fleetAdminGroups: ['group:default/platform-team'],
  };
  return {
    client,
    fleet: fakeFleet(options.snapshot),
    permissions: mockServices.permissions({
      result:
        options.allow === false ? AuthorizeResult.DENY : AuthorizeResult.ALLOW,
    }),
    userInfo: mockServices.userInfo({
      userEntityRef: options.user ?? 'user:default/mock',
      ownershipEntityRefs: [
        options.user ?? 'user:default/mock',
        ...(options.groups ?? ['group:default/team-retail']),
      ],
    }),
    auth: mockServices.auth(),
    catalog: catalogServiceMock({ entities: demoCatalogEntities() }),
    audit: options.audit ?? new RecordingAudit(),
    auditor: silentAuditor(),
    settings,
    clientFactory: () => client,
    fleetReadyTimeoutMs: 1000,
  };
}

/** An auditor service whose events go nowhere (for tests that read the Kamaji trail instead). */
export function silentAuditor() {
  return mockServices.auditor.mock({
    createEvent: async () => ({
      success: async () => {},
      fail: async () => {},
    }),
  });
}

export { KAMAJI_FIELD_MANAGER };

type MockContextOptions = Partial<
  Parameters<typeof createMockActionContext>[0] & { isDryRun: boolean }
>;

/** Runs an action with a mock context (user alice, task mock-task-id); returns the context and its logger. */
export async function runAction(
  action: TemplateAction<any, any, any>,
  input: unknown,
  extra: MockContextOptions = {},
) {
  const logger = mockServices.logger.mock();
  const { isDryRun, ...known } = extra;
  const ctx = createMockActionContext({
    input: input as any,
    logger,
    user: { ref: 'user:default/alice' },
    ...known,
  });
  // createMockActionContext does not pass isDryRun through.
  if (isDryRun) ctx.isDryRun = true;
  await action.handler(ctx);
  return { ctx, logger };
}

/** Runs an action that must fail; returns the error. */
export async function actionFailure(
  action: TemplateAction<any, any, any>,
  input: unknown,
  extra: MockContextOptions = {},
): Promise<Error> {
  try {
    await runAction(action, input, extra);
  } catch (e) {
    return e as Error;
  }
  throw new Error(`expected ${action.id} to fail`);
}
