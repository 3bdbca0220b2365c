#!/usr/bin/env bash
# Builds {{name}}.wasm (a leadhost {{slot}} component) next to this script
# from src/{{name}}.js with componentize-qjs (QuickJS):
#
#   ./build.sh
#
# The toolchain (componentize-qjs, pinned in toolchain/package-lock.json) is
# installed with `npm ci` into ${LEADHOST_TOOLS:-{{tools_dir}}}/js the first
# time and reused while the lock file is unchanged. Needs node >= 18 and npm.
# The SDK's helpers (the package `leadhost-sdk`) come from
# ${LEADHOST_SDK:-{{sdk_path}}}/js, the leadhost checkout that made this
# folder: each build installs them into node_modules/leadhost-sdk (git-ignored),
# where src/ imports them, so they are never copied into the source. Works
# from any directory.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tools="${LEADHOST_TOOLS:-{{tools_dir}}}/js"
target="$here/{{name}}.wasm"
sdk="${LEADHOST_SDK:-{{sdk_path}}}/js"

fail() {
    echo "{{name}}: $*" >&2
    exit 1
}

# --- the toolchain, installed once ---------------------------------------------------
install_toolchain() {
    local stamp="$tools/.installed" lock="$here/toolchain/package-lock.json"
    # The stamp holds the lock file it was installed from: a changed pin reinstalls.
    installed() { [[ -f "$tools/node_modules/componentize-qjs/cli.mjs" && -f "$stamp" ]] && cmp -s "$stamp" "$lock"; }
    if installed; then return; fi
    command -v npm >/dev/null || fail "npm is not on PATH (install Node.js 18 or newer)"
    mkdir -p "$tools"
    # Two first builds at once must not run `npm ci` in one folder together.
    if command -v flock >/dev/null; then
        exec 9>"$tools/.lock"
        flock 9
        if installed; then return; fi
    fi
    echo "{{name}}: installing componentize-qjs into $tools" >&2
    rm -f "$stamp"
    cp "$here/toolchain/package.json" "$lock" "$tools/"
    local log
    # `npm ci` installs exactly the lock file, integrity-checked.
    log="$(cd "$tools" && npm ci --no-audit --no-fund --loglevel=error 2>&1)" ||
        fail "npm could not install componentize-qjs: $(grep -v '^npm error  *at ' <<<"$log" | head -6)"
    cp "$lock" "$stamp"
}

command -v node >/dev/null || fail "node is not on PATH (install Node.js 18 or newer)"
install_toolchain

# --- the SDK's helpers, as the package `leadhost-sdk` -------------------------------
# Installed afresh on every build, so a change in the checkout's SDK reaches
# the next build; node resolves `import ... from 'leadhost-sdk'` the same way.
[[ -f "$sdk/package.json" && -f "$sdk/fields.js" ]] ||
    fail "no leadhost SDK helpers at $sdk: set LEADHOST_SDK to the sdk folder of a leadhost checkout"
rm -rf "$here/node_modules/leadhost-sdk"
mkdir -p "$here/node_modules/leadhost-sdk"
cp "$sdk/package.json" "$sdk"/*.js "$here/node_modules/leadhost-sdk/"

# --- the component -----------------------------------------------------------------
started=$SECONDS
# --stub-wasi: the host grants no WASI, so every WASI import becomes a trap
#              stub and the component imports only leadhost:plugin/log.
# --sync:      the host runs components without component-model async.
# --module-root: imports (node_modules/leadhost-sdk) resolve under this
#              folder, whatever directory the script is run from.
# Written beside the target and renamed, so a host watching this folder
# never sees half a component.
node "$tools/node_modules/componentize-qjs/cli.mjs" \
    --wit "$here/wit" --world {{world}} --js "$here/src/{{name}}.js" --module-root "$here" \
    --stub-wasi --sync --output "$here/.{{name}}.wasm.partial" >/dev/null ||
    { rm -f "$here/.{{name}}.wasm.partial"; fail "componentize-qjs could not build the component"; }
mv -f "$here/.{{name}}.wasm.partial" "$target"
echo "{{name}}: built $target ($(wc -c <"$target") bytes, $((SECONDS - started)) s)" >&2
