import { resolve } from 'node:path';

/** The test/kube folder of the repository. */
// This package is only run from the source tree (tests, scripts), never built, so __dirname is stable.
// eslint-disable-next-line no-restricted-syntax
export const KUBE_DIR = resolve(__dirname, '..');
/** The repository root. */
export const REPO_ROOT = resolve(KUBE_DIR, '..', '..');
/** The kubeplane binary built by test/kube/build.sh. */
export const KUBEPLANE_BIN = resolve(KUBE_DIR, 'bin', 'kubeplane');
/** The project's own CRDs, one folder per set (capi, kamaji, addons). */
export const CRDS_DIR = resolve(KUBE_DIR, 'crds');
/** Where the demo keeps its control plane (kept across restarts). */
export const DEMO_STATE_DIR = resolve(REPO_ROOT, '.kube-local', 'demo');
/** The real CAPI core manager built by test/kube/capi/build.sh, and its upstream webhook configurations. */
export const CAPI_MANAGER_BIN = resolve(KUBE_DIR, 'bin', 'capi-manager');
export const CAPI_WEBHOOKS = resolve(KUBE_DIR, 'bin', 'capi-webhooks.yaml');
/** CRDs of the minimal CAPI infrastructure and bootstrap provider the tests play. */
export const TEST_PROVIDER_CRDS = resolve(KUBE_DIR, 'capi', 'crds');
/** The shared folder with upstream CRDs and examples (KB_SHARED_DIR, default ../shared next to the checkout). */
export const SHARED_DIR = resolve(
  process.env.KB_SHARED_DIR ?? resolve(REPO_ROOT, '..', 'shared'),
);
