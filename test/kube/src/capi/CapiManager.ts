import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { LocalControlPlane } from '../LocalControlPlane';
import {
  CAPI_MANAGER_BIN,
  CAPI_WEBHOOKS,
  KUBE_DIR,
  KUBEPLANE_BIN,
} from '../paths';
import { AnyObject, FleetObjectApi } from '../seed';

/**
 * The real Cluster API core manager (sigs.k8s.io/cluster-api v1.14.2, built by
 * test/kube/capi/build.sh) running against one cluster of a {@link LocalControlPlane}, with its
 * webhooks (defaulting, validation, conversion) served with a certificate of the plane's CA.
 */

/**
 * Feature gates: MachinePool off (its CRD is not among the upstream CRDs used here, and the
 * manager refuses to start without it); RuntimeSDK off (no runtime extensions). ClusterTopology
 * is a parameter: on, the manager also runs the topology controllers (ClusterClass islands).
 */
export function capiFeatureGates(clusterTopology: boolean): string {
  return `MachinePool=false,ClusterTopology=${clusterTopology},RuntimeSDK=false`;
}

/** Builds the CAPI manager unless it is up to date (seconds when cached, minutes cold). */
export function ensureCapiManagerBuilt(): void {
  execFileSync('bash', [join(KUBE_DIR, 'capi', 'build.sh')], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (!existsSync(CAPI_MANAGER_BIN) || !existsSync(CAPI_WEBHOOKS)) {
    throw new Error(
      `the CAPI manager was not built at ${CAPI_MANAGER_BIN}; run: bash test/kube/capi/build.sh`,
    );
  }
}

/** A free TCP port on 127.0.0.1 (the kernel picks it). */
export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => done(port));
    });
  });
}

