#!/usr/bin/env bash
# Builds {{name}}.wasm (a leadhost {{slot}} component) next to this script:
#
#   ./build.sh
#
# Needs Rust with the wasm32-wasip2 target (`rustup target add wasm32-wasip2`).
# Works from any directory. cargo's own target folder is ./target (override
# with CARGO_TARGET_DIR), so the build never touches another workspace's.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
target_dir="${CARGO_TARGET_DIR:-$here/target}"
crate="{{name}}"

fail() {
    echo "{{name}}: $*" >&2
    exit 1
}

command -v cargo >/dev/null || fail "cargo not found: install Rust from https://rustup.rs"
if command -v rustup >/dev/null && ! rustup target list --installed | grep -qx wasm32-wasip2; then
    fail "the wasm32-wasip2 target is missing: run \`rustup target add wasm32-wasip2\`"
fi

started=$SECONDS
cargo build --quiet --manifest-path "$here/Cargo.toml" --target wasm32-wasip2 --release \
    --target-dir "$target_dir" || fail "cargo could not build the component"
built="$target_dir/wasm32-wasip2/release/${crate//-/_}.wasm"
[[ -f "$built" ]] || fail "cargo built no component at $built"
# Copied beside the target and renamed, so a host watching this folder never
# sees half a component.
cp "$built" "$here/.$crate.wasm.partial"
mv -f "$here/.$crate.wasm.partial" "$here/$crate.wasm"
echo "{{name}}: built $here/$crate.wasm ($(wc -c <"$here/$crate.wasm") bytes, $((SECONDS - started)) s)" >&2
