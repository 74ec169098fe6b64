import {
  coreServices,
  createBackendPlugin,
  LifecycleService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  FleetService,
  fleetServiceRef,
  readPermissionCacheMs,
} from '@kamaji-backstage/plugin-kamaji-node';
import { ClusterActions } from './actions/ClusterActions';
import { parseCeiling } from './actions/versions';
import {
  DEFAULT_EVENT_OPTIONS,
  FleetEventHubOptions,
  FleetEventHub,
} from './api/events';
import { createRouter, RouterOptions } from './api/router';
import { readPlacementConfig } from './placement/placementRoutes';
import { uplinkFiguresFrom } from './placement/uplinkHistory';
import { AuditStore } from './database/AuditStore';
import { setUpDurableState } from './durable/setup';
import { auditStoreSlotRef } from './database/auditServiceFactory';
import { planAuditor } from './operations/planAudit';
import { UpgradePlanRunner } from './operations/UpgradePlanRunner';
import { UpgradePlans } from './operations/UpgradePlans';
import { PlanProgressFeed } from './operations/PlanProgressFeed';
import { UpgradePlanStore } from './operations/UpgradePlanStore';
import { FleetAuthorizer, registerKamajiPermissions } from './permissions';

/**
 * Settings of the API read from `kamaji.api` and `kamaji.actions` (all optional):
 *
 * ```yaml
 * kamaji:
 *   actions:
 *     maxReplicas: 100             # upper bound of POST .../scale
 *     maxKubernetesVersion: v1.36  # the supported ceiling of POST .../upgrade
 *   api:
 *     validateResponses: false     # check response bodies against the OpenAPI spec (development)
 *     readPermissionCacheSeconds: 10 # a caller's kamaji.cluster.read decision is reused this long
 *     events:
 *       bufferSize: 1000           # deltas kept for reconnecting clients
 *       heartbeatSeconds: 15
 *       maxConnectionMinutes: 15   # streams are closed (and re-authorized on reconnect) after this
 *       maxQueuedKilobytes: 1024   # a slower client is sent one resync instead of the deltas
 * ```
 */
export function readApiConfig(config: Config) {
  const actions = config.getOptionalConfig('kamaji.actions');
  const api = config.getOptionalConfig('kamaji.api');
  const events = api?.getOptionalConfig('events');
  const maxReplicas = actions?.getOptionalNumber('maxReplicas') ?? 100;
  if (!Number.isInteger(maxReplicas) || maxReplicas < 0 || maxReplicas > 1000) {
    throw new Error(
      'kamaji.actions.maxReplicas must be an integer from 0 to 1000',
    );
  }
  const eventOptions: FleetEventHubOptions = {
    bufferSize:
      events?.getOptionalNumber('bufferSize') ??
      DEFAULT_EVENT_OPTIONS.bufferSize,
    heartbeatMs: (events?.getOptionalNumber('heartbeatSeconds') ?? 15) * 1000,
    maxConnectionMs:
      (events?.getOptionalNumber('maxConnectionMinutes') ?? 15) * 60_000,
    maxQueuedBytes:
      (events?.getOptionalNumber('maxQueuedKilobytes') ?? 1024) * 1024,
  };
  return {
    readPermissionCacheMs: readPermissionCacheMs(
      api?.getOptionalNumber('readPermissionCacheSeconds'),
      'kamaji.api.readPermissionCacheSeconds',
    ),
    limits: {
      maxReplicas,
      ceiling: parseCeiling(
        actions?.getOptionalString('maxKubernetesVersion') ?? 'v1.36',
      ),
    },
    validateResponses: api?.getOptionalBoolean('validateResponses') ?? false,
    eventOptions,
  };
}

