#!/usr/bin/env bash
# The registry check: our packages installed into a fresh Backstage app the way a user installs them,
# from a registry, following only README.md ("Installing the plugins into your Backstage app").
#
#   1. build every package (`yarn build:all`), pack each (`yarn pack`: prepack points the packed
#      package.json at dist) and publish it to a throwaway Verdaccio (from the npm registry) on 127.0.0.1;
#   2. start the local control plane with the demo fleet (as scripts/demo.sh does);
#   3. per Backstage release (KB_RC_RELEASES, default "1.54.9 latest"): create a fresh app with
#      @backstage/create-app, map the @kamaji-backstage scope to Verdaccio in its .yarnrc.yml (everything
#      else from the public registry), run the README's `yarn add` lines and apply its code and config
#      blocks (the `registry-check:*` blocks), type-check the app, build it, start its backend against the
#      local control plane (its guest a member of team-factory), check that the permission module hides
#      team-retail's tenant from that guest, and open /kamaji and a tenant cluster's entity page in headless
#      Chromium (the team's tenants visible, no console errors).
#
# Prints the time of each step and writes them to bench/results/registry-check-<date>.md.
# Everything it creates lives in .registry-check/ (git-ignored); every process it starts is stopped on exit.
# Environment: KB_RC_RELEASES, KB_RC_REGISTRY_PORT (4873), KB_RC_BACKEND_PORT (7807), KB_RC_SKIP_BUILD=1
# (reuse the packages' dist from an earlier build), KB_RC_REUSE_TARBALLS=1 (publish the tarballs of an
# earlier run again), KB_RC_REUSE_APP=1 (keep an app an earlier run created and installed: from its type
# check on), KB_CHROMIUM (/usr/bin/chromium).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/toolchain.sh
source scripts/chromium.sh

root=$PWD
work="$root/.registry-check"
releases="${KB_RC_RELEASES:-1.54.9 latest}"
registry_port="${KB_RC_REGISTRY_PORT:-4873}"
backend_port="${KB_RC_BACKEND_PORT:-7807}"
registry="http://127.0.0.1:$registry_port"
app_url="http://localhost:$backend_port"
kube_dir="$work/kube"
timings="$work/timings.tsv"
today="$(date -u +%F)"
results_file="$root/bench/results/registry-check-$today.md"
# The demo fleet's tenant the browser looks for, its island and its catalog entity.
tenant=lyon-press-line
island=island-a
entity=central--fleet-tenants--lyon-press-line
# A tenant of another team (team-retail) than the guest's: the README's policy hides it from the guest.
other_tenant=berlin-kiosk
other_entity=central--fleet-tenants--$other_tenant
# create-app per release: 1.54.9's manifest names create-app 0.9.1 (its template is 1.54.0's: the app is
# then pinned to 1.54.9 with this repository's resolutions); "latest" is the newest the registry serves.
create_app_version() { case $1 in 1.54.9) echo 0.9.1 ;; *) echo latest ;; esac; }

for port in "$registry_port" "$backend_port"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "registry-check: port $port is in use; set KB_RC_REGISTRY_PORT / KB_RC_BACKEND_PORT" >&2
    exit 1
  fi
done

mkdir -p "$work"
: >"$timings"
: >"$work/pids"
stop_group() { # stops a process group this script started, and waits until it is gone
  kill -TERM -- "-$1" 2>/dev/null || return 0
  for _ in $(seq 1 30); do kill -0 -- "-$1" 2>/dev/null || return 0; sleep 1; done
  kill -KILL -- "-$1" 2>/dev/null || true
}
cleanup() {
  local pid
  while read -r pid; do stop_group "$pid"; done <"$work/pids"
}
trap cleanup EXIT INT TERM

# step <release> <name> <function> <args...>: runs one step in its own bash with errexit (which a
# function called in an `&&` list would not have), prints and records its time.
step() {
  local release=$1 name=$2 t0 rc=0
  shift 2
  echo "==> [$release] $name"
  t0=$(date +%s)
  bash -euo pipefail -c '"$@"' _ "$@" || rc=$?
  local secs=$(($(date +%s) - t0))
  printf '%s\t%s\t%s\t%s\n' "$release" "$name" "$secs" "$([ $rc = 0 ] && echo ok || echo FAILED)" >>"$timings"
  echo "    [$release] $name: ${secs} s$([ $rc = 0 ] || echo ", FAILED (exit $rc)")"
  return $rc
}

