#!/usr/bin/env bash
# Regenerates the committed wit-bindgen C bindings of the C plug-ins from the
# WIT contract:
#
#   host/templates/c/bindings/<world>/   <- wit/v0.1.0, each world (shared with `leadhost plugin new`)
#
# Usage: regen-bindings.sh [--check]
#   --check  writes nothing; exits 1 if a committed file is not what
#            wit-bindgen would generate now.
#
# The bindings are source and committed, so build.sh never needs wit-bindgen.
# Run this after moving a plug-in to another WIT version (released WIT is
# frozen; a new version lives in its own folder: change `wit` below) or to
# another wit-bindgen version (keep it equal to the Rust SDK's, 0.63.0).
#
# wit-bindgen 0.63.0 is taken from PATH, else ${LEADHOST_TOOLS:-<repo>/target/tools}/c/wit-bindgen/bin,
# else cargo-installed there once (C generator only: about 3 minutes on 2
# cores; its build directory is CARGO_TARGET_DIR, default
# /tmp/leadhost-wit-bindgen-target, which can be deleted afterwards).
#
# Generated with --no-object-file: build.sh embeds the world's type with
# `wasm-tools component embed` straight from the WIT, so no binary object is
# committed (qualifier/src/component_type.c explains the one symbol this needs).
set -euo pipefail

WIT_BINDGEN_VERSION=0.63.0

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
wit="$repo/wit/v0.1.0"
tools="${LEADHOST_TOOLS:-$repo/target/tools}/c/wit-bindgen"
check=()
case "${1:-}" in
--check) check=(--check) ;;
"") ;;
*)
    echo "usage: regen-bindings.sh [--check]" >&2
    exit 2
    ;;
esac

fail() {
    echo "c plug-ins: $*" >&2
    exit 1
}

wit_bindgen=""
for candidate in "$(command -v wit-bindgen || true)" "$tools/bin/wit-bindgen"; do
    if [[ -n "$candidate" ]] && "$candidate" --version 2>/dev/null | grep -q " $WIT_BINDGEN_VERSION\$"; then
        wit_bindgen="$candidate"
        break
    fi
done
if [[ -z "$wit_bindgen" ]]; then
    command -v cargo >/dev/null || fail "cargo could not install wit-bindgen-cli $WIT_BINDGEN_VERSION: cargo not found"
    echo "c plug-ins: installing wit-bindgen-cli $WIT_BINDGEN_VERSION (C generator only) into $tools" >&2
    CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/tmp/leadhost-wit-bindgen-target}" \
        cargo install --quiet --locked wit-bindgen-cli --version "$WIT_BINDGEN_VERSION" \
        --no-default-features --features c --root "$tools" ||
        fail "cargo could not install wit-bindgen-cli $WIT_BINDGEN_VERSION"
    wit_bindgen="$tools/bin/wit-bindgen"
fi

# regen WORLD: host/templates/c/bindings/WORLD from the WIT's WORLD (the
# example and `leadhost plugin new` share these).
regen() {
    local world="$1" dir="$repo/host/templates/c/bindings/$1"
    mkdir -p "$dir"
    local log
    if ! log="$(RUST_BACKTRACE=0 "$wit_bindgen" c "${check[@]}" --no-object-file --world "$world" \
        --out-dir "$dir" "$wit" 2>&1 >/dev/null)"; then
        log="$(grep -v '^Generating' <<<"$log" | head -n 3)"
        if [[ ${#check[@]} -gt 0 ]]; then
            fail "${dir#"$repo/"} is not what wit-bindgen $WIT_BINDGEN_VERSION generates from ${wit#"$repo/"} (run regen-bindings.sh): $log"
        fi
        fail "wit-bindgen $WIT_BINDGEN_VERSION could not generate ${dir#"$repo/"}: $log"
    fi
}

for world in lead-definition nurture-track routing-policy; do
    regen "$world"
done
if [[ ${#check[@]} -gt 0 ]]; then
    echo "c plug-ins: bindings are up to date" >&2
else
    echo "c plug-ins: regenerated host/templates/c/bindings with wit-bindgen $WIT_BINDGEN_VERSION" >&2
fi
