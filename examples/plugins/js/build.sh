#!/usr/bin/env bash
# Builds the JavaScript example plug-ins into OUT_DIR:
#   js-qualifier.wasm  (lead-definition)   js-routing.wasm  (routing-policy)
#   js-routing-0-2.wasm (routing-policy, WIT 0.2.0: js-routing ported)
# each with its sample cases beside it (<stem>.cases.json), as an org folder wants them.
#
# Usage: build.sh [OUT_DIR]      (default: <repo>/target/examples)
#
# The toolchain (componentize-qjs, pinned in toolchain/package-lock.json) is
# installed with npm into ${LEADHOST_TOOLS:-<repo>/target/tools}/js the first
# time and reused while the lock file is unchanged. Needs node >= 18 and npm.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
out="${1:-$repo/target/examples}"
tools="${LEADHOST_TOOLS:-$repo/target/tools}/js"
tool_name="componentize-qjs@$(sed -n 's/.*"componentize-qjs": "\(.*\)".*/\1/p' "$here/toolchain/package.json" | head -1)"

fail() { echo "js plug-ins: $*" >&2; exit 1; }

install_toolchain() {
  local stamp="$tools/.installed" lock="$here/toolchain/package-lock.json"
  # The stamp holds the lock file it was installed from: a changed pin reinstalls.
  installed() { [[ -f "$tools/node_modules/componentize-qjs/cli.mjs" && -f "$stamp" ]] && cmp -s "$stamp" "$lock"; }
  if installed; then return; fi
  command -v npm >/dev/null || fail "npm could not install $tool_name: npm is not on PATH (install Node.js 18 or newer)"
  mkdir -p "$tools"
  # Parallel first builds (CI jobs) must not run `npm ci` in one folder at once.
  if command -v flock >/dev/null; then
    exec 9>"$tools/.lock"
    flock 9
    if installed; then return; fi
  fi
  echo "js plug-ins: installing $tool_name into $tools" >&2
  rm -f "$stamp"
  cp "$here/toolchain/package.json" "$lock" "$tools/"
  local log
  # `npm ci` installs exactly the lock file, integrity-checked.
  if ! log="$(cd "$tools" && npm ci --no-audit --no-fund --loglevel=error 2>&1)"; then
    # npm's own words, without its stack trace and blank lines.
    log="$(grep -v -e '^npm error  *at ' -e '^npm error *$' -e '^npm error *[{}]' <<<"$log" | head -6)"
    fail "npm could not install $tool_name: ${log:-npm ci failed}"
  fi
  cp "$lock" "$stamp"
}

build() { # build <world> <entry.js, from the repository> <stem> [<WIT version, default 0.1.0>]
  local world="$1" entry="$2" stem="$3" version="${4:-0.1.0}"
  local wit="$repo/wit/v$version"
  # componentize-qjs output is not bit-reproducible (about 135 bytes of the
  # snapshot differ run to run; README.md says why), and the host treats a
  # new hash as a new version: rebuild only when an input's content changed,
  # so the hash stays put (../check-rebuild.sh checks it).
  local inputs stamp="$out/.$stem.inputs"
  # Paths relative to the repository, so a checkout elsewhere is not a change.
  # Every example's sources: a port imports the rule it ports from its folder.
  inputs="$(cd "$repo" && sha256sum examples/plugins/js/{qualifier,routing,routing-0-2,shared}/*.js sdk/js/*.js \
    examples/plugins/js/toolchain/package-lock.json examples/plugins/js/build.sh "wit/v$version"/*.wit)"
  if [[ -f "$out/$stem.wasm" && -f "$stamp" ]] && [[ "$(cat "$stamp")" == "$inputs" ]]; then
    echo "$out/$stem.wasm (up to date, $(wc -c <"$out/$stem.wasm") bytes)"
    return
  fi
  # Write beside the target and rename, so a watching host never sees half a file.
  local partial="$out/.$stem.wasm.partial"
  # --stub-wasi: a rule needs no WASI (the host links only a deny-all one), so
  #              every WASI import becomes a trap stub and the component
  #              imports only leadhost:plugin/log.
  # --sync:      the host's wasmtime runs without component-model async.
  # --module-root: the entry imports ../shared/*.js, which import the SDK's
  #              helpers from sdk/js: both resolve, at build time, under the
  #              repository (a module outside the root is refused).
  node "$tools/node_modules/componentize-qjs/cli.mjs" \
    --wit "$wit" --world "$world" --js "$repo/$entry" --module-root "$repo" \
    --stub-wasi --sync --output "$partial" >/dev/null \
    || { rm -f "$partial"; fail "$tool_name could not build $stem.wasm from $entry"; }
  mv -f "$partial" "$out/$stem.wasm"
  printf '%s\n' "$inputs" >"$stamp"
  echo "$out/$stem.wasm ($(wc -c <"$out/$stem.wasm") bytes)"
}

command -v node >/dev/null || fail "node is not on PATH (install Node.js 18 or newer)"
install_toolchain
mkdir -p "$out"
out="$(cd "$out" && pwd)"

build lead-definition examples/plugins/js/qualifier/qualifier.js js-qualifier
cp "$here/qualifier/js-qualifier.cases.json" "$out/js-qualifier.cases.json"
build routing-policy examples/plugins/js/routing/routing.js js-routing
cp "$here/routing/js-routing.cases.json" "$out/js-routing.cases.json"
# The same routing example ported to WIT 0.2.0 (it reads the campaign context).
build routing-policy examples/plugins/js/routing-0-2/routing-0-2.js js-routing-0-2 0.2.0
cp "$here/routing-0-2/js-routing-0-2.cases.json" "$out/js-routing-0-2.cases.json"