# start <log> <command...>: a background process in its own process group (stopped on exit); its
# process id goes to <log>.pid.
start() {
  local log=$1
  shift
  rm -f "$log.pid"
  # The new session's leader writes its own id (= the process group's), whether setsid forked or not.
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$log.pid" "$@" >"$log" 2>&1 </dev/null &
  for _ in $(seq 1 100); do [ -s "$log.pid" ] && break; sleep 0.1; done
  cat "$log.pid" >>"$work/pids"
}

wait_for() { # wait_for <what> <seconds> <command...>
  local what=$1 secs=$2
  shift 2
  for _ in $(seq 1 "$secs"); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 1
  done
  echo "registry-check: timed out after ${secs} s waiting for $what" >&2
  return 1
}

packages() { # the published workspaces, as "name<TAB>dir"
  for pkg in plugins/*/package.json; do
    node -e 'const p=require(process.argv[1]); if (!p.private) console.log(p.name+"\t"+require("path").dirname(process.argv[1]))' "$root/$pkg"
  done
}

# --- the packages, published to a throwaway registry -------------------------------------------------

build_packages() {
  yarn build:all >"$work/build.log" 2>&1 || { tail -40 "$work/build.log"; return 1; }
}

start_registry() {
  local dir="$work/verdaccio"
  rm -rf "$dir"
  [ -n "${KB_RC_REUSE_TARBALLS:-}" ] || rm -rf "$work/tarballs"
  mkdir -p "$dir/storage" "$work/tarballs"
  if [ ! -x "$work/tools/verdaccio/node_modules/.bin/verdaccio" ]; then
    npm install --no-save --no-audit --no-fund --prefix "$work/tools/verdaccio" verdaccio@6 >"$work/verdaccio-install.log" 2>&1 ||
      { cat "$work/verdaccio-install.log"; return 1; }
  fi
  cat >"$dir/config.yaml" <<EOF
# Throwaway registry of scripts/registry-check.sh: only @kamaji-backstage, no uplinks.
storage: ./storage
auth:
  htpasswd: { file: ./htpasswd, max_users: 1 }
uplinks: {}
packages:
  '@kamaji-backstage/*': { access: \$all, publish: \$authenticated }
  '**': { access: \$all }
log: { type: stdout, format: pretty, level: warn }
EOF
  start "$work/verdaccio.log" "$work/tools/verdaccio/node_modules/.bin/verdaccio" \
    --config "$dir/config.yaml" --listen "127.0.0.1:$registry_port"
  wait_for "Verdaccio on $registry" 60 curl -sf "$registry/-/ping"
  # A user for publishing: Verdaccio answers the npm login request with a token.
  local token
  token=$(curl -sf -X PUT -H 'content-type: application/json' \
    -d '{"name":"registry-check","password":"registry-check"}' \
    "$registry/-/user/org.couchdb.user:registry-check" | node -p 'JSON.parse(require("fs").readFileSync(0)).token')
  printf '//127.0.0.1:%s/:_authToken=%s\n' "$registry_port" "$token" >"$work/publish.npmrc"
}

publish_packages() {
  local name dir tgz
  while IFS=$'\t' read -r name dir; do
    tgz="$work/tarballs/$(basename "$dir").tgz"
    [ -f "$tgz" ] || yarn workspace "$name" pack --out "$tgz" >/dev/null
    # The packed manifest must point at dist and name real versions, not workspace: ranges.
    tar -xzOf "$tgz" package/package.json | node -e '
      const p = JSON.parse(require("fs").readFileSync(0));
      const bad = Object.entries({...p.dependencies, ...p.peerDependencies}).filter(([, v]) => v.startsWith("workspace:"));
      if (bad.length || !/^(\.\/)?dist\//.test(String(p.main))) { console.error(p.name, "packed wrongly:", p.main, bad); process.exit(1); }'
    npm publish "$tgz" --registry "$registry" --userconfig "$work/publish.npmrc" >/dev/null 2>"$work/publish.log" ||
      { cat "$work/publish.log"; return 1; }
    echo "    published $name@$(tar -xzOf "$tgz" package/package.json | node -p 'JSON.parse(require("fs").readFileSync(0)).version')"
  done < <(packages)
}

# --- the local control plane with the demo fleet (as scripts/demo.sh) ---------------------------------

start_control_plane() {
  bash test/kube/build.sh
  rm -rf "$kube_dir"
  mkdir -p "$kube_dir"
  start "$kube_dir/kubeplane.out" test/kube/bin/kubeplane up --state-dir "$kube_dir" --crds test/kube/crds \
    --cluster central=capi,kamaji,addons --cluster island-a=kamaji --cluster island-b=kamaji \
    --cluster lyon-press-line= --user kamaji-backstage:kamaji-backstage
  wait_for "the local control plane" 300 grep -q 'kubeplane: ready' "$kube_dir/kubeplane.out" ||
    { cat "$kube_dir/kubeplane.out"; return 1; }
  node --require ./node_modules/@backstage/cli/config/nodeTransform.cjs test/kube/src/seed/cli.ts --state-dir "$kube_dir"
  # The least-privilege RBAC and kamaji.managementClusters for the demo user: the only config the check
  # adds to the README's (it replaces the README's kubeconfig path).
  node --require ./node_modules/@backstage/cli/config/nodeTransform.cjs test/kube/src/demo/prepareBackend.ts \
    --state-dir "$kube_dir" --out "$kube_dir/app-config.demo.yaml"
}

# --- a fresh app per Backstage release ----------------------------------------------------------------

create_app() { # <release> <app dir>
  local release=$1 app=$2 version
  version=$(create_app_version "$release")
  rm -rf "$app"
  BACKSTAGE_APP_NAME=registry-check-app npx --yes "@backstage/create-app@$version" --path "$app" --skip-install
  # Where the app's packages come from: @kamaji-backstage from Verdaccio (plain http on loopback, just
  # published, so past create-app's npmMinimalAgeGate), everything else from the public registry.
  node --input-type=module - "$app" "$registry" <<'EOF'
import { readFileSync, writeFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
const [app, registry] = process.argv.slice(2);
const file = `${app}/.yarnrc.yml`;
const rc = parse(readFileSync(file, 'utf8'));
rc.npmScopes = { 'kamaji-backstage': { npmRegistryServer: registry } };
rc.unsafeHttpWhitelist = ['127.0.0.1'];
// The template's own @playwright/test takes the exact playwright-core of its release, which the 3-day
// age gate refuses in the days after a Playwright release: the fresh app would not install at all.
rc.npmPreapprovedPackages = [
  ...(rc.npmPreapprovedPackages ?? []),
  '@kamaji-backstage/*',
  '@playwright/test',
  'playwright-core',
  'playwright',
];
rc.enableTelemetry = false;
writeFileSync(file, stringify(rc));
// keytar (optional, `backstage-cli auth` only) needs libsecret to build.
const pkgFile = `${app}/package.json`;
const pkg = JSON.parse(readFileSync(pkgFile, 'utf8'));
pkg.dependenciesMeta = { ...pkg.dependenciesMeta, keytar: { built: false } };
writeFileSync(pkgFile, `${JSON.stringify(pkg, null, 2)}\n`);
EOF
  if [ "$release" = 1.54.9 ]; then pin_release "$app"; fi
  echo "    created with @backstage/create-app@$(cd "$app" && npm view "@backstage/create-app@$version" version), backstage.json $(node -p "require('$app/backstage.json').version")"
}

# Pins the app to Backstage 1.54.9 as the README tells a user to: scripts/pin-backstage-app.mjs.
pin_release() {
  node "$root/scripts/pin-backstage-app.mjs" "$1"
}

app_install() { # the create-app install (its --skip-install left out), with this run's packages only
  local app=$1 cache global
  cache=$(cd "$app" && yarn config get cacheFolder)
  global=$(cd "$app" && yarn config get globalFolder)
  # A cached tarball (or registry metadata) of an earlier run's @kamaji-backstage 0.x, in the app's cache
  # or Yarn's global one, would shadow this run's publish of the same version.
  rm -f "$cache"/@kamaji-backstage-* "$global"/cache/@kamaji-backstage-*
  rm -rf "$global"/metadata/npm/*/127.0.0.1
  (cd "$app" && yarn install) >"$app.install.log" 2>&1 || { tail -40 "$app.install.log"; return 1; }
}