/** The live-update hub, started now and stopped with the backend. */
function startEventHub(
  deps: {
    fleet: FleetService;
    logger: LoggerService;
    lifecycle: LifecycleService;
  },
  options: FleetEventHubOptions,
  planStore: UpgradePlanStore,
): FleetEventHub {
  const { fleet, logger, lifecycle } = deps;
  const progress = new PlanProgressFeed(planStore, logger);
  const hub = new FleetEventHub(fleet, logger, options, progress);
  hub.start();
  lifecycle.addShutdownHook(() => hub.stop());
  return hub;
}

/** The services the plugin depends on. */
const pluginDeps = {
  config: coreServices.rootConfig,
  logger: coreServices.logger,
  httpRouter: coreServices.httpRouter,
  httpAuth: coreServices.httpAuth,
  permissions: coreServices.permissions,
  permissionsRegistry: coreServices.permissionsRegistry,
  database: coreServices.database,
  auditor: coreServices.auditor,
  lifecycle: coreServices.lifecycle,
  scheduler: coreServices.scheduler,
  fleet: fleetServiceRef,
  auditSlot: auditStoreSlotRef,
};

type PluginDeps = {
  [K in keyof typeof pluginDeps]: (typeof pluginDeps)[K]['T'];
};

type ApiSettings = ReturnType<typeof readApiConfig>;

/** The stores, the live-update hub and the upgrade runner the API works with, started. */
async function startServices(deps: PluginDeps, settings: ApiSettings) {
  const { logger, database, fleet } = deps;
  registerKamajiPermissions(deps.permissionsRegistry, fleet);
  const auditStore = await AuditStore.create(database);
  const uplinkHistory = await setUpDurableState(deps);
  deps.auditSlot.fill(auditStore);
  const planStore = new UpgradePlanStore(await database.getClient());
  const hub = startEventHub(deps, settings.eventOptions, planStore);
  const actions = new ClusterActions(fleet, settings.limits);
  const audit = planAuditor(auditStore, logger, deps.auditor);
  await new UpgradePlanRunner({
    fleet,
    store: planStore,
    actions,
    audit,
    logger,
  }).schedule(deps.scheduler);
  return { auditStore, uplinkHistory, planStore, hub, actions, audit };
}

/** The API router's options over the started services. */
function routerOptions(
  deps: PluginDeps,
  settings: ApiSettings,
  services: Awaited<ReturnType<typeof startServices>>,
): RouterOptions {
  const { fleet, logger } = deps;
  const { planStore, uplinkHistory } = services;
  return {
    fleet,
    logger,
    httpAuth: deps.httpAuth,
    authorizer: new FleetAuthorizer(
      deps.permissions,
      deps.permissionsRegistry,
      logger,
      { readPermissionCacheMs: settings.readPermissionCacheMs },
    ),
    auditor: deps.auditor,
    auditStore: services.auditStore,
    actions: services.actions,
    hub: services.hub,
    upgradePlans: {
      plans: new UpgradePlans(fleet, planStore, {
        ceiling: settings.limits.ceiling,
      }),
      audit: services.audit,
    },
    placement: {
      ...readPlacementConfig(deps.config),
      uplink: uplinkFiguresFrom(uplinkHistory),
    },
    validateResponses: settings.validateResponses,
    uplinkHistory,
  };
}

/**
 * The `kamaji` backend plugin: the fleet REST API under `/api/kamaji` (OpenAPI spec at
 * `/api/kamaji/openapi.json`), live updates as server-sent events, day-2 actions behind
 * permissions, and the audit trail of every change in the plugin's database.
 *
 * @public
 */
export const kamajiPlugin = createBackendPlugin({
  pluginId: 'kamaji',
  register(env) {
    env.registerInit({
      deps: pluginDeps,
      async init(deps) {
        const settings = readApiConfig(deps.config);
        const services = await startServices(deps, settings);
        const { httpRouter } = deps;
        httpRouter.use(
          await createRouter(routerOptions(deps, settings, services)),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        // EventSource cannot send an Authorization header: the stream also takes the user cookie.
        httpRouter.addAuthPolicy({ path: '/v1/events', allow: 'user-cookie' });
      },
    });
  },
});
