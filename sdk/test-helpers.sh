#!/usr/bin/env bash
# Runs the shared helper cases (sdk/tests/helper-cases.json) against the
# Python (sdk/python) and JavaScript (sdk/js) helpers; `cargo test -p
# leadhost-sdk` runs the same table against the Rust SDK.
#
#   sdk/test-helpers.sh
#
# Python runs on the real WIT classes, from the bindings
# examples/plugins/python/build.sh writes (run it first; scripts/test.sh
# does), with the venv's python. Needs node >= 18. Ends with
# `sdk helpers: N passed, M failed`; exits 1 on any failure.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
python="${LEADHOST_TOOLS:-$repo/target/tools}/python/bin/python"
bindings="$repo/examples/plugins/python/bindings/lead-definition"

fail() {
    echo "sdk helpers: $*" >&2
    exit 1
}
[[ -x "$python" && -d "$bindings/wit_world" ]] ||
    fail "no Python bindings at $bindings (run examples/plugins/python/build.sh first)"
command -v node >/dev/null || fail "node is not on PATH (install Node.js 18 or newer)"

passed=0
failed=0
# add <title> <closing line "N passed, M failed">: adds the counts up.
add() {
    local counts
    counts="$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' <<<"$2")"
    if [[ -z "$counts" ]]; then
        echo "sdk helpers: $1 gave no count" >&2
        failed=$((failed + 1))
        return
    fi
    passed=$((passed + ${counts% *}))
    failed=$((failed + ${counts#* }))
}

# No __pycache__ in the checkout: nothing here needs it.
output="$(PYTHONDONTWRITEBYTECODE=1 "$python" "$here/tests/helper_cases.py" "$bindings" 2>&1)"
grep -v '^$' <<<"$output" | sed 's/^/python: /'
add python "$(tail -1 <<<"$output")"

tap="$(node --test --test-reporter=tap "$here/tests/" 2>&1)"
grep -A12 '^not ok' <<<"$tap" | sed 's/^/js: /'
add js "$(sed -n 's/^# pass //p' <<<"$tap") passed, $(sed -n 's/^# fail //p' <<<"$tap") failed"

echo "sdk helpers: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
