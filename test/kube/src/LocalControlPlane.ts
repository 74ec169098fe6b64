import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { CRDS_DIR, KUBE_DIR, KUBEPLANE_BIN } from './paths';
import { KubeplaneState, KubeplaneUserState } from './state';

/** A user whose kubeconfigs the control plane writes, for RBAC tests. */
export interface TestUser {
  name: string;
  groups?: string[];
}

export interface LocalControlPlaneOptions {
  /** Cluster name → CRD sets installed in it. Default: central with everything, island-a and island-b with Kamaji. */
  clusters?: Record<string, string[]>;
  users?: TestUser[];
  /** Keep data here (reused across runs); default: a fresh temp dir removed on stop. */
  stateDir?: string;
  crdsDir?: string;
  /** How long to wait for every API server to be ready. */
  startTimeoutMs?: number;
  /** Print the startup time (default true). */
  quiet?: boolean;
  /** Extra kube-apiserver flags for every cluster (`kubeplane up --apiserver-arg`), e.g. an audit log. */
  apiserverArgs?: string[];
}

/** The clusters of the Island architecture in miniature: one central management cluster, two islands. */
export const DEFAULT_CLUSTERS: Record<string, string[]> = {
  central: ['capi', 'kamaji', 'addons'],
  'island-a': ['kamaji'],
  'island-b': ['kamaji'],
};

/** Builds the kubeplane binary unless it is up to date (a few seconds when cached, minutes cold). */
export function ensureKubeplaneBuilt(): void {
  execFileSync('bash', [join(KUBE_DIR, 'build.sh')], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (!existsSync(KUBEPLANE_BIN)) {
    throw new Error(
      `kubeplane was not built at ${KUBEPLANE_BIN}; run: bash test/kube/build.sh`,
    );
  }
}

/** The `kubeplane up` arguments for these options. */
function kubeplaneArgs(
  options: LocalControlPlaneOptions,
  stateDir: string,
): string[] {
  const clusters = options.clusters ?? DEFAULT_CLUSTERS;
  return [
    'up',
    '--state-dir',
    stateDir,
    '--crds',
    options.crdsDir ?? CRDS_DIR,
    ...Object.entries(clusters).flatMap(([name, sets]) => [
      '--cluster',
      `${name}=${sets.join(',')}`,
    ]),
    ...(options.users ?? []).flatMap(user => [
      '--user',
      user.groups?.length ? `${user.name}:${user.groups.join('+')}` : user.name,
    ]),
    ...(options.apiserverArgs ?? []).map(arg => `--apiserver-arg=${arg}`),
  ];
}

/** Resolves once kubeplane says it is ready; fails when it exits first or takes longer than `timeoutMs`. */
function untilReady(child: ChildProcess, timeoutMs: number): Promise<void> {
  let output = '';
  child.stdout!.on('data', d => (output += d));
  child.stderr!.on('data', d => (output += d));
  return new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      fail(
        new Error(`kubeplane was not ready within ${timeoutMs} ms:\n${output}`),
      );
    }, timeoutMs);
    child.stdout!.on('data', () => {
      if (/kubeplane: ready in/.test(output)) {
        clearTimeout(timer);
        ready();
      }
    });
    child.on('exit', code => {
      clearTimeout(timer);
      fail(
        new Error(
          `kubeplane exited with code ${code} before it was ready:\n${output}`,
        ),
      );
    });
  });
}

/**
 * A real local control plane: embedded etcd plus one real kube-apiserver per cluster,
 * run by the kubeplane supervisor. Tests play the controllers by writing objects and status.
 */
