#!/usr/bin/env bash
# End-to-end tests in headless Chromium (Debian's /usr/bin/chromium driven by playwright-core):
# starts the demo stack (scripts/demo.sh: local control plane, seeded example fleet, Backstage) on
# its own state dir and ports, so it never clashes with a demo on 3000/7007, waits until the app and
# the backend answer, runs e2e/*.e2e.ts and stops the whole stack on exit, also on failure.
# Screenshots go to docs/screenshots/ (KB_E2E_SCREENSHOT_DIR), failure screenshots and the stack's
# log to .kube-local/e2e-artifacts/.
#
# Environment: KB_E2E_APP_PORT (3100), KB_E2E_BACKEND_PORT (7107), KB_CHROMIUM (/usr/bin/chromium).
# Arguments go to node's test runner, e.g. --test-name-pattern='not allowed' runs the tests named so.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/toolchain.sh
source scripts/chromium.sh

t0=$(date +%s)
app_port="${KB_E2E_APP_PORT:-3100}"
backend_port="${KB_E2E_BACKEND_PORT:-7107}"
state_dir="$PWD/.kube-local/e2e"
artifacts="$PWD/.kube-local/e2e-artifacts"
stack_log="$artifacts/stack.log"
app_url="http://localhost:$app_port"
backend_url="http://localhost:$backend_port"

for port in "$app_port" "$backend_port"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "e2e: port $port is already in use (another e2e run or demo on it?); set KB_E2E_APP_PORT / KB_E2E_BACKEND_PORT" >&2
    exit 1
  fi
done

# A fresh fleet every run: the state dir is wiped unless a control plane still holds its lock.
mkdir -p "$state_dir" "$artifacts"
if ! flock -n "$state_dir/.lock" true 2>/dev/null; then
  echo "e2e: a control plane is still running on $state_dir" >&2
  exit 1
fi
rm -rf "$state_dir" "$artifacts"
mkdir -p "$state_dir" "$artifacts"
# The guest sign-in's user, in a file the backend watches: the tests switch it to act as other users.
sign_in_config="$state_dir/app-config.sign-in.yaml"
echo 'auth: { providers: { guest: { userEntityRef: "user:default/guest" } } }' >"$sign_in_config"

echo "==> start the stack (scripts/demo.sh; app $app_url, backend $backend_url; log $stack_log)"
# setsid: the stack gets its own process group, so one signal stops yarn, the app and backend
# dev servers and kubeplane with its API servers.
KB_DEMO_STATE_DIR="$state_dir" KB_DEMO_APP_PORT="$app_port" KB_DEMO_BACKEND_PORT="$backend_port" \
  KB_DEMO_SIGN_IN_CONFIG="$sign_in_config" \
  setsid bash scripts/demo.sh >"$stack_log" 2>&1 &
stack_pid=$!

stop_stack() {
  local status=$?
  if kill -0 -- "-$stack_pid" 2>/dev/null; then
    echo "==> stop the stack"
    kill -TERM -- "-$stack_pid" 2>/dev/null || true
    for _ in $(seq 1 30); do
      kill -0 -- "-$stack_pid" 2>/dev/null || break
      sleep 1
    done
    kill -KILL -- "-$stack_pid" 2>/dev/null || true
  fi
  echo "e2e finished in $(($(date +%s) - t0)) s (exit $status)"
  exit $status
}
trap stop_stack EXIT
trap 'exit 130' INT TERM

answers() { curl -fsS -o /dev/null --max-time 10 "$1" 2>/dev/null; }
wait_for() { # what url timeout-seconds
  local deadline=$(($(date +%s) + $3))
  until answers "$2"; do
    if ! kill -0 "$stack_pid" 2>/dev/null; then
      echo "e2e: the stack exited before $1 answered; end of $stack_log:" >&2
      tail -n 40 "$stack_log" >&2
      exit 1
    fi
    if [ "$(date +%s)" -gt "$deadline" ]; then
      echo "e2e: $1 did not answer at $2 within $3 s; end of $stack_log:" >&2
      tail -n 40 "$stack_log" >&2
      exit 1
    fi
    sleep 1
  done
  echo "    $1 answers ($(($(date +%s) - t0)) s)"
}
# First run: yarn install, the kubeplane build and the first bundle take minutes.
wait_for "the backend" "$backend_url/.backstage/health/v1/readiness" 900
wait_for "the app" "$app_url/" 600
# The dev server answers index.html at once; its main bundle only once compiled.
wait_for "the app bundle" "$app_url/main.js" 600
stack_up=$(date +%s)
echo "    stack up in $((stack_up - t0)) s"

echo "==> end-to-end tests (headless $KB_CHROMIUM)"
set +e
KB_E2E_APP_URL="$app_url" KB_E2E_BACKEND_URL="$backend_url" KB_E2E_STATE_DIR="$state_dir" \
  KB_E2E_SIGN_IN_CONFIG="$sign_in_config" KB_E2E_STACK_LOG="$stack_log" \
  KB_E2E_SCREENSHOT_DIR="${KB_E2E_SCREENSHOT_DIR:-$PWD/docs/screenshots}" KB_E2E_FAILURE_DIR="$artifacts" \
  node --require ./node_modules/@backstage/cli/config/nodeTransform.cjs --test-reporter=spec "$@" \
  e2e/fleet.e2e.ts
status=$?
set -e
echo "    tests took $(($(date +%s) - stack_up)) s after the stack was up"
[ $status -eq 0 ] || echo "e2e: FAILED; failure screenshots and the stack log are in $artifacts" >&2
exit $status
