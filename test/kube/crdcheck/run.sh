#!/usr/bin/env bash
# Builds and runs crdcheck from any directory (the repository root has no Go module, so
# `go run ./test/kube/crdcheck` only works there with a go.work that uses this module).
# Paths are taken relative to the caller's working directory (or the repository root):
#   bash test/kube/crdcheck/run.sh --project test/kube/crds --upstream ../shared/upstream-crds
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mkdir -p "$here/bin"
(cd "$here" && go build -o bin/crdcheck .)
exec "$here/bin/crdcheck" "$@"
