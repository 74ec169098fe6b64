#!/usr/bin/env bash
# The demo, from a fresh clone: installs the toolchain and dependencies, starts the local control plane
# (central + island-a + island-b, and the tenant cluster lyon-press-line with its workloads: real
# kube-apiservers), seeds the example fleet, and runs Backstage.
# Open http://localhost:3000 and sign in as guest. Ctrl-C stops everything; the fleet's data is kept
# in .kube-local/demo for the next start.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/toolchain.sh

state_dir="$PWD/.kube-local/demo"
mkdir -p "$state_dir"

echo "==> install dependencies"
yarn install --immutable | grep -v -E 'YN0000|YN0007|YN0005|YN0086|YN0060|YN0002|YN0013' || true

echo "==> build the local control plane"
bash test/kube/build.sh

echo "==> start the local control plane (state in $state_dir)"
test/kube/bin/kubeplane up --state-dir "$state_dir" --crds test/kube/crds \
  --cluster central=capi,kamaji,addons --cluster island-a=kamaji --cluster island-b=kamaji \
  --cluster lyon-press-line= \
  --user kamaji-backstage:kamaji-backstage \
  > "$state_dir/kubeplane.out" 2>&1 &
kubeplane_pid=$!
cleanup() {
  kill -TERM "$kubeplane_pid" 2>/dev/null || true
  wait "$kubeplane_pid" 2>/dev/null || true
}
trap cleanup EXIT INT TERM
for _ in $(seq 1 180); do
  grep -q 'kubeplane: ready' "$state_dir/kubeplane.out" 2>/dev/null && break
  kill -0 "$kubeplane_pid" 2>/dev/null || { cat "$state_dir/kubeplane.out" >&2; exit 1; }
  sleep 1
done
grep 'kubeplane: ready' "$state_dir/kubeplane.out" || { cat "$state_dir/kubeplane.out" >&2; exit 1; }

echo "==> seed the example fleet"
node --require ./node_modules/@backstage/cli/config/nodeTransform.cjs test/kube/src/seed/cli.ts --state-dir "$state_dir"

echo "==> least-privilege RBAC for the backend (examples/deploy/rbac.yaml) and its config"
node --require ./node_modules/@backstage/cli/config/nodeTransform.cjs test/kube/src/demo/prepareBackend.ts \
  --state-dir "$state_dir" --out "$state_dir/app-config.demo.yaml"

echo "==> start Backstage: app http://localhost:3000, backend http://localhost:7007 (sign in as guest)"
yarn start --config "$PWD/app-config.yaml" --config "$state_dir/app-config.demo.yaml"
