/* Starts the real packages/backend as a child process with a generated bench config. */
import { ChildProcess, spawn } from 'node:child_process';
import {
  createWriteStream,
  mkdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { REPO_ROOT } from '@internal/test-kube';
import { sleep, waitFor } from './lib';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as any).port;
      s.close(() => resolve(port));
    });
  });
}

export interface KubernetesCluster {
  name: string;
  url: string;
  serviceAccountToken: string;
  caData: string;
}

export interface BackendOptions {
  label: string;
  workDir: string;
  token: string;
  /** kubeconfig file of central for kamaji.managementClusters; none = no management cluster. */
  centralKubeconfig?: string;
  kubernetesClusters: KubernetesCluster[];
  nodeEnv: string;
  /**
   * Working directory of the backend. 'scratch' (default): an empty package dir in workDir, so the
   * root config service's secret enumerator (which compiles the config schemas of every workspace
   * package it finds from the cwd) does not trip over half-created packages of concurrent work and
   * does not hold a TypeScript program; 'repo': the repository root.
   */
  cwd: 'scratch' | 'repo';
  /** Merged over the generated config last (objects merged, arrays and values replaced). */
  extraConfig?: Record<string, unknown>;
  /** Extra node flags of the backend process (e.g. `--heapsnapshot-signal=SIGUSR2`). */
  nodeArgs?: string[];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function merge(
  base: Record<string, unknown>,
  over: Record<string, unknown>,
): Record<string, unknown> {
  const out = { ...base };
  for (const [k, v] of Object.entries(over))
    out[k] = isObject(v) && isObject(out[k]) ? merge(out[k] as any, v) : v;
  return out;
}

export class Backend {
  readonly startedAt = Date.now();
  private exited = false;
  constructor(
    readonly child: ChildProcess,
    readonly baseUrl: string,
    readonly token: string,
    readonly logFile: string,
  ) {
    child.once('exit', () => (this.exited = true));
  }

  get pid() {
    return this.child.pid!;
  }

  static async start(o: BackendOptions): Promise<Backend> {
    const port = await freePort();
    const config = {
      backend: {
        baseUrl: `http://127.0.0.1:${port}`,
        listen: { port, host: '127.0.0.1' },
        auth: {
          externalAccess: [
            { type: 'static', options: { token: o.token, subject: 'bench' } },
          ],
        },
      },
      kamaji: {
        managementClusters: o.centralKubeconfig
          ? [
              {
                name: 'central',
                title: 'Central (bench)',
                kubeconfig: { path: o.centralKubeconfig },
              },
            ]
          : [],
        // The fan-out baseline asks the configured serviceAccount clusters below as a service
        // principal; the module's fleet clusters answer signed-in users only (impersonation).
        kubernetes: { includeIslands: false, includeTenants: false },
      },
      kubernetes: {
        serviceLocatorMethod: { type: 'multiTenant' },
        clusterLocatorMethods: [
          {
            type: 'config',
            clusters: o.kubernetesClusters.map(c => ({
              name: c.name,
              url: c.url,
              authProvider: 'serviceAccount',
              serviceAccountToken: c.serviceAccountToken,
              caData: c.caData,
              skipMetricsLookup: true,
            })),
          },
        ],
        customResources: [
          {
            group: 'kamaji.clastix.io',
            apiVersion: 'v1alpha1',
            plural: 'tenantcontrolplanes',
          },
        ],
      },
    };
    // The catalog Component the Kubernetes plugin resolves (POST …/custom/query takes an entityRef).
    const entityFile = join(o.workDir, 'fleet-component.yaml');
    writeFileSync(
      entityFile,
      stringify({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: {
          name: 'fleet',
          annotations: { 'backstage.io/kubernetes-id': 'fleet' },
        },
        spec: {
          type: 'service',
          owner: 'group:default/platform-team',
          lifecycle: 'production',
        },
      }),
    );
    (config as any).catalog = {
      locations: [{ type: 'file', target: entityFile }],
    };
    const configFile = join(o.workDir, `app-config.bench-${o.label}.yaml`);
    writeFileSync(
      configFile,
      stringify(o.extraConfig ? merge(config, o.extraConfig) : config),
      { mode: 0o600 },
    );
    return Backend.launch({
      ...o,
      port,
      configFiles: [join(REPO_ROOT, 'app-config.yaml'), configFile],
    });
  }