readme_install() { # step 1 of the README, command by command
  local app=$1 cmd
  while IFS= read -r cmd; do
    echo "    \$ $cmd"
    (cd "$app" && eval "$cmd") >>"$app.add.log" 2>&1 || { tail -40 "$app.add.log"; return 1; }
  done < <(node scripts/registry-check/readme.mjs commands install)
}

# The scaffolder module's CLI from the installed package (compiled dist, declared dependencies): it renders
# the repository's example values to exactly the committed output.
kamaji_render() {
  local example="$root/examples/rendered/tenant/edge-island"
  (cd "$1" && yarn --cwd packages/backend kamaji-render render tenant "$example.values.yaml") >"$1.render.yaml"
  diff "$1.render.yaml" <(tail -n +3 "$example.yaml") >/dev/null ||
    { echo "kamaji-render's output differs from $example.yaml (see $1.render.yaml)"; return 1; }
  echo "    kamaji-render render tenant: $(grep -c '^kind:' "$1.render.yaml") objects, as examples/rendered/tenant/edge-island.yaml"
}

readme_edits() { node scripts/registry-check/apply-readme.mjs "$1"; }

app_tsc() { (cd "$1" && yarn tsc) || return 1; }

app_build() { (cd "$1" && yarn workspace app build) >"$1.build.log" 2>&1 || { tail -40 "$1.build.log"; return 1; }; }

