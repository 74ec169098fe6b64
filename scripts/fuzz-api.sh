#!/usr/bin/env bash
# Fuzzes the kamaji REST API from its OpenAPI spec (plugins/kamaji-backend/src/schema/openapi.yaml) with
# schemathesis (PyPI), against the real backend on the local control plane with the example fleet,
# signed in as the demo guest (platform team). Fails on any 5xx, on responses that do not match the
# spec, and on credential material in a response or the backend log.
#   bash scripts/fuzz-api.sh [--max-examples N]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/toolchain.sh

max_examples=100
[[ "${1:-}" == "--max-examples" ]] && max_examples="$2"
state_dir="$PWD/.kube-local/fuzz"
port="${KB_FUZZ_PORT:-7207}"
venv="$PWD/.tools/schemathesis"
rm -rf "$state_dir" && mkdir -p "$state_dir"

if [[ ! -x "$venv/bin/schemathesis" ]]; then
  echo "==> install schemathesis (PyPI) into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q 'schemathesis==4.32.5'
fi

yarn install --immutable >/dev/null
bash test/kube/build.sh

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT INT TERM

echo "==> local control plane ($state_dir)"
test/kube/bin/kubeplane up --state-dir "$state_dir" --crds test/kube/crds \
  --cluster central=capi,kamaji,addons --cluster island-a=kamaji --cluster island-b=kamaji \
  --cluster lyon-press-line= \
  --user kamaji-backstage:kamaji-backstage > "$state_dir/kubeplane.out" 2>&1 &
pids+=($!)
for _ in $(seq 1 120); do grep -q 'kubeplane: ready' "$state_dir/kubeplane.out" && break; sleep 1; done
grep -q 'kubeplane: ready' "$state_dir/kubeplane.out" || { cat "$state_dir/kubeplane.out" >&2; exit 1; }

node --require ./node_modules/@backstage/cli/config/nodeTransform.cjs test/kube/src/seed/cli.ts --state-dir "$state_dir"
node --require ./node_modules/@backstage/cli/config/nodeTransform.cjs test/kube/src/demo/prepareBackend.ts \
  --state-dir "$state_dir" --out "$state_dir/app-config.fleet.yaml"
cat > "$state_dir/app-config.fuzz.yaml" <<YAML
backend:
  baseUrl: http://localhost:$port
  listen: { port: $port, host: 127.0.0.1 }
YAML

echo "==> backend on :$port (log: $state_dir/backend.log)"
NODE_ENV=development node --require ./node_modules/@backstage/cli/config/nodeTransform.cjs \
  packages/backend/src/index.ts --config "$PWD/app-config.yaml" \
  --config "$state_dir/app-config.fleet.yaml" --config "$state_dir/app-config.fuzz.yaml" \
  > "$state_dir/backend.log" 2>&1 &
pids+=($!)
base="http://localhost:$port"
for _ in $(seq 1 180); do
  curl -fsS "$base/.backstage/health/v1/readiness" >/dev/null 2>&1 && break; sleep 1
done
token=$(curl -fsS "$base/api/auth/guest/refresh" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).backstageIdentity.token))')
# Wait until the fleet has synced, so the fuzzer meets real clusters.
for _ in $(seq 1 60); do
  curl -fsS -H "authorization: Bearer $token" "$base/api/kamaji/v1/fleet?limit=1" | grep -q '"islands":\[{' && break; sleep 1
done

echo "==> schemathesis, $max_examples examples per operation"
set +e
"$venv/bin/schemathesis" run plugins/kamaji-backend/src/schema/openapi.yaml \
  --url "$base/api/kamaji" -H "Authorization: Bearer $token" \
  --checks all --max-examples "$max_examples" --workers 1 \
  --report junit --report-dir "$state_dir/report" 2>&1 | tee "$state_dir/schemathesis.out"
st=${PIPESTATUS[0]}
set -e
fivexx=$(grep -E "\"[A-Z]+ /api/[^\"]*\" 5[0-9][0-9] " "$state_dir/backend.log" | tee "$state_dir/5xx.log" | wc -l || true)
echo "==> 5xx answers of /api/ routes in the backend log: $fivexx"
[[ "$fivexx" -eq 0 ]] || { cat "$state_dir/5xx.log"; st=1; }
exit "$st"
