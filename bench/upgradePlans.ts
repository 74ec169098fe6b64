/*
 * Fleet upgrade plans: building a plan and its preview over 1,000 tenants on 100 islands (an
 * in-memory fleet, target <= 1 s), storing it (SQLite in memory), and the runner's own overhead
 * per cluster step (the patch is replaced by a call that moves the model at once, so what is
 * timed is the runner's database work and gate checks, not the API servers).
 *
 *   yarn bench:upgrades [--tenants 1000] [--islands 100]
 */
import { LoggerService } from '@backstage/backend-plugin-api';
import {
  IslandNode,
  TenantNode,
  UpgradeClusterResult,
} from '@kamaji-backstage/plugin-kamaji-common';
import { ClusterActions } from '../plugins/kamaji-backend/src/actions/ClusterActions';
import {
  fixtureFleet,
  tenant,
} from '../plugins/kamaji-backend/src/api/__testUtils__/fleetFixture';
import { InMemoryFleetService } from '../plugins/kamaji-backend/src/api/__testUtils__/InMemoryFleetService';
import { AuditStore } from '../plugins/kamaji-backend/src/database/AuditStore';
import { buildUpgradePlan } from '../plugins/kamaji-backend/src/operations/planBuilder';
import { openPlanDatabase } from '../plugins/kamaji-backend/src/operations/__testUtils__/planDatabase';
import { planAuditor } from '../plugins/kamaji-backend/src/operations/planAudit';
import { UpgradePlanRunner } from '../plugins/kamaji-backend/src/operations/UpgradePlanRunner';
import { UpgradePlans } from '../plugins/kamaji-backend/src/operations/UpgradePlans';
import { UpgradePlanStore } from '../plugins/kamaji-backend/src/operations/UpgradePlanStore';
import { fmt, percentile, writeResults } from './lib';

/** The runner logs only failures; the benchmark has none to show. */
const silentLogger = {
  error: () => {},
  warn: () => {},
  info: () => {},
  debug: () => {},
  child: () => silentLogger,
} as unknown as LoggerService;

const CEILING = { major: 1, minor: 36, text: 'v1.36' };

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

function fleetOf(tenants: number, islands: number) {
  const base = fixtureFleet();
  const template = base.islands[0];
  const islandNodes: IslandNode[] = Array.from({ length: islands }, (_, i) => ({
    ...structuredClone(template),
    id: `central/fleet-islands/island-${String(i).padStart(3, '0')}`,
    name: `island-${String(i).padStart(3, '0')}`,
    site: `site-${i % 25}`,
  }));
  const tenantNodes: TenantNode[] = Array.from({ length: tenants }, (_, i) =>
    tenant({
      id: `central/fleet-tenants/t-${String(i).padStart(5, '0')}`,
      owner: `group:default/team-${i % 7}`,
      island: islandNodes[i % islands].id,
      declared: i % 50 === 0 ? 'v1.33.5' : 'v1.34.2',
      pools: [{ name: `t-${i}-pool`, replicas: 2 }],
      labels: { 'fleet.example.io/ring': String(i % 3) },
    }),
  );
  return { ...base, islands: islandNodes, tenants: tenantNodes };
}

/** Stands in for the day-2 upgrade: the model runs the target at once (Kamaji played). */
class InstantActions {
  patches = 0;
  constructor(private readonly fleet: InMemoryFleetService) {}
  async upgrade(
    cluster: TenantNode,
    request: { version: string },
  ): Promise<UpgradeClusterResult> {
    this.patches++;
    const next = structuredClone(cluster);
    next.versions = {
      ...next.versions,
      declared: request.version,
      running: request.version,
    };
    next.workerPools = next.workerPools.map(p => ({
      ...p,
      version: request.version,
    }));
    this.fleet.push({ upserted: [next] });
    return {
      cluster: cluster.id,
      version: request.version,
      changed: true,
      workerPools: [],
    };
  }
}

const REQUEST = {
  version: 'v1.35.2',
  maxConcurrent: 10,
  waves: { canary: 5 },
};

type Snapshot = ReturnType<typeof fleetOf>;

