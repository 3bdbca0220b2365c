#!/usr/bin/env bash
# Runs every test: unit tests, the plug-ins' native tests, the CLI tests and
# the end-to-end tests with plug-ins compiled from source.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
cargo test --workspace --locked "$@"
