import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { LocalControlPlane, TestUser } from '../LocalControlPlane';
import { CRDS_DIR, SHARED_DIR, TEST_PROVIDER_CRDS } from '../paths';
import { AnyObject } from '../seed';
import {
  CapiManager,
  caBundleOf,
  ensureCapiManagerBuilt,
  freePort,
  issueServingCert,
} from './CapiManager';
import { ensureKubeplaneBuilt } from '../LocalControlPlane';

/** The upstream Cluster API CRDs (never copied into the project: read at test time). */
export function upstreamCapiCrdsDir(): string {
  const dir = join(SHARED_DIR, 'upstream-crds', 'cluster-api');
  if (!existsSync(dir))
    throw new Error(
      `the upstream CAPI CRDs are not at ${dir}; set KB_SHARED_DIR to the folder holding upstream-crds`,
    );
  return dir;
}

function readCrds(dir: string): AnyObject[] {
  return readdirSync(dir)
    .filter(f => /\.ya?ml$/.test(f))
    .sort()
    .flatMap(f =>
      parseAllDocuments(readFileSync(join(dir, f), 'utf8'))
        .map(d => d.toJS() as AnyObject | null)
        .filter((d): d is AnyObject => !!d?.kind),
    );
}

/**
 * The CRD sets for a central cluster run by the real CAPI manager, in a temp dir:
 * - `capi`: the upstream CAPI CRDs, as CAPI's own install patches them (conversion webhook of
 *   the manager, caBundle of the plane's CA), the project's KamajiControlPlane CRD (Kamaji's
 *   provider is played by tests) and the test infrastructure/bootstrap provider's CRDs;
 * - `kamaji`, `addons`: the project's sets.
 */
export function writeCapiCrdSets(
  dir: string,
  webhookPort: number,
  caBundle: string,
): void {
  const capi = join(dir, 'capi');
  mkdirSync(capi, { recursive: true });
  for (const crd of readCrds(upstreamCapiCrdsDir())) {
    // Webhook conversion only where the CRD serves more than one version (all of CAPI's here).
    if ((crd.spec?.versions ?? []).length > 1) {
      crd.spec.conversion = {
        strategy: 'Webhook',
        webhook: {
          conversionReviewVersions: ['v1', 'v1beta1'],
          clientConfig: {
            url: `https://127.0.0.1:${webhookPort}/convert`,
            caBundle,
          },
        },
      };
    }
    writeFileSync(join(capi, `${crd.metadata.name}.yaml`), stringify(crd));
  }
  const kcp = readCrds(join(CRDS_DIR, 'capi')).filter(
    c => c.spec?.names?.kind === 'KamajiControlPlane',
  );
  for (const crd of [...kcp, ...readCrds(TEST_PROVIDER_CRDS)])
    writeFileSync(join(capi, `${crd.metadata.name}.yaml`), stringify(crd));
  for (const set of ['kamaji', 'addons']) {
    mkdirSync(join(dir, set), { recursive: true });
    for (const crd of readCrds(join(CRDS_DIR, set)))
      writeFileSync(
        join(dir, set, `${crd.metadata.name}.yaml`),
        stringify(crd),
      );
  }
}

export interface CapiPlaneOptions {
  /** Clusters besides central (which always gets capi, kamaji, addons), e.g. islands or workload clusters. */
  clusters?: Record<string, string[]>;
  users?: TestUser[];
  clusterTopology?: boolean;
}

export interface CapiPlane {
  plane: LocalControlPlane;
  capi: CapiManager;
  /** Stops the manager, then the plane, and removes the temp dir. */
  stop(): Promise<void>;
}

/**
 * A local control plane whose `central` runs the real CAPI core manager: upstream CAPI CRDs with
 * the manager's conversion webhook, its defaulting and validating webhooks, and the test provider.
 */
export async function startCapiPlane(
  options: CapiPlaneOptions = {},
): Promise<CapiPlane> {
  ensureKubeplaneBuilt();
  ensureCapiManagerBuilt();
  const root = mkdtempSync(join(tmpdir(), 'capi-plane-'));
  const stateDir = join(root, 'state');
  const certDir = join(root, 'webhook-certs');
  const crdsDir = join(root, 'crds');
  try {
    // The CA exists before `up` (kubeplane reuses it), so the CRDs can carry it as caBundle.
    issueServingCert(stateDir, certDir);
    const webhookPort = await freePort();
    writeCapiCrdSets(crdsDir, webhookPort, caBundleOf(stateDir));
    const plane = await LocalControlPlane.start({
      stateDir,
      crdsDir,
      clusters: {
        central: ['capi', 'kamaji', 'addons'],
        ...options.clusters,
      },
      users: options.users,
    });
    let capi: CapiManager;
    try {
      capi = await CapiManager.start(plane, {
        webhookPort,
        certDir,
        clusterTopology: options.clusterTopology,
      });
    } catch (e) {
      await plane.stop();
      throw e;
    }
    return {
      plane,
      capi,
      stop: async () => {
        await capi.stop();
        await plane.stop();
        rmSync(root, { recursive: true, force: true });
      },
    };
  } catch (e) {
    rmSync(root, { recursive: true, force: true });
    throw e;
  }
}
