#!/usr/bin/env bash
# Builds the JS plug-ins and checks them through the real host:
#   1. unit tests of the Rust look-alike helpers (node --test, no Wasm);
#   2. every sample case through `leadhost eval`, expectations as subsets:
#      the org folder's bant-qualifier cases (with the org's config and with
#      the defaults), the qualifier's and router's own cases and refusals;
#   3. with the first-party Rust plug-ins built (target/guests/...), the same
#      cases and random inputs given to both, answers compared word for word.
#
# Usage: test.sh [OUT_DIR]     (default: <repo>/target/examples)
# Env:   LEADHOST (host binary), LEADHOST_REFERENCE_DIR (folder with
#        bant_qualifier.wasm and round_robin.wasm), DIFFERENTIAL_COUNT (150).
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
out="${1:-$repo/target/examples}"
export LEADHOST="${LEADHOST:-$repo/target/release/leadhost}"
count="${DIFFERENTIAL_COUNT:-150}"

"$here/build.sh" "$out" || exit 1
[[ -x "$LEADHOST" ]] || { echo "js plug-ins: no host binary at $LEADHOST (cargo build --release -p leadhost)" >&2; exit 1; }

reference_dir="${LEADHOST_REFERENCE_DIR:-}"
if [[ -z "$reference_dir" ]]; then
  found="$(find "$repo/target" -path '*wasm32-wasip2*' -name round_robin.wasm -not -path '*/deps/*' 2>/dev/null | head -1)"
  [[ -n "$found" ]] && reference_dir="$(dirname "$found")"
fi
if [[ -f "$reference_dir/bant_qualifier.wasm" && -f "$reference_dir/round_robin.wasm" ]]; then
  echo "reference (Rust) plug-ins: $reference_dir"
else
  echo "reference (Rust) plug-ins not built: checking expectations only, no differential run"
  reference_dir=""
fi

passed=0
failed=0
run() { # run <title> <command...>: prints the command's lines, adds up its closing count
  echo "== $1"
  local output
  output="$("${@:2}" 2>&1)"
  echo "$output"
  local counts
  counts="$(tail -1 <<<"$output" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p')"
  if [[ -z "$counts" ]]; then failed=$((failed + 1)); return; fi
  passed=$((passed + ${counts% *}))
  failed=$((failed + ${counts#* }))
}
against() { [[ -n "$reference_dir" ]] && echo --against "$reference_dir/$1"; }

cd "$here"
unit_tests() { # node's TAP summary as this script's closing line
  local tap
  tap="$(node --test --test-reporter=tap test/*.test.mjs 2>&1)"
  grep -A12 '^not ok' <<<"$tap"
  echo "$(sed -n 's/^# pass //p' <<<"$tap") passed, $(sed -n 's/^# fail //p' <<<"$tap") failed"
}
run "helpers (node --test)" unit_tests

qualifier="$out/js-qualifier.wasm"
routing="$out/js-routing.wasm"
org_cases="$repo/examples/org-folder/bant-qualifier.cases.json"
# examples/org-folder/org.toml's [plugins.lead-definition] config, which an
# org gives cases that carry none.
org_config=(--config min-budget=20000 --config max-timeline-days=120 --config competitor-domains=rival.example)

run "org-folder cases, org config" node test/check.mjs qualify --plugin "$qualifier" --cases "$org_cases" "${org_config[@]}" $(against bant_qualifier.wasm)
run "org-folder cases, defaults" node test/check.mjs qualify --plugin "$qualifier" --cases "$org_cases" $(against bant_qualifier.wasm)
run "qualifier cases" node test/check.mjs qualify --plugin "$qualifier" --cases qualifier/js-qualifier.cases.json $(against bant_qualifier.wasm)
run "qualifier refusals" node test/check.mjs qualify --plugin "$qualifier" --cases qualifier/refusals.json $(against bant_qualifier.wasm)
run "routing cases" node test/check.mjs route --plugin "$routing" --cases routing/js-routing.cases.json $(against round_robin.wasm)
run "routing refusals" node test/check.mjs route --plugin "$routing" --cases routing/refusals.json $(against round_robin.wasm)
if [[ -n "$reference_dir" ]]; then
  run "qualifier vs bant-qualifier, random inputs" node test/differential.mjs qualify --plugin "$qualifier" --against "$reference_dir/bant_qualifier.wasm" --count "$count"
  run "routing vs round-robin, random inputs" node test/differential.mjs route --plugin "$routing" --against "$reference_dir/round_robin.wasm" --count "$count"
fi

echo "js plug-ins: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
