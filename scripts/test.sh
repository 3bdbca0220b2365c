#!/usr/bin/env bash
# Runs every test: the SDK helpers' shared cases in Python and JavaScript
# (sdk/test-helpers.sh; cargo runs them in Rust), unit tests, the plug-ins'
# native tests, the CLI tests and the end-to-end tests with plug-ins compiled
# from source (Rust by the build scripts, Python, JavaScript and C by
# examples/plugins/build.sh), then checks a running server against its
# OpenAPI document (scripts/schemathesis.sh).
# Ends with the total over every test binary.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

# The dashboard's browser tests drive Debian's Chromium through its
# chromedriver (tests/tests/e2e/ui); installed here when missing.
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    echo "test: installing chromium and chromium-driver (Debian's packages) for the browser tests" >&2
    sudo=""
    if [ "$(id -u)" != 0 ]; then sudo=sudo; fi
    $sudo apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
        chromium chromium-driver >&2
fi

# The PostgreSQL store's tests start a throwaway cluster with Debian's
# PostgreSQL (initdb in a temp folder, loopback, an ephemeral port;
# host/store-postgres/src/test_server.rs); installed here when missing. A server
# already running as a service is left alone.
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && [ -z "${LEADHOST_PG_BIN:-}" ]; then
    echo "test: installing postgresql (Debian's package) for the PostgreSQL store's tests" >&2
    sudo=""
    if [ "$(id -u)" != 0 ]; then sudo=sudo; fi
    $sudo apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
        postgresql >&2
fi

# The example plug-ins in Python, JavaScript and C (their toolchains are
# installed under target/tools the first time); the e2e tests load them.
export LEADHOST_EXAMPLES_DIR="$PWD/target/examples"
examples/plugins/build.sh "$LEADHOST_EXAMPLES_DIR"
# The helper cases every language's SDK shares, in Python (on the bindings the
# build above wrote) and JavaScript.
sdk/test-helpers.sh

# A one-shot run gains nothing from incremental caches, which took more disk
# than the binaries themselves; a caller may still set it.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
echo "disk before the build: $(df -h --output=avail . | tail -1 | tr -d ' ') free"

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
cargo test --workspace --locked "$@" 2>&1 | tee "$log" || status=$?
# The server binary the tests just built (for the CLI tests), checked against
# its own document; any finding fails the command (the cargo totals stay the
# last line). Passing the binary spares a `cargo build` of its own, whose
# features differ from the tests' and would rebuild the dependencies.
contract=0
if ((status == 0)); then
    LEADHOST_BIN="$PWD/target/debug/leadhost" scripts/schemathesis.sh || contract=$?
fi
echo "disk after the tests: $(df -h --output=avail . | tail -1 | tr -d ' ') free, target/ $(du -sh target 2>/dev/null | cut -f1)"
awk '/^test result:/ { passed += $4; failed += $6 } END { printf "tests: %d passed, %d failed\n", passed, failed }' "$log"
if ((contract != 0)); then
    echo "the server does not match host/openapi.json: see scripts/schemathesis.sh's findings above" >&2
    status=$contract
fi
exit "$status"
