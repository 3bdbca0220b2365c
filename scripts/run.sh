#!/usr/bin/env bash
# Builds leadhost and runs it. With no arguments, runs the demo: the
# first-party plug-ins decide the sample cases in examples/eval, then the
# sample leads of examples/leads go into the `demo` org of the embedded store
# (sled in ./leadhost-data) and one lead is shown with its timeline. Any
# arguments are passed to `leadhost` (e.g. `scripts/run.sh show --help`).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
cargo build --release --locked -p leadhost
leadhost=target/release/leadhost
guests=target/guests/wasm32-wasip2/guest

if [ "$#" -gt 0 ]; then
    exec "$leadhost" "$@"
fi

demo() {
    echo "== leadhost eval $1 --plugin $2 --input $3" >&2
    "$leadhost" eval "$1" --plugin "$guests/$2" --input "examples/eval/$3"
}
demo qualify bant_qualifier.wasm strong-lead.json
demo qualify bant_qualifier.wasm weak-lead.json
demo qualify bant_qualifier.wasm student-lead.json
demo nurture standard_nurture.wasm nurture.json
demo route round_robin.wasm route.json

echo "== leadhost ingest examples/leads/sample.ndjson (org demo, data in ./leadhost-data)" >&2
"$leadhost" ingest examples/leads/sample.ndjson --data-dir leadhost-data --org demo
echo "== leadhost show dana.fischer@northwind.example" >&2
"$leadhost" show dana.fischer@northwind.example --data-dir leadhost-data --org demo
