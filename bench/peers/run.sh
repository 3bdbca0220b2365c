#!/usr/bin/env bash
# Builds the peers benchmark in release (its own workspace and target/,
# the Wasm guests from source) and prints its table. Arguments go to the
# harness: --calls N (most timed calls a row, 20000), --row-ms MS (about how
# long a row's timed calls take, 3000), --min-calls N (200), --warm-up-ms MS (300).
set -euo pipefail
cd "$(dirname "$0")"
for target in wasm32-wasip2 wasm32-unknown-unknown; do
    if ! rustup target list --installed 2>/dev/null | grep -qx "$target"; then
        echo "run.sh: installing the $target target (rustup target add $target)" >&2
        rustup target add "$target"
    fi
done
# Two wasmtime versions take a while; one job at a time keeps the machine usable.
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-1}"
nice -n 19 cargo build --release --locked
exec ./target/release/leadhost-peers-bench "$@"
