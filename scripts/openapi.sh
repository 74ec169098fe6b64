#!/usr/bin/env bash
# The REST API's shape has one source: plugins/kamaji-backend/src/schema/openapi.yaml. From it,
# Backstage's `backstage-repo-tools package schema openapi generate` writes
#   - the typed router, the spec and the request/response types of kamaji-backend
#     (plugins/kamaji-backend/src/schema/openapi/generated, --server), and
#   - the typed client and the body types of kamaji-common
#     (plugins/kamaji-common/src/schema/openapi/generated, --client-package).
#
#   scripts/openapi.sh generate   regenerate both after changing openapi.yaml (commit the result)
#   scripts/openapi.sh check      regenerate and fail if the committed files differ (CI)
#
# repo-tools runs openapi-generator, a Java program (org.openapitools:openapi-generator-cli, the
# version repo-tools pins) that @openapitools/openapi-generator-cli downloads from Maven Central on
# first use into node_modules. Without Java or that jar, `check` still verifies offline that the
# generated router serves openapi.yaml as it is, then fails saying what is missing: it never
# passes without having compared the generated code.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/toolchain.sh

mode="${1:-}"
case "$mode" in
  generate | check) ;;
  *)
    echo "usage: scripts/openapi.sh generate|check" >&2
    exit 2
    ;;
esac

GENERATED=(
  plugins/kamaji-backend/src/schema/openapi
  plugins/kamaji-common/src/schema/openapi
  plugins/kamaji-common/package.json
)
repo_tools=node_modules/@backstage/repo-tools
version="$(node -p "require('./$repo_tools/openapitools.json')['generator-cli'].version")"
artifact="org.openapitools:openapi-generator-cli:$version"
jar="node_modules/@openapitools/openapi-generator-cli/versions/$version.jar"

# The generator, downloaded if need be; prints why not and returns 1 when it cannot be had.
ensure_generator() {
  if ! command -v java >/dev/null; then
    echo "openapi: no Java on PATH; openapi-generator ($artifact) needs a Java runtime (Debian: apt-get install default-jre-headless)" >&2
    return 1
  fi
  [ -s "$jar" ] && return 0
  echo "openapi: downloading $artifact from Maven Central (once per node_modules)"
  # The CLI downloads the version named in repo-tools' openapitools.json (its working directory).
  local log
  log="$(mktemp)"
  if ! (cd "$repo_tools" && node ../../@openapitools/openapi-generator-cli/main.js version) >"$log" 2>&1 || [ ! -s "$jar" ]; then
    # The CLI's own error is a minified stack trace: its last lines say what went wrong.
    grep -v '^\s*$' "$log" | tail -n 3 | cut -c1-300 >&2
    rm -f "$log"
    echo "openapi: could not download $artifact (Maven Central unreachable?); put the jar at $jar to work offline" >&2
    return 1
  fi
  rm -f "$log"
}

generate() {
  # repo-tools logs a failed generation and still exits 0: the log is checked instead.
  local log
  log="$(mktemp)"
  (cd plugins/kamaji-backend &&
    yarn run -T backstage-repo-tools package schema openapi generate \
      --server --client-package plugins/kamaji-common) 2>&1 | tee "$log"
  if grep -q 'generation failed' "$log"; then
    rm -f "$log"
    echo "openapi: generation failed (see above)" >&2
    return 1
  fi
  rm -f "$log"
}

if [ "$mode" = generate ]; then
  ensure_generator
  generate
  exit 0
fi

echo "openapi: the generated router serves openapi.yaml as it is (offline check)"
# It imports router.ts, so TypeScript is loaded with the Backstage CLI's transform.
NODE_OPTIONS="--require $PWD/node_modules/@backstage/cli/config/nodeTransform.cjs" \
  yarn run -T backstage-repo-tools repo schema openapi validate plugins/kamaji-backend

if ! ensure_generator; then
  echo "openapi: FAILED: the generated types and client were not compared with openapi.yaml, as $artifact could not be had" >&2
  exit 1
fi
generate >/dev/null
if ! git diff --exit-code --stat -- "${GENERATED[@]}" ||
  [ -n "$(git ls-files --others --exclude-standard -- "${GENERATED[@]}")" ]; then
  git ls-files --others --exclude-standard -- "${GENERATED[@]}"
  echo "openapi: FAILED: the generated server or client code is not what openapi.yaml gives; run scripts/openapi.sh generate and commit the result" >&2
  exit 1
fi
echo "openapi: the generated server and client code is up to date with openapi.yaml"
