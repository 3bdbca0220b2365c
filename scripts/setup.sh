#!/usr/bin/env bash
# Installs what building leadhost needs beyond the Rust toolchain: the
# wasm32-wasip2 target its plug-ins are compiled for. Sourced by run.sh and test.sh.
set -euo pipefail

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-wasip2; then
    echo "setup: installing the wasm32-wasip2 target (rustup target add wasm32-wasip2)" >&2
    rustup target add wasm32-wasip2 || {
        echo "setup: could not install the wasm32-wasip2 target; plug-ins cannot be built" >&2
        exit 1
    }
fi
