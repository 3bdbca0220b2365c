#!/usr/bin/env bash
# Runs every test: unit tests, the plug-ins' native tests, the CLI tests and
# the end-to-end tests with plug-ins compiled from source. Ends with the
# total over every test binary.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
cargo test --workspace --locked "$@" 2>&1 | tee "$log" || status=$?
awk '/^test result:/ { passed += $4; failed += $6 } END { printf "tests: %d passed, %d failed\n", passed, failed }' "$log"
exit "$status"
