#!/usr/bin/env python3
"""Runs the sample cases of the Python plug-ins through the real host.

    examples/plugins/python/check.py [OUT_DIR]     (default: <repo>/target/examples)

For each case it writes the case's input to a temporary file, calls
`leadhost eval qualify|nurture --plugin OUT_DIR/python-*.wasm --input FILE`
and matches the case's `expect` as a subset of the answer, the way the host
checks a component's `<stem>.cases.json` before activating it. An input
without `config` gets the org's config for the slot from
`examples/org-folder/org.toml`, as in that org folder.

The qualifier runs the Rust `bant-qualifier`'s own cases
(`examples/org-folder/bant-qualifier.cases.json`); the nurture track runs
`nurture/python-nurture.cases.json`. Uses the host binary at
`$LEADHOST_BIN` (default `<repo>/target/release/leadhost`), read-only.
Exits 1 if any case fails.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]

# (eval slot, component, cases file, the org.toml section whose config applies)
SUITES = [
    (
        "qualify",
        "python-qualifier.wasm",
        REPO / "examples/org-folder/bant-qualifier.cases.json",
        "lead-definition",
    ),
    (
        "nurture",
        "python-nurture.wasm",
        HERE / "nurture/python-nurture.cases.json",
        "nurture-track",
    ),
]

# Provenance `eval` prints beside the decision; not part of the answer.
PROVENANCE = ("input", "plugin", "hash", "wit_version", "duration_us", "fuel_used")


def difference(expected: Any, actual: Any, at: str = "") -> str | None:
    """The first place where `actual` does not match the subset `expected`
    (objects recursively, arrays and scalars exactly, numbers as numbers)."""
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
    if (
        isinstance(expected, numbers)
        and isinstance(actual, numbers)
        and not isinstance(expected, bool)
        and not isinstance(actual, bool)
    ):
        same = float(expected) == float(actual)
    else:
        same = expected == actual
    if same:
        return None
    return f"`{at or '(answer)'}`: expected {json.dumps(expected)}, got {json.dumps(actual)}"


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "target/examples"
    host = Path(os.environ.get("LEADHOST_BIN", REPO / "target/release/leadhost"))
    org = tomllib.loads((REPO / "examples/org-folder/org.toml").read_text())
    passed = failed = 0
    with tempfile.TemporaryDirectory(prefix="python-plugins-") as scratch:
        # Precompiled code is cached here, so only the first call of each
        # component pays for compiling ~18 MB of Wasm.
        cache = Path(scratch) / "cache"
        for slot, component, cases_file, section in SUITES:
            config = org["plugins"][section].get("config", {})
            durations: list[int] = []
            fuel: list[int] = []
            print(f"{component} on {cases_file.relative_to(REPO)}")
            for index, case in enumerate(json.loads(cases_file.read_text())):
                payload = dict(case["input"])
                if not payload.get("config"):
                    payload["config"] = config
                input_file = Path(scratch) / f"{slot}-{index}.json"
                input_file.write_text(json.dumps(payload))
                run = subprocess.run(
                    [
                        str(host),
                        "eval",
                        slot,
                        "--plugin",
                        str(out / component),
                        "--input",
                        str(input_file),
                        "--cache-dir",
                        str(cache),
                    ],
                    capture_output=True,
                    text=True,
                )
                if run.returncode != 0:
                    problem = f"the call failed: {run.stderr.strip()}"
                else:
                    answer = json.loads(run.stdout)
                    durations.append(answer["duration_us"])
                    fuel.append(answer["fuel_used"])
                    decision = {k: v for k, v in answer.items() if k not in PROVENANCE}
                    problem = difference(case["expect"], decision)
                if problem:
                    failed += 1
                    print(f"  FAIL {case['name']}: {problem}")
                else:
                    passed += 1
                    print(f"  ok   {case['name']}")
            if durations:
                print(
                    f"  per call (fresh instance, as eval reports it): median "
                    f"{statistics.median(durations):.0f} µs, min {min(durations)} µs; "
                    f"fuel median {statistics.median(fuel):.0f}"
                )
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