/** Issues tls.crt/tls.key signed by the CA of the state dir (creating the CA before `up` if needed). */
export function issueServingCert(stateDir: string, outDir: string): void {
  execFileSync(
    KUBEPLANE_BIN,
    [
      'serving-cert',
      '--state-dir',
      stateDir,
      '--out',
      outDir,
      '--cn',
      'capi-webhook',
    ],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
}

/** The CA of a state dir, base64, for caBundle fields. */
export function caBundleOf(stateDir: string): string {
  return readFileSync(join(stateDir, 'pki', 'ca.crt')).toString('base64');
}

const WEBHOOK_CONFIG_NAMES = {
  MutatingWebhookConfiguration: 'capi-mutating-webhook-configuration',
  ValidatingWebhookConfiguration: 'capi-validating-webhook-configuration',
} as const;

/**
 * The manager's upstream webhook configurations (bin/capi-webhooks.yaml, from the module) with
 * each service reference turned into a URL of the manager on loopback.
 */
export function webhookConfigurations(
  webhookPort: number,
  caBundle: string,
): AnyObject[] {
  const docs = parseAllDocuments(readFileSync(CAPI_WEBHOOKS, 'utf8'))
    .map(d => d.toJS() as AnyObject | null)
    .filter((d): d is AnyObject => !!d?.kind);
  return docs.map(doc => ({
    apiVersion: doc.apiVersion,
    kind: doc.kind,
    metadata: {
      name: WEBHOOK_CONFIG_NAMES[doc.kind as keyof typeof WEBHOOK_CONFIG_NAMES],
    },
    webhooks: (doc.webhooks ?? []).map((w: any) => {
      const { service, ...rest } = w.clientConfig ?? {};
      return {
        ...w,
        clientConfig: {
          ...rest,
          url: `https://127.0.0.1:${webhookPort}${service?.path ?? ''}`,
          caBundle,
        },
      };
    }),
  }));
}

export interface CapiManagerOptions {
  /** The cluster the manager manages (its admin kubeconfig is used). Default `central`. */
  cluster?: string;
  /** The port its webhook server listens on (the CRDs' conversion webhooks point at it). */
  webhookPort: number;
  /** Directory holding tls.crt/tls.key (see {@link issueServingCert}). */
  certDir: string;
  clusterTopology?: boolean;
  /** How long to wait for /readyz. Default 60 s. */
  startTimeoutMs?: number;
}

export class CapiManager {
  /**
   * Starts the manager, waits for /readyz (controllers and webhook server up), then installs its
   * mutating and validating webhook configurations pointing at it.
   */
  static async start(
    plane: LocalControlPlane,
    options: CapiManagerOptions,
  ): Promise<CapiManager> {
    ensureCapiManagerBuilt();
    const cluster = options.cluster ?? 'central';
    const healthPort = await freePort();
    const diagnosticsPort = await freePort();
    const kubeconfig = plane.state.users.admin.kubeconfigs[cluster];
    const args = [
      `--kubeconfig=${kubeconfig}`,
      `--webhook-cert-dir=${options.certDir}`,
      `--webhook-port=${options.webhookPort}`,
      `--health-addr=127.0.0.1:${healthPort}`,
      `--diagnostics-address=127.0.0.1:${diagnosticsPort}`,
      '--insecure-diagnostics',
      `--feature-gates=${capiFeatureGates(!!options.clusterTopology)}`,
    ];
    const started = Date.now();
    const child = spawn(CAPI_MANAGER_BIN, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const manager = new CapiManager(child, plane, cluster);
    child.stdout!.on('data', d => manager.keep(d));
    child.stderr!.on('data', d => manager.keep(d));
    const limit = options.startTimeoutMs ?? 60_000;
    for (;;) {
      if (child.exitCode !== null)
        throw new Error(
          `the CAPI manager exited with code ${
            child.exitCode
          }:\n${manager.logTail()}`,
        );
      if (await ready(healthPort)) break;
      if (Date.now() - started > limit) {
        await manager.stop();
        throw new Error(
          `the CAPI manager was not ready within ${limit} ms:\n${manager.logTail()}`,
        );
      }
      await new Promise(r => setTimeout(r, 100));
    }
    manager.startSeconds = (Date.now() - started) / 1000;
    await manager.installWebhooks(options.webhookPort);
    return manager;
  }

  /** Seconds from spawn to /readyz 200. */
  startSeconds = 0;
  private log = '';
  private stopped = false;

  private constructor(
    private readonly child: ChildProcess,
    private readonly plane: LocalControlPlane,
    readonly cluster: string,
  ) {}

  get pid(): number {
    return this.child.pid!;
  }

  /** Resident memory of the manager process in bytes (Linux /proc). */
  rssBytes(): number {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : 0;
  }

  /** The last lines the manager logged (errors included), for failure messages. */
  logTail(lines = 40): string {
    return this.log.split('\n').slice(-lines).join('\n');
  }

  /** Log lines matching a pattern, e.g. reconcile errors. */
  logLines(pattern: RegExp): string[] {
    return this.log.split('\n').filter(l => pattern.test(l));
  }

  /** Removes the webhook configurations (CAPI writes would fail without the manager), then stops it. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const admin = FleetObjectApi.forConfig(this.plane.kubeConfig(this.cluster));
    for (const [kind, name] of Object.entries(WEBHOOK_CONFIG_NAMES)) {
      await admin
        .remove({
          apiVersion: 'admissionregistration.k8s.io/v1',
          kind,
          metadata: { name },
        })
        .catch(() => undefined);
    }
    const exited = new Promise<void>(done => {
      if (this.child.exitCode !== null) done();
      else this.child.once('exit', () => done());
    });
    this.child.kill('SIGTERM');
    const forced = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(forced);
  }

  private keep(chunk: Buffer) {
    // CAPI_MANAGER_LOG=<file> keeps the whole log, to debug a test run.
    if (process.env.CAPI_MANAGER_LOG)
      appendFileSync(process.env.CAPI_MANAGER_LOG, chunk);
    this.log += chunk.toString();
    // Keep the last ~2 MB: enough for failure messages and error scans in a test run.
    if (this.log.length > 4_000_000) this.log = this.log.slice(-2_000_000);
  }

  private async installWebhooks(webhookPort: number) {
    const admin = FleetObjectApi.forConfig(this.plane.kubeConfig(this.cluster));
    const caBundle = caBundleOf(this.plane.stateDir);
    for (const config of webhookConfigurations(webhookPort, caBundle))
      await admin.apply(config, { fieldManager: 'capi-manager-harness' });
  }
}

async function ready(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/readyz`);
    return res.ok;
  } catch {
    return false;
  }
}
