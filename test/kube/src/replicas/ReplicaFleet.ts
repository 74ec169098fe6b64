/*
 * Several real packages/backend processes (replicas) on one throwaway PostgreSQL and the local
 * control plane with the example fleet (central + island-a, island-b, island-c as separate API
 * servers, read by the backend's least-privilege user): what the replica test and
 * `yarn bench:replicas` run against. Each replica logs to `<workDir>/backend-replica-<i>.log`;
 * PostgreSQL logs every write with the replica's name.
 */
import {
  expandFleetSnapshot,
  type FleetResponse,
  type FleetSnapshotResponse,
} from '@kamaji-backstage/plugin-kamaji-common';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { BackendProcess, runTs } from '../backend/BackendProcess';
import { freePort } from '../capi/CapiManager';
import { LocalControlPlane } from '../LocalControlPlane';
import { REPO_ROOT } from '../paths';
import { startFleetPlane } from '../fleet/fleetPlane';
import { connectionsTo, watchConnections } from './islandWatches';
import { ThrowawayPostgres } from './throwawayPostgres';

export const REPLICA_ISLANDS = ['island-a', 'island-b', 'island-c'];
/** The database the catalog plugin uses (Backstage's default prefix). */
export const CATALOG_DATABASE = 'backstage_plugin_catalog';
const TOKEN = 'replica-harness-token-0123456789';

export interface ReplicaFleetOptions {
  replicas: number;
  /** `kamaji.fleet.replicas.enabled` (default true); false runs N independent backends. */
  replicaMode?: boolean;
  /** Merged over `kamaji.fleet.replicas` of every replica. */
  replicaConfig?: Record<string, unknown>;
  logLevel?: string;
  log?: (line: string) => void;
  /** Keep the work dir (logs, configs) after stop; default: only when KB_REPLICAS_KEEP=1. */
  keepWorkDir?: boolean;
}

export class ReplicaFleet {
  readonly replicas: (BackendProcess | undefined)[] = [];
  private readonly ports: number[] = [];
  private stopped = false;

  private constructor(
    readonly options: ReplicaFleetOptions,
    readonly workDir: string,
    readonly postgres: ThrowawayPostgres,
    readonly plane: LocalControlPlane,
    private readonly fleetConfig: string,
  ) {}

  /** PostgreSQL, the control plane with the seeded fleet, then the replicas one after another. */
  static async start(options: ReplicaFleetOptions): Promise<ReplicaFleet> {
    const log = options.log ?? (() => {});
    const workDir = mkdtempSync(join(tmpdir(), 'kb-replicas-'));
    let postgres: ThrowawayPostgres | undefined;
    let plane: LocalControlPlane | undefined;
    try {
      postgres = ThrowawayPostgres.start();
      // Created up front so every statement of the catalog (reads too) is logged with its replica.
      postgres.sql(
        `CREATE DATABASE ${CATALOG_DATABASE}`,
        `ALTER DATABASE ${CATALOG_DATABASE} SET log_statement = 'all'`,
      );
      log(`PostgreSQL at ${postgres.url}`);
      // The example fleet (island-a, island-b) and island-c, the backend's RBAC on every cluster.
      ({ plane } = await startFleetPlane([], ['island-c']));
      log(`local control plane in ${plane.stateDir}`);
      const fleetConfig = join(workDir, 'app-config.fleet.yaml');
      runTs('test/kube/src/demo/prepareBackend.ts', [
        '--state-dir',
        plane.stateDir,
        '--out',
        fleetConfig,
      ]);
      log('fleet seeded, backend RBAC and config written');
      const fleet = new ReplicaFleet(
        options,
        workDir,
        postgres,
        plane,
        fleetConfig,
      );
      try {
        for (let i = 0; i < options.replicas; i++) {
          const ms = await fleet.startReplica(i);
          log(`replica ${i} ready in ${(ms / 1000).toFixed(1)} s`);
        }
      } catch (e) {
        await fleet.stop();
        throw e;
      }
      return fleet;
    } catch (e) {
      if (plane) await plane.stop();
      postgres?.stop();
      rmSync(workDir, { recursive: true, force: true });
      throw e;
    }
  }

