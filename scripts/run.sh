#!/usr/bin/env bash
# Builds leadhost and runs it. With no arguments, serves the embedded
# default: sled in ./leadhost-data, the `demo` org with the first-party
# plug-ins and the sample reps of examples/demo; on the first start twelve
# weeks of history (`leadhost seed-history`: leads with won/lost outcomes,
# for backtests) and the sample leads of examples/leads go in first, and
# the server prints its URL,
# the admin token and the demo org's token (shown once, stored hashed).
# Ctrl-C stops it gracefully. Any arguments are passed to `leadhost` instead
# (e.g. `scripts/run.sh show --help`).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
cargo build --release --locked -p leadhost
leadhost=target/release/leadhost

if [ "$#" -gt 0 ]; then
    exec "$leadhost" "$@"
fi

if [ ! -d leadhost-data ]; then
    echo "== first start: 12 weeks of demo history (leads with won/lost outcomes, for backtests)" >&2
    "$leadhost" seed-history --org demo --data-dir leadhost-data
    echo "== and the sample leads of examples/leads/sample.ndjson" >&2
    "$leadhost" ingest examples/leads/sample.ndjson --data-dir leadhost-data --org demo
fi
exec "$leadhost" serve --data-dir leadhost-data
