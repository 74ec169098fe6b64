#!/usr/bin/env bash
# Fuzzes the kamaji REST API from its OpenAPI spec (plugins/kamaji-backend/src/schema/openapi.yaml) with
# schemathesis (PyPI), against the real backend on the local control plane with the example fleet,
# signed in as the demo guest (platform team), as a user of an application team (alice, team-retail,
# examples/org.yaml) or both, one after the other (the guest provider's user is switched in a
# watched config file, as scripts/check-kubernetes-backend.ts does). Fails on any 5xx, on responses
# that do not match the spec, and on credential material in a response or the backend log.
#   bash scripts/fuzz-api.sh [--max-examples N] [--as guest|team|both]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/toolchain.sh

max_examples=100
as=both
while [[ $# -gt 0 ]]; do
  case "$1" in
    --max-examples) max_examples="$2"; shift 2 ;;
    --as) as="$2"; shift 2 ;;
    *) echo "usage: $0 [--max-examples N] [--as guest|team|both]" >&2; exit 2 ;;
  esac
done
case "$as" in
  guest) users=(guest) ;;
  team) users=(team) ;;
  both) users=(guest team) ;;
  *) echo "--as: guest, team or both, not '$as'" >&2; exit 2 ;;
esac
declare -A user_ref=([guest]=user:default/guest [team]=user:default/alice)
declare -A user_group=([guest]=group:default/platform-team [team]=group:default/team-retail)
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

run_ts() { node --require ./node_modules/@backstage/cli/config/nodeTransform.cjs "$@"; }
run_ts test/kube/src/seed/cli.ts --state-dir "$state_dir"
run_ts test/kube/src/demo/prepareBackend.ts \
  --state-dir "$state_dir" --out "$state_dir/app-config.fleet.yaml"
cat > "$state_dir/app-config.fuzz.yaml" <<YAML
backend:
  baseUrl: http://localhost:$port
  listen: { port: $port, host: 127.0.0.1 }
YAML
sign_in="$state_dir/app-config.sign-in.yaml"
run_ts test/kube/src/demo/signIn.ts --config-file "$sign_in" --user "${user_ref[guest]}"

echo "==> backend on :$port (log: $state_dir/backend.log)"
# From packages/backend, as `yarn start` runs it: app-config.yaml's catalog locations are relative to it.
(cd packages/backend && NODE_ENV=development exec node --require ../../node_modules/@backstage/cli/config/nodeTransform.cjs \
  src/index.ts --config "$OLDPWD/app-config.yaml" \
  --config "$state_dir/app-config.fleet.yaml" --config "$state_dir/app-config.fuzz.yaml" --config "$sign_in" \
  > "$state_dir/backend.log" 2>&1) &
pids+=($!)
base="http://localhost:$port"
for _ in $(seq 1 180); do
  curl -fsS "$base/.backstage/health/v1/readiness" >/dev/null 2>&1 && break; sleep 1
done
sign_in_as() {
  run_ts test/kube/src/demo/signIn.ts --url "$base" --config-file "$sign_in" \
    --user "${user_ref[$1]}" --group "${user_group[$1]}"
}
token=$(sign_in_as guest)
# Wait until the fleet has synced, so the fuzzer meets real clusters.
for _ in $(seq 1 60); do
  curl -fsS -H "authorization: Bearer $token" "$base/api/kamaji/v1/fleet?limit=1" | grep -q '"islands":\[{' && break; sleep 1
done

st=0
hars=()
for who in "${users[@]}"; do
  [[ "$who" == guest ]] || token=$(sign_in_as "$who")
  echo "==> schemathesis as ${user_ref[$who]} (${user_group[$who]}), $max_examples examples per operation"
  out="$state_dir/schemathesis-$who.out"
  set +e
  "$venv/bin/schemathesis" --config-file scripts/fuzz-api.schemathesis.toml \
    run plugins/kamaji-backend/src/schema/openapi.yaml \
    --url "$base/api/kamaji" -H "Authorization: Bearer $token" \
    --checks all --max-examples "$max_examples" --workers 1 \
    --report junit,har --report-dir "$state_dir/report-$who" --report-har-path "$state_dir/report-$who/responses.har" \
    --output-sanitize false 2>&1 | tee "$out"
  [[ "${PIPESTATUS[0]}" -eq 0 ]] || st=1
  set -e
  hars+=(--har "$state_dir/report-$who/responses.har")
done

fivexx=$(grep -E "\"[A-Z]+ /api/[^\"]*\" 5[0-9][0-9] " "$state_dir/backend.log" | tee "$state_dir/5xx.log" | wc -l || true)
echo "==> 5xx answers of /api/ routes in the backend log: $fivexx"
[[ "$fivexx" -eq 0 ]] || { cat "$state_dir/5xx.log"; st=1; }
echo "==> credential material in the responses and the backend log"
run_ts test/kube/src/demo/scanCredentials.ts --state-dir "$state_dir" "${hars[@]}" \
  --log "$state_dir/backend.log" || st=1
exit "$st"
