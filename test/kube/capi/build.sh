#!/usr/bin/env bash
# Builds test/kube/bin/capi-manager (+ bin/capi-webhooks.yaml): the real Cluster API core manager (sigs.k8s.io/cluster-api v1.14.2,
# package sigs.k8s.io/cluster-api/core) from the Go module proxy. Its own module, so kubeplane's k8s pins stay apart.
# Skips the build when the binary is newer than go.mod, go.sum and this script. Uses the default Go caches.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

bin="$(cd .. && pwd)/bin/capi-manager"
# The manager's own webhook configurations (upstream core/config/webhook/manifests.yaml of the module),
# next to the binary: the harness installs them pointing at the running manager.
webhooks="$(cd .. && pwd)/bin/capi-webhooks.yaml"
capi_version="v1.14.2"

if [[ -x "$bin" && -f "$webhooks" && ! go.mod -nt "$bin" && ! go.sum -nt "$bin" && ! build.sh -nt "$bin" ]]; then
  echo "capi-manager: up to date ($bin)"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  echo "capi-manager: 'go' not found on PATH (Go 1.26 is required)" >&2
  exit 1
fi

echo "capi-manager: building $bin (cluster-api ${capi_version}; a cold build takes minutes)"
start=$(date +%s)
mkdir -p "$(dirname "$bin")"
# Build to a temp file, then rename: a half-written binary must never look up to date.
tmp="$(dirname "$bin")/.capi-manager.tmp.$$"
trap 'rm -f "$tmp"' EXIT
ldflags="-s -w -X sigs.k8s.io/cluster-api/version.gitVersion=${capi_version}"
CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$tmp" sigs.k8s.io/cluster-api/core
mv -f "$tmp" "$bin"
cp -f "$(go list -m -f '{{.Dir}}' sigs.k8s.io/cluster-api)/core/config/webhook/manifests.yaml" "$webhooks"
chmod 644 "$webhooks"
end=$(date +%s)
echo "capi-manager: built in $((end - start))s -> $bin"