start_backend() {
  local app=$1
  cat >"$app/app-config.registry-check.yaml" <<EOF
# scripts/registry-check.sh: the app served by the backend (plugin-app-backend) on one port.
app: { baseUrl: "$app_url" }
backend:
  baseUrl: "$app_url"
  listen: { port: $backend_port }
  cors: { origin: "$app_url" }
# The guest (create-app's user:development/guest, not in the catalog) as a member of team-factory, which owns
# the tenant the browser step opens; the README's policy keeps the other teams' tenants from it.
auth: { providers: { guest: { ownershipEntityRefs: [user:development/guest, group:default/team-factory] } } }
EOF
  start "$app.backend.log" bash -c "cd '$app/packages/backend' && exec yarn start \
    --config '$app/app-config.yaml' --config '$kube_dir/app-config.demo.yaml' --config '$app/app-config.registry-check.yaml'"
  wait_for "the backend's readiness" 300 curl -sf "$app_url/.backstage/health/v1/readiness" ||
    { tail -60 "$app.backend.log"; return 1; }
  # The catalog module writes the fleet's clusters: wait for the tenant's entity.
  wait_for "the catalog entity $entity" 300 bash -c "
    token=\$(guest_token)
    curl -sf -H \"authorization: Bearer \$token\" '$app_url/api/catalog/entities/by-name/resource/default/$entity'" ||
    { tail -60 "$app.backend.log"; return 1; }
}

guest_token() {
  curl -sf -H 'x-requested-with: XMLHttpRequest' "$app_url/api/auth/guest/refresh?env=development" |
    node -p 'JSON.parse(require("fs").readFileSync(0)).backstageIdentity.token'
}

# The README's permission module at work: the guest of team-factory reads its tenant's entity, not
# team-retail's, and the fleet API leaves team-retail's tenant out.
tenancy_check() {
  local token status
  token=$(guest_token) || return 1
  status=$(curl -s -o /dev/null -w '%{http_code}' -H "authorization: Bearer $token" \
    "$app_url/api/catalog/entities/by-name/resource/default/$other_entity")
  [ "$status" = 404 ] || { echo "the catalog gave the guest $other_entity: HTTP $status, expected 404"; return 1; }
  curl -sf -H "authorization: Bearer $token" "$app_url/api/kamaji/v1/fleet/snapshot" >"$1.snapshot.json" ||
    { echo "GET /api/kamaji/v1/fleet/snapshot failed"; return 1; }
  grep -q "$tenant" "$1.snapshot.json" || { echo "the fleet snapshot misses the guest's own $tenant"; return 1; }
  if grep -q "$other_tenant" "$1.snapshot.json"; then echo "the fleet snapshot names team-retail's $other_tenant"; return 1; fi
  echo "    the guest (team-factory) reads $entity, gets 404 for $other_entity; the fleet snapshot has $tenant, no $other_tenant"
}

browser_check() {
  APP_URL="$app_url" ENTITY_PATH="/catalog/default/resource/$entity" TENANT="$tenant" ISLAND="$island" \
    SCREENSHOT="$1.entity.png" node scripts/registry-check/browser.mjs
}

stop_backend() { if [ -f "$1.backend.log.pid" ]; then stop_group "$(cat "$1.backend.log.pid")"; fi; }

