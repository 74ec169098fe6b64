/* eslint-disable no-console */
/*
 * Several backend replicas on one PostgreSQL (issue 11 §3), measured on real packages/backend
 * processes (test/kube/src/replicas/ReplicaFleet.ts: the local control plane with central and
 * island-a/b/c, one throwaway PostgreSQL):
 *   - watch connections per island (target 1), from each island API server's
 *     apiserver_longrunning_requests{verb="WATCH"} per Kamaji kind, and which replica holds them;
 *   - follower lag: from a TenantControlPlane created on an island API server to each replica's
 *     snapshot showing it, for the replica holding that island and for the followers (target ≤ 2 s);
 *   - takeover: from a kill -9 of island-a's holder until another replica watches it (≤ 15 s);
 *   - database writes per second while the fleet is steady (PostgreSQL's statement log).
 * Baseline in the same run: the same replicas with replica mode off (each watches everything).
 *
 *   yarn bench:replicas [--replicas 3] [--changes 15] [--steady 30] [--no-baseline]
 */
import {
  FleetObjectApi,
  isWrite,
  ReplicaFleet,
  REPLICA_ISLANDS,
} from '@internal/test-kube';
import {
  cleanupOnExit,
  numberArg,
  percentile,
  sleep,
  waitFor,
  writeResults,
} from './lib';

const REPLICAS = numberArg('replicas', 3);
const CHANGES = numberArg('changes', 15);
const STEADY_S = numberArg('steady', 30);
const BASELINE = !process.argv.includes('--no-baseline');
const TARGET = { lagMs: 2_000, takeoverMs: 15_000, watches: 1 };

const t0 = Date.now();
const log = (s: string) =>
  console.log(`[${((Date.now() - t0) / 1000).toFixed(0)} s] ${s}`);
const cleanup = cleanupOnExit(log);

interface Phase {
  watches: Record<string, number>;
  holders: Record<string, number[]>;
  writesPerS: { total: number; kamaji: number; byReplica: number[] };
}

async function measurePhase(fleet: ReplicaFleet): Promise<Phase> {
  await sleep(5_000);
  const watches: Record<string, number> = {};
  const holders: Record<string, number[]> = {};
  for (const island of REPLICA_ISLANDS) {
    watches[island] = await fleet.watchConnections(island);
    holders[island] = fleet.connectedReplicas(island);
  }
  log(`watches per island ${JSON.stringify(watches)}`);
  const from = Date.now();
  await sleep(STEADY_S * 1000);
  const to = Date.now();
  const writes = fleet.postgres
    .statements()
    .filter(s => isWrite(s) && s.at >= from && s.at < to);
  const perS = (n: number) => n / ((to - from) / 1000);
  const writesPerS = {
    total: perS(writes.length),
    kamaji: perS(
      writes.filter(w => w.database === 'backstage_plugin_kamaji').length,
    ),
    byReplica: fleet.replicas.map((_, i) =>
      perS(writes.filter(w => w.client === ReplicaFleet.identity(i)).length),
    ),
  };
  log(`database writes/s while steady ${JSON.stringify(writesPerS)}`);
  return { watches, holders, writesPerS };
}

/** A TenantControlPlane only the island knows: an unmanaged tenant in the fleet. */
function lagTcp(name: string) {
  return {
    apiVersion: 'kamaji.clastix.io/v1alpha1',
    kind: 'TenantControlPlane',
    metadata: {
      name,
      namespace: 'default', // on every island (island-c has no kamaji-tenants)
      labels: { 'kamaji-backstage.io/owner': 'platform-team' },
    },
    spec: {
      dataStore: 'default',
      controlPlane: {
        deployment: { replicas: 1 },
        service: { serviceType: 'LoadBalancer' },
      },
      kubernetes: { version: 'v1.34.2', kubelet: { cgroupfs: 'systemd' } },
      networkProfile: { port: 6443 },
    },
  };
}

async function followerLag(fleet: ReplicaFleet) {
  const holder: number[] = [];
  const follower: number[] = [];
  for (let n = 0; n < CHANGES; n++) {
    const island = REPLICA_ISLANDS[n % REPLICA_ISLANDS.length];
    const [holding] = fleet.connectedReplicas(island);
    const name = `bench-lag-${n}`;
    const api = FleetObjectApi.forConfig(fleet.plane.kubeConfig(island));
    const changedAt = Date.now();
    await api.apply(lagTcp(name), { fieldManager: 'bench-replicas' });
    await Promise.all(
      fleet.running().map(async i => {
        await waitFor(
          `replica ${i} shows ${name}`,
          async () =>
            (await fleet.snapshot(i)).tenants.some((t: any) => t.name === name),
          30_000,
          20,
        );
        (i === holding ? holder : follower).push(Date.now() - changedAt);
      }),
    );
    await sleep(300);
  }
  const stats = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return { n: s.length, p50: percentile(s, 50), p95: percentile(s, 95) };
  };
  return { holder: stats(holder), follower: stats(follower) };
}

async function takeover(fleet: ReplicaFleet) {
  const [holder] = fleet.connectedReplicas('island-a');
  const survivors = fleet.running().filter(i => i !== holder);
  let disconnectedSeen = false;
  let polling = true;
  const readers = survivors.map(async i => {
    while (polling) {
      const status = await fleet
        .island(i, 'island-a')
        .then(n => n.connection.status)
        .catch(() => 'error');
      if (status === 'disconnected') disconnectedSeen = true;
      await sleep(200);
    }
  });
  const killedAt = Date.now();
  await fleet.kill(holder);
  let ms = NaN;
  try {
    await waitFor(
      'another replica watching island-a',
      async () =>
        (await fleet.watchConnections('island-a')) === 1 &&
        fleet.connectedReplicas('island-a').some(i => i !== holder),
      60_000,
      100,
    );
    ms = Date.now() - killedAt;
  } catch (e) {
    log(`takeover: ${(e as Error).message}`);
  }
  await sleep(2_000);
  polling = false;
  await Promise.all(readers);
  return { ms, holder, disconnectedSeen };
}