  /** The `identity` of replica i (its Lease holder name and its PostgreSQL application_name). */
  static identity(i: number): string {
    return `replica-${i}`;
  }

  /** Starts (or restarts, on the same port) replica i; resolves when it is ready. */
  async startReplica(i: number): Promise<number> {
    if (this.replicas[i]?.running)
      throw new Error(`replica ${i} is running already`);
    this.ports[i] ??= await freePort();
    const port = this.ports[i];
    const pg = new URL(this.postgres.url);
    const identity = ReplicaFleet.identity(i);
    const config = {
      backend: {
        baseUrl: `http://127.0.0.1:${port}`,
        listen: { port, host: '127.0.0.1' },
        database: {
          client: 'pg',
          connection: {
            host: pg.hostname,
            port: Number(pg.port),
            user: 'postgres',
            application_name: identity,
          },
        },
        auth: {
          externalAccess: [
            { type: 'static', options: { token: TOKEN, subject: 'harness' } },
          ],
        },
      },
      kamaji: {
        fleet: {
          replicas: {
            enabled: this.options.replicaMode ?? true,
            shards: 16,
            leaseNamespace: 'kamaji-system',
            leaseCluster: 'central',
            identity,
            leaseDuration: '10s',
            renewInterval: '2s',
            followInterval: '500ms',
            ...this.options.replicaConfig,
          },
        },
      },
    };
    const file = join(this.workDir, `app-config.${identity}.yaml`);
    writeFileSync(file, stringify(config), { mode: 0o600 });
    const backend = BackendProcess.launch({
      label: identity,
      workDir: this.workDir,
      port,
      token: TOKEN,
      configFiles: [join(REPO_ROOT, 'app-config.yaml'), this.fleetConfig, file],
      nodeEnv: 'development',
      cwd: { dir: join(REPO_ROOT, 'packages', 'backend') },
      logLevel: this.options.logLevel ?? 'info',
    });
    this.replicas[i] = backend;
    return backend.waitReady(240_000);
  }

  replica(i: number): BackendProcess {
    const r = this.replicas[i];
    if (!r?.running) throw new Error(`replica ${i} is not running`);
    return r;
  }

  /** Indexes of the running replicas. */
  running(): number[] {
    return this.replicas.flatMap((r, i) => (r?.running ? [i] : []));
  }

  /** kill -9 of replica i. */
  async kill(i: number): Promise<void> {
    await this.replicas[i]?.kill();
  }

  async stopReplica(i: number): Promise<void> {
    await this.replicas[i]?.stop();
  }

  async stopReplicas(): Promise<void> {
    for (const i of this.running()) await this.stopReplica(i);
  }

  islandPort(island: string): number {
    return Number(new URL(this.plane.server(island)).port);
  }

  /** Open watches on an island's API server from the backend (see islandWatches.ts). */
  watchConnections(island: string): Promise<number> {
    return watchConnections(this.plane, island);
  }

  /** The running replicas holding TCP connections to an island's API server. */
  connectedReplicas(island: string): number[] {
    const port = this.islandPort(island);
    return this.running().filter(
      i => connectionsTo(this.replicas[i]!.pid, port) > 0,
    );
  }

  /** Replica i's whole-fleet snapshot, tenants whole. */
  async snapshot(i: number): Promise<FleetResponse> {
    return expandFleetSnapshot<FleetSnapshotResponse>(
      await this.replica(i).json('/api/kamaji/v1/fleet/snapshot'),
    );
  }

  async island(i: number, name: string): Promise<any> {
    const s = await this.snapshot(i);
    const island = s.islands.find((n: any) => n.name === name);
    if (!island)
      throw new Error(`replica ${i}: no island ${name} in the snapshot`);
    return { ...island, version: s.version };
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.stopReplicas();
    await this.plane.stop();
    const keep =
      this.options.keepWorkDir ?? process.env.KB_REPLICAS_KEEP === '1';
    this.postgres.stop(keep ? this.workDir : undefined);
    if (keep) this.options.log?.(`logs and configs kept in ${this.workDir}`);
    else rmSync(this.workDir, { recursive: true, force: true });
  }
}