/** Builds the plan and its preview 20 times after one warm-up: the last plan and the times. */
function timeBuilds(snapshot: Snapshot) {
  const builds: number[] = [];
  let built = buildUpgradePlan(snapshot, REQUEST, { ceiling: CEILING });
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    built = buildUpgradePlan(snapshot, REQUEST, { ceiling: CEILING });
    builds.push(performance.now() - t0);
  }
  builds.sort((a, b) => a - b);
  return { built, builds };
}

/** Ticks the runner until the plan is no longer running: each tick's time and the whole run's. */
async function runToTheEnd(
  runner: UpgradePlanRunner,
  store: UpgradePlanStore,
  planId: string,
) {
  const ticks: number[] = [];
  const start = performance.now();
  for (;;) {
    const t = performance.now();
    await runner.tick();
    ticks.push(performance.now() - t);
    const status = (await store.get(planId))!.status;
    if (status !== 'running') break;
  }
  const runMs = performance.now() - start;
  ticks.sort((a, b) => a - b);
  return { ticks, runMs };
}

/** Stores a plan over `snapshot` and runs it with instant upgrades. */
async function storeAndRun(snapshot: Snapshot) {
  const fleet = new InMemoryFleetService(snapshot);
  const knex = await openPlanDatabase();
  const store = new UpgradePlanStore(knex);
  const plans = new UpgradePlans(fleet, store, { ceiling: CEILING });
  const t1 = performance.now();
  const plan = await plans.create(REQUEST, 'user:default/bench');
  const createMs = performance.now() - t1;

  const actions = new InstantActions(fleet);
  const runner = new UpgradePlanRunner({
    fleet,
    store,
    actions: actions as unknown as ClusterActions,
    audit: planAuditor(new AuditStore(knex), silentLogger),
    logger: silentLogger,
  });
  await plans.command(plan.id, 'start', 'user:default/bench');
  const { ticks, runMs } = await runToTheEnd(runner, store, plan.id);
  const final = (await store.get(plan.id))!;
  await knex.destroy();
  return { createMs, ticks, runMs, final, patches: actions.patches };
}

function report(
  fleet: { tenants: number; islands: number },
  { built, builds }: ReturnType<typeof timeBuilds>,
  {
    createMs,
    ticks,
    runMs,
    final,
    patches,
  }: Awaited<ReturnType<typeof storeAndRun>>,
) {
  const steps = final.steps.filter(s => s.state === 'succeeded').length;
  const p50 = percentile(builds, 50);
  return [
    `# Fleet upgrade plans, ${new Date().toISOString()}`,
    '',
    `Fleet: ${fleet.tenants} tenants on ${fleet.islands} islands (in-memory model), target v1.35.2, canary 5, maxConcurrent 10.`,
    '',
    `| what | figure |`,
    `| --- | --- |`,
    `| plan + preview built (pure), p50 of 20, ms | ${fmt(
      p50,
    )} (target <= 1000 ms: ${p50 <= 1000 ? 'PASS' : 'FAIL'}) |`,
    `| plan + preview built, p95, ms | ${fmt(percentile(builds, 95))} |`,
    `| waves / clusters in waves / refused | ${built.waves.length} / ${
      built.steps.filter(s => s.wave >= 0).length
    } / ${built.steps.filter(s => s.state === 'refused').length} |`,
    `| plan stored with its ${final.steps.length} steps (SQLite), ms | ${fmt(
      createMs,
    )} |`,
    `| plan run to the end: status, steps succeeded, patches | ${final.status}, ${steps}, ${patches} |`,
    `| runner ticks: count, p50 ms, p95 ms | ${ticks.length}, ${fmt(
      percentile(ticks, 50),
    )}, ${fmt(percentile(ticks, 95))} |`,
    `| runner overhead per cluster step (run time / steps), ms | ${fmt(
      runMs / Math.max(1, steps),
    )} |`,
    '',
  ];
}

async function main() {
  const fleet = { tenants: arg('tenants', 1000), islands: arg('islands', 100) };
  const snapshot = fleetOf(fleet.tenants, fleet.islands);
  const builds = timeBuilds(snapshot);
  const run = await storeAndRun(snapshot);
  const day = new Date().toISOString().slice(0, 10);
  writeResults(
    report(fleet, builds, run).join('\n'),
    'latest-upgrade-plans.md',
    `${day}-upgrade-plans.md`,
  );
}

main().catch(e => {
  // eslint-disable-next-line no-console
  console.error(e);
  process.exit(1);
});