const s = (ms: number) =>
  Number.isNaN(ms) ? 'n/a' : `${(ms / 1000).toFixed(2)} s`;
const ok = (pass: boolean) => (pass ? 'OK' : 'MISSED');

/** The same replicas with replica mode off: every process watches every island. */
async function measureBaseline(): Promise<Phase> {
  log(`baseline: ${REPLICAS} backends, replica mode off`);
  const fleet = await ReplicaFleet.start({
    replicas: REPLICAS,
    replicaMode: false,
    logLevel: 'warn',
    log,
  });
  cleanup.push(() => fleet.stop());
  const phase = await measurePhase(fleet);
  await fleet.stop();
  return phase;
}

async function measureReplicaMode() {
  log(`${REPLICAS} replicas, replica mode on`);
  const fleet = await ReplicaFleet.start({
    replicas: REPLICAS,
    logLevel: 'warn',
    log,
  });
  cleanup.push(() => fleet.stop());
  const phase = await measurePhase(fleet);
  log(`follower lag over ${CHANGES} changes`);
  const lag = await followerLag(fleet);
  log(`lag ${JSON.stringify(lag)}`);
  log('kill -9 of the replica holding island-a');
  const over = await takeover(fleet);
  log(`takeover ${JSON.stringify(over)}`);
  return { phase, lag, over };
}

type ReplicaMode = Awaited<ReturnType<typeof measureReplicaMode>>;

const fmtWatches = (p: Phase) =>
  REPLICA_ISLANDS.map(i => `${i} ${p.watches[i]}`).join(', ');

function watchAndLagRows({ phase, lag }: ReplicaMode, baseline?: Phase) {
  const maxWatches = Math.max(...Object.values(phase.watches));
  return [
    `| Watch connections per island | ${fmtWatches(phase)} | ${
      baseline ? fmtWatches(baseline) : 'not run'
    } | ${TARGET.watches} | ${ok(maxWatches === TARGET.watches)} |`,
    `| Follower lag, holder p50 / p95 | ${s(lag.holder.p50)} / ${s(
      lag.holder.p95,
    )} (n=${lag.holder.n}) | | ≤ 2 s | ${ok(lag.holder.p95 <= TARGET.lagMs)} |`,
    `| Follower lag, followers p50 / p95 | ${s(lag.follower.p50)} / ${s(
      lag.follower.p95,
    )} (n=${lag.follower.n}) | | ≤ 2 s | ${ok(
      lag.follower.p95 <= TARGET.lagMs,
    )} |`,
  ];
}

function takeoverAndWritesRows({ phase, over }: ReplicaMode, baseline?: Phase) {
  return [
    `| Takeover after kill -9 of island-a's holder (replica ${
      over.holder
    }) | ${s(over.ms)}${
      over.disconnectedSeen ? ', island-a shown disconnected meanwhile' : ''
    } | | ≤ 15 s | ${ok(
      over.ms <= TARGET.takeoverMs && !over.disconnectedSeen,
    )} |`,
    `| DB writes/s while steady, all / kamaji plugin | ${phase.writesPerS.total.toFixed(
      1,
    )} / ${phase.writesPerS.kamaji.toFixed(1)} | ${
      baseline
        ? `${baseline.writesPerS.total.toFixed(
            1,
          )} / ${baseline.writesPerS.kamaji.toFixed(1)}`
        : 'not run'
    } | (measured) | |`,
    `| DB writes/s per replica | ${phase.writesPerS.byReplica
      .map(w => w.toFixed(1))
      .join(', ')} | ${
      baseline
        ? baseline.writesPerS.byReplica.map(w => w.toFixed(1)).join(', ')
        : ''
    } | | |`,
  ];
}

function report(measured: ReplicaMode, baseline?: Phase): string {
  return [
    `# Backend replicas on one PostgreSQL — ${new Date()
      .toISOString()
      .slice(0, 10)}`,
    '',
    `${REPLICAS} real packages/backend processes, one throwaway PostgreSQL, the local control plane (central + ${REPLICA_ISLANDS.join(
      ', ',
    )}); \`yarn bench:replicas\`.`,
    '',
    '| Figure | Replica mode | Baseline (replica mode off) | Target | |',
    '|---|---|---|---|---|',
    ...watchAndLagRows(measured, baseline),
    ...takeoverAndWritesRows(measured, baseline),
    '',
    `Holders (replicas connected to each island's API server): ${REPLICA_ISLANDS.map(
      i => `${i} → ${measured.phase.holders[i].join('+') || 'none'}`,
    ).join(', ')}. Steady window ${STEADY_S} s. Run took ${Math.round(
      (Date.now() - t0) / 1000,
    )} s.`,
    '',
  ].join('\n');
}

async function main() {
  const baseline = BASELINE ? await measureBaseline() : undefined;
  const measured = await measureReplicaMode();
  await cleanup.run();
  const files = writeResults(
    report(measured, baseline),
    'latest-replicas.md',
    `${new Date().toISOString().slice(0, 10)}-replicas.md`,
  );
  log(`written to ${files.join(', ')}`);
}

main().catch(async e => {
  console.error(e);
  await cleanup.run();
  process.exit(1);
});
