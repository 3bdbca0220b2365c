#!/usr/bin/env bash
# Builds the C plug-in and checks it:
#   1. native unit tests (test/unit.c): the Rust look-alike helpers and whole
#      `qualify` calls, under AddressSanitizer/UBSan (leaks included) where the
#      host compiler has them; with rustc, also ~90k values Rust formats,
#      parses, lower-cases and escapes (test/reference.rs);
#   2. every sample case through `leadhost eval`, expectations as subsets: the
#      org folder's bant-qualifier cases (with the org's config and with the
#      defaults), the plug-in's own cases and its refusals;
#   3. with the first-party Rust plug-in built (target/guests/...), the same
#      cases and random inputs given to both, answers compared word for word.
#
# Usage: test.sh [OUT_DIR]     (default: <repo>/target/examples)
# Env:   LEADHOST (host binary), LEADHOST_REFERENCE_DIR (folder with
#        bant_qualifier.wasm), DIFFERENTIAL_COUNT (150), HOST_CC (cc).
# Needs python3 (the checks) and a native C compiler (the unit tests).
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
out="${1:-$repo/target/examples}"
export LEADHOST="${LEADHOST:-$repo/target/release/leadhost}"
count="${DIFFERENTIAL_COUNT:-150}"
host_cc="${HOST_CC:-cc}"

"$here/build.sh" "$out" || exit 1
[[ -x "$LEADHOST" ]] || { echo "c plug-ins: no host binary at $LEADHOST (cargo build --release -p leadhost)" >&2; exit 1; }
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

reference_dir="${LEADHOST_REFERENCE_DIR:-}"
if [[ -z "$reference_dir" ]]; then
    found="$(find "$repo/target" -path '*wasm32-wasip2*' -name bant_qualifier.wasm -not -path '*/deps/*' 2>/dev/null | head -1)"
    [[ -n "$found" ]] && reference_dir="$(dirname "$found")"
fi
if [[ -f "$reference_dir/bant_qualifier.wasm" ]]; then
    echo "reference (Rust) plug-in: $reference_dir/bant_qualifier.wasm"
else
    echo "reference (Rust) plug-in not built: checking expectations only, no differential run"
    reference_dir=""
fi

passed=0
failed=0
run() { # run <title> <command...>: prints the command's lines, adds up its closing count
    echo "== $1"
    local output counts
    output="$("${@:2}" 2>&1)"
    echo "$output"
    counts="$(tail -1 <<<"$output" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p')"
    if [[ -z "$counts" ]]; then
        failed=$((failed + 1))
        return
    fi
    passed=$((passed + ${counts% *}))
    failed=$((failed + ${counts#* }))
}

build_unit() { # compile test/unit.c natively, sanitized if the compiler can
    local q="$here/qualifier" flags=(-std=c11 -O1 -g -Wall -Wextra)
    local b="$here/../../../host/templates/c/bindings/lead-definition"
    local sources=("$here/test/unit.c" "$q"/src/*.c "$b"/*.c)
    if "$host_cc" "${flags[@]}" -fsanitize=address,undefined -fno-sanitize-recover=all -I"$q/src" -I"$b" \
        "${sources[@]}" -lm -o "$scratch/unit" 2>/dev/null; then
        echo "(AddressSanitizer, UndefinedBehaviorSanitizer)"
    else
        "$host_cc" "${flags[@]}" -I"$q/src" -I"$b" "${sources[@]}" -lm -o "$scratch/unit"
    fi
}
unit_tests() { build_unit && "$scratch/unit"; }
reference_values() { # ~90k values as Rust prints, parses, lower-cases and escapes them
    rustc -O "$here/test/reference.rs" -o "$scratch/reference" &&
        "$scratch/reference" >"$scratch/reference.txt" &&
        "$scratch/unit" "$scratch/reference.txt"
}
run "unit tests (native)" unit_tests
if command -v rustc >/dev/null; then
    run "helpers against Rust's own output (test/reference.rs)" reference_values
else
    echo "rustc not found: no check against Rust's own output"
fi

qualifier="$out/c-qualifier.wasm"
cache=(--cache-dir "$scratch/cache")
against() { [[ -n "$reference_dir" ]] && echo --against "$reference_dir/bant_qualifier.wasm"; }
org_cases="$repo/examples/org-folder/bant-qualifier.cases.json"
# examples/org-folder/org.toml's [plugins.lead-definition] config, which an
# org gives cases that carry none.
org_config=(--config min-budget=20000 --config max-timeline-days=120 --config competitor-domains=rival.example)
check() { python3 "$here/test/check.py" --plugin "$qualifier" "${cache[@]}" "$@" $(against); }

run "org-folder cases, org config" check --cases "$org_cases" "${org_config[@]}"
run "org-folder cases, defaults" check --cases "$org_cases"
run "qualifier cases" check --cases "$here/qualifier/c-qualifier.cases.json"
run "qualifier refusals" check --cases "$here/qualifier/refusals.json"
if [[ -n "$reference_dir" ]]; then
    run "qualifier vs bant-qualifier, $count random inputs" python3 "$here/test/differential.py" \
        --plugin "$qualifier" --against "$reference_dir/bant_qualifier.wasm" --count "$count" "${cache[@]}"
fi

echo "c plug-ins:"
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
