#!/usr/bin/env bash
# Builds {{name}}.wasm (a leadhost {{slot}} component) next to this script:
#
#   ./build.sh
#
# Needs Rust with the wasm32-wasip2 target (`rustup target add wasm32-wasip2`).
# Works from any directory. cargo's own target folder is ./target (override
# with CARGO_TARGET_DIR), so the build never touches another workspace's.
# cargo runs from this folder, so it reads .cargo/config.toml: the guest's
# 64 KiB stack, which halves the cost of a call.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
target_dir="${CARGO_TARGET_DIR:-$here/target}"
[[ "$target_dir" == /* ]] || target_dir="$PWD/$target_dir" # the build below runs from $here
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
# cargo finds .cargo/config.toml from its working directory, not from the
# manifest: without the `cd`, a build started elsewhere would lose the stack setting.
(cd "$here" && cargo build --quiet --target wasm32-wasip2 --release --target-dir "$target_dir") ||
    fail "cargo could not build the component"
built="$target_dir/wasm32-wasip2/release/${crate//-/_}.wasm"
[[ -f "$built" ]] || fail "cargo built no component at $built"
# Copied beside the target and renamed, so a host watching this folder never
# sees half a component.
cp "$built" "$here/.$crate.wasm.partial"
mv -f "$here/.$crate.wasm.partial" "$here/$crate.wasm"
echo "{{name}}: built $here/$crate.wasm ($(wc -c <"$here/$crate.wasm") bytes, $((SECONDS - started)) s)" >&2
