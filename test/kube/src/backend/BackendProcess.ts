/* A real packages/backend process (src/index.ts through the CLI's TypeScript transform), its log in a file. */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  createWriteStream,
  mkdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '../fleet/fleetPlane';
import { REPO_ROOT } from '../paths';

export interface BackendLaunchOptions {
  label: string;
  workDir: string;
  port: number;
  /** Static externalAccess token the process accepts (sent by {@link BackendProcess.fetch}). */
  token: string;
  configFiles: string[];
  nodeEnv: string;
  /**
   * Working directory. 'scratch': an empty package dir in workDir, so the root config service's
   * secret enumerator (which compiles the config schemas of every workspace package it finds from
   * the cwd) does not trip over half-created packages of concurrent work and does not hold a
   * TypeScript program; 'repo': the repository root; or a directory of its own.
   */
  cwd: 'scratch' | 'repo' | { dir: string };
  /** Extra node flags of the backend process (e.g. `--heapsnapshot-signal=SIGUSR2`). */
  nodeArgs?: string[];
  logLevel?: string;
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** Runs a TypeScript script of the repository (e.g. the demo's) with the CLI's transform; waits for it. */
export function runTs(script: string, args: string[]): void {
  execFileSync(
    process.execPath,
    [
      '--require',
      join(REPO_ROOT, 'node_modules/@backstage/cli/config/nodeTransform.cjs'),
      join(REPO_ROOT, script),
      ...args,
    ],
    { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'] },
  );
}

export class BackendProcess {
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

  get running() {
    return !this.exited && this.child.exitCode === null;
  }

  /** Starts the process, logging to `<workDir>/backend-<label>.log`; see {@link waitReady}. */
  static launch<T extends typeof BackendProcess>(
    this: T,
    o: BackendLaunchOptions,
  ): InstanceType<T> {
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
    return new this(
      child,
      `http://127.0.0.1:${o.port}`,
      o.token,
      logFile,
    ) as InstanceType<T>;
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

  /** Resolves when the backend answers its readiness check; returns ms since start. */
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
      if (!this.running) f();
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

  /** kill -9: no shutdown hooks run (Leases are not released, nothing is flushed). */
  async kill(): Promise<void> {
    if (!this.running) return;
    const done = new Promise(r => this.child.once('exit', r));
    this.child.kill('SIGKILL');
    await done;
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    const done = new Promise(r => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    const t = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await Promise.race([done, sleep(12_000)]);
    clearTimeout(t);
  }
}
