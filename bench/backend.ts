/* Starts the real packages/backend as a child process with a generated bench config. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { BackendProcess, freePort, REPO_ROOT } from '@internal/test-kube';
import type {
  ConnectionState,
  FleetResponse,
} from '@kamaji-backstage/plugin-kamaji-common';

export { freePort };

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
  /** Extra node flags of the backend process (e.g. `--heapsnapshot-signal=SIGUSR2`). */
  nodeArgs?: string[];
  /** Merged over the generated config last (objects merged, arrays and values replaced). */
  extraConfig?: Record<string, unknown>;
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

/** What a backend's fleet API shows: tenants, islands, and of them those connected. */
export interface FleetCounts {
  tenants: number;
  islands: number;
  connected: number;
}

/** An island as a backend's fleet API shows it: where it is declared and its connection. */
export interface IslandState {
  name: string;
  namespace: string;
  status?: ConnectionState['status'];
}

/** A backend's fleet now: how many tenants it holds, and its islands by name. */
export interface FleetState {
  tenants: number;
  islands: Map<string, IslandState>;
}

export function countsOf(state: FleetState): FleetCounts {
  const islands = [...state.islands.values()];
  return {
    tenants: state.tenants,
    islands: islands.length,
    connected: islands.filter(i => i.status === 'connected').length,
  };
}

/** The generated config: the static token, central, and the Kubernetes plugin's clusters. */
function benchConfig(o: BackendOptions, port: number) {
  return {
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
}

/** The catalog Component the Kubernetes plugin resolves (POST …/custom/query takes an entityRef). */
function writeFleetComponent(workDir: string): string {
  const entityFile = join(workDir, 'fleet-component.yaml');
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
  return entityFile;
}

export class Backend extends BackendProcess {
  /** The fleet as this backend serves it now (one page of one tenant: the islands come whole). */
  async fleetState(): Promise<FleetState> {
    const fleet: FleetResponse = await this.json(
      '/api/kamaji/v1/fleet?limit=1',
    );
    const islands = new Map(
      fleet.islands.map(({ name, namespace, connection }) => [
        name,
        { name, namespace, status: connection?.status },
      ]),
    );
    return { tenants: fleet.page.total, islands };
  }

  async fleetCounts(): Promise<FleetCounts> {
    return countsOf(await this.fleetState());
  }

  static async start(o: BackendOptions): Promise<Backend> {
    const port = await freePort();
    const config = {
      ...benchConfig(o, port),
      catalog: {
        locations: [{ type: 'file', target: writeFleetComponent(o.workDir) }],
      },
    };
    const configFile = join(o.workDir, `app-config.bench-${o.label}.yaml`);
    writeFileSync(
      configFile,
      stringify(o.extraConfig ? merge(config, o.extraConfig) : config),
      { mode: 0o600 },
    );
    return this.launch({
      ...o,
      port,
      configFiles: [join(REPO_ROOT, 'app-config.yaml'), configFile],
    });
  }
}
