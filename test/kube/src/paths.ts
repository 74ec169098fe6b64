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
