#!/usr/bin/env bash
# Builds leadhost and runs it. With no arguments, serves the embedded
# default: sled in ./leadhost-data, the `demo` org with the first-party
# plug-ins and the sample reps of examples/demo; on the first start the
# sample leads of examples/leads go in first, and the server prints its URL,
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
    echo "== first start: the sample leads of examples/leads/sample.ndjson go into the demo org" >&2
    "$leadhost" ingest examples/leads/sample.ndjson --data-dir leadhost-data --org demo
fi
exec "$leadhost" serve --data-dir leadhost-data
