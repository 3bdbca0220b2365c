#!/usr/bin/env python3
"""Runs sample cases through the real host (`leadhost eval qualify`).

A case is `{"name", "input", "expect"}` as in an org folder's
`<stem>.cases.json` (`expect` is a subset of the answer, matched like the
host does: objects recursively, numbers by value, the rest exactly), or
`{"name", "input", "refusal"}`: the plug-in must refuse with exactly that
message. With `--against REF.wasm` the reference plug-in gets the same input
and both answers (or refusals) must agree word for word.

Prints one line per failure and closes with `N passed, M failed`.

Usage: check.py --plugin C.wasm --cases FILE [--config KEY=VALUE ...]
                [--against REF.wasm] [--leadhost BIN] [--cache-dir DIR]
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

DECISION = ("stage", "score", "segment", "track", "reasons")
REFUSED = re.compile(r"refused to decide: (.*)$", re.DOTALL)


def evaluate(leadhost, plugin, input_path, config, cache_dir):
    """One `leadhost eval qualify` call: ("ok", answer) or ("refused"|"error", text)."""
    command = [leadhost, "eval", "qualify", "--plugin", plugin, "--input", input_path]
    for item in config:
        command += ["--config", item]
    if cache_dir:
        command += ["--cache-dir", cache_dir]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode == 0:
        answer = json.loads(done.stdout)
        return "ok", {key: answer.get(key) for key in DECISION}, answer
    message = done.stderr.strip()
    refused = REFUSED.search(message)
    if refused:
        return "refused", refused.group(1), None
    return "error", message, None


def difference(expected, actual, at=""):
    """The first place where `actual` does not match the subset `expected` (as the host's cases.rs)."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key, value in expected.items():
            path = f"{at}.{key}" if at else key
            if key not in actual:
                return f"`{path}`: expected {json.dumps(value)}, the answer has none"
            found = difference(value, actual[key], path)
            if found:
                return found
        return None
    numbers = (int, float)
    if isinstance(expected, numbers) and isinstance(actual, numbers) and not isinstance(expected, bool):
        if float(expected) == float(actual):
            return None
    elif expected == actual:
        return None
    return f"`{at or '(answer)'}`: expected {json.dumps(expected)}, got {json.dumps(actual)}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plugin", required=True)
    parser.add_argument("--cases", required=True)
    parser.add_argument("--config", action="append", default=[])
    parser.add_argument("--against")
    parser.add_argument("--leadhost", default=os.environ.get("LEADHOST", "leadhost"))
    parser.add_argument("--cache-dir")
    parser.add_argument("--timing", help="append `name<TAB>duration_us<TAB>fuel_used` lines to this file")
    args = parser.parse_args()

    with open(args.cases, encoding="utf-8") as file:
        cases = json.load(file)
    passed = failed = 0
    with tempfile.TemporaryDirectory() as scratch:
        for index, case in enumerate(cases):
            input_path = os.path.join(scratch, f"case-{index}.json")
            with open(input_path, "w", encoding="utf-8") as file:
                json.dump(case["input"], file)
            outcome, value, raw = evaluate(args.leadhost, args.plugin, input_path, args.config, args.cache_dir)
            problems = []
            if "refusal" in case:
                if outcome != "refused" or value != case["refusal"]:
                    problems.append(f"expected the refusal {case['refusal']!r}, got {outcome}: {value}")
            elif outcome != "ok":
                problems.append(f"the call failed ({outcome}): {value}")
            else:
                found = difference(case["expect"], value)
                if found:
                    problems.append(found)
            if args.against:
                reference = evaluate(args.leadhost, args.against, input_path, args.config, args.cache_dir)
                if reference[:2] != (outcome, value):
                    problems.append(
                        f"differs from the reference:\n    C:    {outcome} {json.dumps(value)}"
                        f"\n    Rust: {reference[0]} {json.dumps(reference[1])}"
                    )
            if args.timing and raw:
                with open(args.timing, "a", encoding="utf-8") as file:
                    file.write(f"{case['name']}\t{raw['duration_us']}\t{raw['fuel_used']}\n")
            if problems:
                failed += 1
                print(f"FAIL {case['name']}: " + "; ".join(problems))
            else:
                passed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
