#!/usr/bin/env bash
# Builds the Python example plug-ins into WebAssembly components:
#
#   examples/plugins/python/build.sh [OUT_DIR]     (default: <repo>/target/examples)
#
# writes OUT_DIR/python-qualifier.wasm (world lead-definition) and
# OUT_DIR/python-nurture.wasm (world nurture-track). componentize-py is
# installed with pip into a venv under ${LEADHOST_TOOLS:-<repo>/target/tools}/python
# the first time only. Each component is rebuilt only when the content of one
# of its inputs (its sources, the shared helpers, the SDK's helpers, the WIT,
# this script, the tool's version) changed: componentize-py's output is not
# reproducible (see README.md), so a rebuild of unchanged sources would give
# the host a new hash, a new version, for nothing. examples/plugins/build.sh
# checks that a fresh checkout's new file times rebuild nothing.
set -euo pipefail

COMPONENTIZE_PY_VERSION=0.25.1

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
wit="$repo/wit/v0.1.0"
# The SDK's helpers (`leadhost_sdk`), on the component's Python path.
sdk="$repo/sdk/python"
out="${1:-$repo/target/examples}"
venv="${LEADHOST_TOOLS:-$repo/target/tools}/python"
tool="$venv/bin/componentize-py"

fail() {
    echo "python plug-ins: $*" >&2
    exit 1
}

# --- the toolchain: a venv with componentize-py, made once ----------------
if ! "$tool" --version 2>/dev/null | grep -qx "componentize-py $COMPONENTIZE_PY_VERSION"; then
    python="$(command -v python3 || true)"
    [[ -n "$python" ]] || fail "python3 not found; it is needed to install componentize-py==$COMPONENTIZE_PY_VERSION"
    echo "python plug-ins: installing componentize-py==$COMPONENTIZE_PY_VERSION into $venv" >&2
    log="$(mktemp)"
    trap 'rm -f "$log"' EXIT
    if ! "$python" -m venv "$venv" >"$log" 2>&1; then
        fail "could not create a venv at $venv (on Debian: apt-get install python3-venv): $(tail -n 3 "$log")"
    fi
    if ! "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
        "componentize-py==$COMPONENTIZE_PY_VERSION" >"$log" 2>&1; then
        fail "pip could not install componentize-py==$COMPONENTIZE_PY_VERSION: $(grep -m 3 -i error "$log" || tail -n 3 "$log")"
    fi
    "$tool" --version >/dev/null 2>&1 ||
        fail "componentize-py==$COMPONENTIZE_PY_VERSION installed but does not run: $("$tool" --version 2>&1 | tail -n 3)"
fi

# --- bindings: for editors and type checkers ---------------------------------
# componentize-py generates the same bindings again inside `componentize`;
# these copies (git-ignored) only let tools outside the component see them.
for world in lead-definition nurture-track; do
    bindings="$here/bindings/$world"
    if [[ ! -d "$bindings/wit_world" ]] || [[ -n "$(find "$wit" "$tool" -newer "$bindings/wit_world" -print -quit)" ]]; then
        rm -rf "$bindings"
        "$tool" --quiet -d "$wit" -w "$world" bindings "$bindings"
    fi
done

# --- the components ----------------------------------------------------------
mkdir -p "$out"

# build NAME WORLD SOURCE_DIR: OUT_DIR/NAME.wasm from SOURCE_DIR/app.py.
build() {
    local name="$1" world="$2" source="$here/$3" target="$out/$1.wasm"
    # What the component is made of, by content (a stamp beside it), not by
    # file times: a checkout or a `touch` changes no content and rebuilds nothing.
    local inputs stamp="$out/.$name.inputs"
    inputs="$(cd "$repo" && find "${source#"$repo"/}" "${here#"$repo"/}/common" "${sdk#"$repo"/}" \
        "${wit#"$repo"/}" -name '*.py' -o -name '*.wit' | LC_ALL=C sort | xargs sha256sum;
        sha256sum "${here#"$repo"/}/build.sh"; "$tool" --version)"
    if [[ -f "$target" && -f "$stamp" ]] && [[ "$(cat "$stamp")" == "$inputs" ]]; then
        echo "python plug-ins: $target is up to date" >&2
        return
    fi
    local started=$SECONDS
    # --stub-wasi: Python's runtime imports WASI, sockets included, which the
    # host refuses; stubs (trapping if ever called) leave `log` as the only import.
    # Written beside the target and renamed, so a folder watcher never sees
    # half a component.
    "$tool" --quiet -d "$wit" -w "$world" componentize app \
        -p "$source" -p "$here/common" -p "$sdk" --stub-wasi -o "$target.tmp"
    mv -f "$target.tmp" "$target"
    printf '%s\n' "$inputs" >"$stamp"
    echo "python plug-ins: built $target ($(($(stat -c %s "$target") / 1024)) KiB, $((SECONDS - started)) s)" >&2
}

build python-qualifier lead-definition qualifier
build python-nurture nurture-track nurture
