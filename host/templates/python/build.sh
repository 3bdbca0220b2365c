#!/usr/bin/env bash
# Builds {{name}}.wasm (a leadhost {{slot}} component) next to this script
# from src/*.py with componentize-py:
#
#   ./build.sh
#
# componentize-py 0.25.1 is taken from the venv under
# ${LEADHOST_TOOLS:-{{tools_dir}}}/python, else from PATH; if neither has that
# version it is installed into the venv with pip (needs python3 with venv and
# pip, and PyPI, the first time only). The SDK's helpers (`leadhost_sdk`) are
# imported from ${LEADHOST_SDK:-{{sdk_path}}}/python, the leadhost
# checkout that made this folder, not copied here. Works from any directory.
set -euo pipefail

COMPONENTIZE_PY_VERSION=0.25.1

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${LEADHOST_TOOLS:-{{tools_dir}}}/python"
target="$here/{{name}}.wasm"
sdk="${LEADHOST_SDK:-{{sdk_path}}}/python"

fail() {
    echo "{{name}}: $*" >&2
    exit 1
}

right_version() { "$1" --version 2>/dev/null | grep -qx "componentize-py $COMPONENTIZE_PY_VERSION"; }

# --- the toolchain: the venv's, PATH's, or installed once into the venv -------
tool="$venv/bin/componentize-py"
if ! right_version "$tool"; then
    if right_version "$(command -v componentize-py || echo componentize-py)"; then
        tool="$(command -v componentize-py)"
    else
        python="$(command -v python3 || true)"
        [[ -n "$python" ]] || fail "python3 not found; it is needed to install componentize-py==$COMPONENTIZE_PY_VERSION"
        echo "{{name}}: installing componentize-py==$COMPONENTIZE_PY_VERSION into $venv" >&2
        log="$(mktemp)"
        trap 'rm -f "$log"' EXIT
        "$python" -m venv "$venv" >"$log" 2>&1 ||
            fail "could not create a venv at $venv (on Debian: apt-get install python3-venv): $(tail -n 3 "$log")"
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
            "componentize-py==$COMPONENTIZE_PY_VERSION" >"$log" 2>&1 ||
            fail "pip could not install componentize-py==$COMPONENTIZE_PY_VERSION: $(grep -m 3 -i error "$log" || tail -n 3 "$log")"
        right_version "$tool" || fail "componentize-py==$COMPONENTIZE_PY_VERSION installed but does not run"
    fi
fi

[[ -f "$sdk/leadhost_sdk/fields.py" ]] ||
    fail "no leadhost SDK helpers at $sdk/leadhost_sdk: set LEADHOST_SDK to the sdk folder of a leadhost checkout"

# --- the component -----------------------------------------------------------------
started=$SECONDS
# --stub-wasi: CPython imports WASI (files, clocks, random, stdio), which the
# host grants no plug-in; stubs (trapping if called) leave `log` as the only
# import. So no print(), no files, no time.time(): the time is `input.now`.
# Written beside the target and renamed, so a host watching this folder
# never sees half a component.
"$tool" --quiet -d "$here/wit" -w {{world}} componentize app -p "$here/src" -p "$sdk" \
    --stub-wasi -o "$here/.{{name}}.wasm.partial" || fail "componentize-py could not build the component"
mv -f "$here/.{{name}}.wasm.partial" "$target"
echo "{{name}}: built $target ($(wc -c <"$target") bytes, $((SECONDS - started)) s)" >&2