export class LocalControlPlane {
  static async start(
    options: LocalControlPlaneOptions = {},
  ): Promise<LocalControlPlane> {
    ensureKubeplaneBuilt();
    const ownsStateDir = !options.stateDir;
    const stateDir = options.stateDir
      ? resolve(options.stateDir)
      : mkdtempSync(join(tmpdir(), 'kubeplane-'));
    const started = Date.now();
    const child = spawn(KUBEPLANE_BIN, kubeplaneArgs(options, stateDir), {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await untilReady(child, options.startTimeoutMs ?? 180000);
    const plane = new LocalControlPlane(child, stateDir, ownsStateDir);
    if (!options.quiet) {
      const clusters = Object.keys(options.clusters ?? DEFAULT_CLUSTERS);
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      // eslint-disable-next-line no-console
      console.info(
        `local control plane (${clusters.join(', ')}) ready in ${seconds} s`,
      );
    }
    return plane;
  }

  /**
   * A plane started by someone else (`kubeplane up` in scripts/demo.sh), read from its state dir;
   * {@link stop} leaves it running.
   */
  static attach(stateDir: string): LocalControlPlane {
    return new LocalControlPlane(undefined, resolve(stateDir), false);
  }

  private stopped = false;

  private constructor(
    private readonly child: ChildProcess | undefined,
    readonly stateDir: string,
    private readonly ownsStateDir: boolean,
  ) {}

  /** The current state.json. */
  get state(): KubeplaneState {
    return JSON.parse(readFileSync(join(this.stateDir, 'state.json'), 'utf8'));
  }

  /** The API server URL of a cluster. */
  server(cluster: string): string {
    return this.clusterState(cluster).server;
  }

  /** A KubeConfig for a cluster as a user (default admin), with a client certificate or the user's static token. */
  kubeConfig(
    cluster: string,
    user = 'admin',
    auth: 'cert' | 'token' = 'cert',
  ): KubeConfig {
    this.clusterState(cluster);
    const entry = this.state.users[user];
    if (!entry) throw new Error(`no user ${user} in the local control plane`);
    const file =
      auth === 'cert'
        ? entry.kubeconfigs[cluster]
        : entry.tokenKubeconfigs?.[cluster];
    if (!file)
      throw new Error(`user ${user} has no ${auth} kubeconfig for ${cluster}`);
    const kc = new KubeConfig();
    kc.loadFromFile(file);
    return kc;
  }

  /** The kubeconfig YAML of a cluster as a user, e.g. for a CAPI `<cluster>-kubeconfig` Secret. */
  kubeConfigYaml(
    cluster: string,
    user = 'admin',
    auth: 'cert' | 'token' = 'cert',
  ): string {
    return this.kubeConfig(cluster, user, auth).exportConfig();
  }

  /** Stops one cluster's API server, as a site losing its uplink (kill) or a clean shutdown. Its data is kept. */
  async stopCluster(
    cluster: string,
    mode: 'kill' | 'graceful' = 'kill',
  ): Promise<void> {
    await this.control(
      `/clusters/${encodeURIComponent(cluster)}/stop?mode=${mode}`,
    );
  }

  /** Starts a stopped cluster again on the same port with the same data; resolves when it is ready. */
  async startCluster(cluster: string): Promise<void> {
    await this.control(`/clusters/${encodeURIComponent(cluster)}/start`);
  }

  /** Issues client-certificate kubeconfigs for a new user in every cluster. */
  async addUser(user: TestUser): Promise<KubeplaneUserState> {
    return this.control('/users', {
      name: user.name,
      groups: user.groups ?? [],
    });
  }

  /** Stops every API server and etcd; removes the state dir when it was a temp dir. */
  async stop(): Promise<void> {
    if (this.stopped || !this.child) return;
    this.stopped = true;
    const child = this.child;
    const exited = new Promise<void>(done => {
      if (child.exitCode !== null) done();
      else child.once('exit', () => done());
    });
    child.kill('SIGTERM');
    const forced = setTimeout(() => child.kill('SIGKILL'), 20000);
    await exited;
    clearTimeout(forced);
    if (this.ownsStateDir)
      rmSync(this.stateDir, { recursive: true, force: true });
  }

  private clusterState(cluster: string) {
    const c = this.state.clusters[cluster];
    if (!c)
      throw new Error(
        `no cluster ${cluster} in the local control plane (has ${Object.keys(
          this.state.clusters,
        ).join(', ')})`,
      );
    return c;
  }

  private async control(path: string, body?: unknown): Promise<any> {
    const res = await fetch(`${this.state.controlUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`kubeplane ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  }
}
