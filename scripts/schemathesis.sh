#!/usr/bin/env bash
# Checks a running leadhost against its own OpenAPI document with
# schemathesis (`--checks all`), once with an org's token and once with the
# admin token; fails on any finding.
#
#   scripts/schemathesis.sh [EXAMPLES]    (default 25 cases per operation and phase)
#
# Starts `target/debug/leadhost serve` (brought up to date with cargo first;
# LEADHOST_BIN names another binary to use as it is) on a fresh data folder and a free loopback port, and stops
# it on exit. schemathesis is installed with pip into a venv under
# ${LEADHOST_TOOLS:-<repo>/target/tools}/schemathesis the first time only,
# at the versions pinned in scripts/schemathesis/requirements.txt. What each
# check expects, and why, is in scripts/schemathesis/schemathesis.toml; the
# bodies it cannot generate from the document alone, in hooks.py beside it.
set -euo pipefail

SCHEMATHESIS_VERSION=4.32.5
# Fixed, so that a finding can be reproduced exactly.
SEED=15

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
examples="${1:-25}"
venv="${LEADHOST_TOOLS:-$repo/target/tools}/schemathesis"
st="$venv/bin/st"
requirements="$here/schemathesis/requirements.txt"
config="$here/schemathesis/schemathesis.toml"
binary="${LEADHOST_BIN:-}"

fail() {
    echo "schemathesis: $*" >&2
    exit 1
}

# --- the tool: a venv with the pinned schemathesis, made once -----------------
if ! "$st" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION" ||
    [[ "$requirements" -nt "$venv/.installed" ]]; then
    python="$(command -v python3 || true)"
    [[ -n "$python" ]] || fail "python3 not found; it is needed to install schemathesis==$SCHEMATHESIS_VERSION"
    echo "schemathesis: installing schemathesis==$SCHEMATHESIS_VERSION into $venv" >&2
    log="$(mktemp)"
    if ! "$python" -m venv "$venv" >"$log" 2>&1; then
        fail "could not create a venv at $venv (on Debian: apt-get install python3-venv): $(tail -n 3 "$log")"
    fi
    if ! "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
        -r "$requirements" >"$log" 2>&1; then
        fail "pip could not install $requirements: $(grep -m 3 -i error "$log" || tail -n 3 "$log")"
    fi
    rm -f "$log"
    "$st" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION" ||
        fail "schemathesis==$SCHEMATHESIS_VERSION installed but does not run: $("$st" --version 2>&1 | tail -n 3)"
    touch "$venv/.installed"
fi

# --- the server: a fresh data folder, a free port ------------------------------
if [[ -z "$binary" ]]; then
    (cd "$repo" && cargo build --locked --quiet -p leadhost --bin leadhost)
    binary="$repo/target/debug/leadhost"
fi
work="$(mktemp -d)"
server=""
stop() {
    if [[ -n "$server" ]]; then
        kill -TERM "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap stop EXIT

admin="schemathesis-admin-$RANDOM$RANDOM$RANDOM"
LEADHOST_ADMIN_TOKEN="$admin" RUST_LOG="${RUST_LOG:-warn}" \
    "$binary" serve --data-dir "$work/data" --listen 127.0.0.1:0 >"$work/server.log" 2>&1 &
server=$!
url=""
for _ in $(seq 1 300); do
    url="$(sed -n 's/^leadhost serving \(http:[^ ]*\).*/\1/p' "$work/server.log")"
    [[ -n "$url" ]] && break
    kill -0 "$server" 2>/dev/null || fail "the server did not start: $(tail -n 5 "$work/server.log")"
    sleep 0.2
done
[[ -n "$url" ]] || fail "the server did not say where it listens within 60 s: $(tail -n 5 "$work/server.log")"

# An org token for the demo org, issued with the admin token; and the
# sample leads, so that lists, lead views and timelines have real content
# for the response checks (the demo org's reps are there from the start).
org_token="$("$venv/bin/python" - "$url" "$admin" "$repo/examples/leads/sample.ndjson" <<'PY'
import json, sys, urllib.request
url, admin, sample = sys.argv[1:4]
def post(path, body=None, content_type=None):
    headers = {"Authorization": f"Bearer {admin}"}
    if content_type:
        headers["Content-Type"] = content_type
    request = urllib.request.Request(f"{url}{path}", data=body, method="POST", headers=headers)
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)
with open(sample, "rb") as leads:
    result = post("/v1/orgs/demo/leads/batch", leads.read(), "application/x-ndjson")
if not result["created"]:
    sys.exit(f"the sample leads did not go in: {result}")
print(post("/v1/orgs/demo/tokens")["token"])
PY
)" || fail "could not issue the demo org's token or load the sample leads"

# --- the runs -------------------------------------------------------------------
status=0
for who in org admin; do
    token="$org_token"
    [[ "$who" == admin ]] && token="$admin"
    echo "schemathesis: $url/openapi.json with the $who token, $examples examples per operation, seed $SEED" >&2
    SCHEMATHESIS_HOOKS=hooks PYTHONPATH="$here/schemathesis" \
        "$st" --config-file "$config" run "$url/openapi.json" \
        --header "Authorization: Bearer $token" \
        --checks all \
        --max-examples "$examples" \
        --seed "$SEED" \
        --generation-database none \
        --report junit --report-dir "$repo/target/schemathesis/$who" \
        --no-color || status=$?
done
if ((status != 0)); then
    echo "schemathesis: findings above (reports in target/schemathesis/); the server's log:" >&2
    tail -n 20 "$work/server.log" >&2
fi
exit "$status"