backstage_versions() { # what the app resolved: release, a few key packages, duplicated @backstage packages
  node - "$1" <<'EOF'
const fs = require('fs');
const app = process.argv[2];
const lock = fs.readFileSync(`${app}/yarn.lock`, 'utf8');
const versions = {};
for (const m of lock.matchAll(/^"?(@backstage\/[^@"]+)@[^\n]*\n\s+version: "?([^"\n]+)"?/gm))
  (versions[m[1]] ??= new Set()).add(m[2]);
const dup = Object.entries(versions).filter(([, v]) => v.size > 1).map(([n, v]) => `${n} (${[...v].join(', ')})`);
const key = ['backend-defaults', 'backend-plugin-api', 'frontend-plugin-api', 'core-plugin-api', 'plugin-catalog-backend']
  .map(n => `${n} ${[...(versions[`@backstage/${n}`] ?? [])].join('/')}`);
const release = JSON.parse(fs.readFileSync(`${app}/backstage.json`, 'utf8')).version;
console.log(`backstage.json ${release}; ${Object.keys(versions).length} @backstage packages; ${key.join(', ')}; ` +
  `${dup.length ? `duplicated: ${dup.join('; ')}` : 'no duplicates'}`);
EOF
}

check_release() {
  local release=$1 app="$work/app-$1"
  rm -f "$app".*.pid
  if [ -n "${KB_RC_REUSE_APP:-}" ] && [ -d "$app/node_modules/@kamaji-backstage" ]; then
    echo "==> [$release] reusing $app (KB_RC_REUSE_APP): create-app, install and README steps 1-4 left out"
  else
    rm -f "$app".*.log
    step "$release" "create-app" create_app "$release" "$app" &&
      step "$release" "yarn install (fresh app)" app_install "$app" &&
      step "$release" "README step 1: yarn add ($(node scripts/registry-check/readme.mjs commands install | wc -l) packages, from Verdaccio)" readme_install "$app" &&
      step "$release" "README steps 2-4: backend, App.tsx, app-config.yaml" readme_edits "$app" || return 1
  fi
  step "$release" "kamaji-render from the installed package" kamaji_render "$app" &&
    step "$release" "yarn tsc" app_tsc "$app" &&
    step "$release" "app build" app_build "$app" &&
    { [ -f "$kube_dir/app-config.demo.yaml" ] || step all "local control plane + demo fleet" start_control_plane; } &&
    step "$release" "backend start, catalog has the fleet" start_backend "$app" &&
    step "$release" "tenancy: another team's tenant hidden" tenancy_check "$app" &&
    step "$release" "Chromium: /kamaji and the entity page" browser_check "$app"
  local rc=$?
  [ -f "$app/yarn.lock" ] && backstage_versions "$app" >"$app.versions" 2>/dev/null || true
  stop_backend "$app"
  return $rc
}

# --- run -----------------------------------------------------------------------------------------------

export root work registry_port backend_port registry app_url kube_dir tenant island entity other_tenant other_entity
export -f create_app_version stop_group start wait_for packages build_packages start_registry publish_packages \
  start_control_plane create_app pin_release app_install readme_install kamaji_render readme_edits app_tsc app_build \
  guest_token start_backend tenancy_check browser_check

t_start=$(date +%s)
if [ -z "${KB_RC_SKIP_BUILD:-}" ]; then step all "yarn build:all" build_packages; fi
step all "Verdaccio (from the npm registry)" start_registry
step all "yarn pack + npm publish ($(packages | wc -l) packages)" publish_packages
rm -rf "$kube_dir" # started before the first backend start

declare -A outcome
for release in $releases; do
  if check_release "$release"; then outcome[$release]=passed; else outcome[$release]=FAILED; fi
done
total=$(($(date +%s) - t_start))

# --- results -------------------------------------------------------------------------------------------

mkdir -p "$(dirname "$results_file")"
{
  echo "# Registry check, $today"
  echo
  echo "\`scripts/registry-check.sh\` on $(nproc) cores ($(uname -m)), Node $(node -v), Yarn $(yarn -v); total ${total} s."
  echo
  for release in $releases; do
    app="$work/app-$release"
    echo "- **$release**: ${outcome[$release]} — $(cat "$app.versions" 2>/dev/null || echo 'no lockfile')"
  done
  echo
  echo "| Release | Step | Time (s) | Result |"
  echo "|---|---|---:|---|"
  awk -F'\t' '{ printf "| %s | %s | %s | %s |\n", $1, $2, $3, $4 }' "$timings"
} >"$results_file"
cat "$results_file"

for release in $releases; do [ "${outcome[$release]}" = passed ] || exit 1; done