  /**
   * Runs packages/backend/src/index.ts (through the CLI's TypeScript transform) with these config
   * files, logging to `<workDir>/backend-<label>.log`. `cwd` may also be a directory of its own.
   */
  static launch(o: {
    label: string;
    workDir: string;
    port: number;
    token: string;
    configFiles: string[];
    nodeEnv: string;
    cwd: 'scratch' | 'repo' | { dir: string };
    logLevel?: string;
    nodeArgs?: string[];
  }): Backend {
    const logFile = join(o.workDir, `backend-${o.label}.log`);
    const log = createWriteStream(logFile);
    let cwd = typeof o.cwd === 'object' ? o.cwd.dir : REPO_ROOT;
    if (o.cwd === 'scratch') {
      cwd = join(o.workDir, `cwd-${o.label}`);
      mkdirSync(cwd, { recursive: true });
      writeFileSync(
        join(cwd, 'package.json'),
        JSON.stringify({ name: 'kamaji-bench-backend-cwd', private: true }),
      );
    }
    const child = spawn(
      process.execPath,
      [
        ...(o.nodeArgs ?? []),
        '--require',
        join(REPO_ROOT, 'node_modules/@backstage/cli/config/nodeTransform.cjs'),
        join(REPO_ROOT, 'packages/backend/src/index.ts'),
        ...o.configFiles.flatMap(f => ['--config', f]),
      ],
      {
        cwd,
        env: {
          ...process.env,
          NODE_ENV: o.nodeEnv,
          LOG_LEVEL: o.logLevel ?? 'warn',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: false,
      },
    );
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    return new Backend(child, `http://127.0.0.1:${o.port}`, o.token, logFile);
  }

  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    return fetch(`${this.baseUrl}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(init.body ? { 'content-type': 'application/json' } : {}),
        ...(init.headers as any),
      },
    });
  }

  async json(path: string, init: RequestInit = {}): Promise<any> {
    const res = await this.fetch(path, init);
    const text = await res.text();
    if (!res.ok)
      throw new Error(
        `${init.method ?? 'GET'} ${path}: ${res.status} ${text.slice(0, 300)}`,
      );
    return JSON.parse(text);
  }

  /** Resolves when the kamaji plugin answers (the backend is up); returns ms since start. */
  async waitReady(timeoutMs = 180_000): Promise<number> {
    const exited = new Promise<never>((_, fail) => {
      const f = () =>
        fail(
          new Error(
            `backend exited with ${
              this.child.exitCode
            } before it was ready; log tail:\n${this.logTail()}`,
          ),
        );
      if (this.exited || this.child.exitCode !== null) f();
      else this.child.once('exit', () => setTimeout(f, 200));
    });
    exited.catch(() => {});
    const ready = waitFor(
      'backend readiness (/.backstage/health/v1/readiness)',
      async () => {
        if (this.exited)
          throw new Error(`backend exited early; see ${this.logFile}`);
        const r = await fetch(
          `${this.baseUrl}/.backstage/health/v1/readiness`,
        ).catch(() => undefined);
        return r?.ok;
      },
      timeoutMs,
      100,
    );
    await Promise.race([ready, exited]);
    return Date.now() - this.startedAt;
  }

  logTail(lines = 40): string {
    try {
      return readFileSync(this.logFile, 'utf8')
        .split('\n')
        .slice(-lines)
        .join('\n');
    } catch {
      return '(no log)';
    }
  }

  async stop(): Promise<void> {
    if (this.exited || this.child.exitCode !== null) return;
    const done = new Promise(r => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    const t = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await Promise.race([done, sleep(12_000)]);
    clearTimeout(t);
  }
}
