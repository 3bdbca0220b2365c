#!/usr/bin/env python3
"""Runs `sdk/tests/helper-cases.json`, the helper cases the Rust SDK and the
JavaScript helpers pass too, against `leadhost_sdk` (sdk/python).

    sdk/tests/helper_cases.py BINDINGS_DIR

BINDINGS_DIR holds what `componentize-py bindings` writes (`wit_world/`,
`componentize_py_types.py`; examples/plugins/python/build.sh makes one in
examples/plugins/python/bindings/lead-definition), so the cases run on the
real WIT classes a component gets.
Prints each failure and ends with `N passed, M failed`; exits 1 on any failure.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

HERE = Path(__file__).resolve().parent
TABLE = HERE / "helper-cases.json"
SDK = HERE.parent / "python"


def main(bindings: str) -> int:
    sys.path[:0] = [str(SDK), bindings]
    from wit_world.imports.types import Field, Scalar_Boolean, Scalar_Number, Scalar_Text

    from leadhost_sdk import fields as sdk_fields
    from leadhost_sdk import time as sdk_time

    def scalar(entry: dict[str, Any]) -> Any:
        if "text" in entry:
            return Scalar_Text(entry["text"])
        if "number" in entry:
            return Scalar_Number(float(entry["number"]))
        return Scalar_Boolean(entry["flag"])

    def as_json(answer: Any) -> Any:
        """An answer in the table's terms (non-finite numbers as strings, scalars as objects)."""
        if isinstance(answer, float) and not math.isfinite(answer):
            return "NaN" if math.isnan(answer) else ("inf" if answer > 0 else "-inf")
        if isinstance(answer, (Scalar_Text, Scalar_Number, Scalar_Boolean)):
            kind = {Scalar_Text: "text", Scalar_Number: "number", Scalar_Boolean: "flag"}
            return {kind[type(answer)]: answer.value}
        return answer

    def count(value: Any) -> float:
        return float(value) if isinstance(value, str) else value

    table = json.loads(TABLE.read_text(encoding="utf-8"))
    config = [Field(entry["name"], scalar(entry)) for entry in table["fields"]]
    lead = SimpleNamespace(email="ada@example.com", custom=config)

    def run(case: dict[str, Any]) -> Any:
        call, key = case["call"], case.get("key", "")
        if call == "custom_field":
            return sdk_fields.custom_field(lead, key)
        if call == "email_domain":
            return sdk_fields.email_domain(SimpleNamespace(email=case["email"], custom=[]))
        if hasattr(sdk_fields, call):
            helper = getattr(sdk_fields, call)
            if call.endswith("_or"):
                default = case["default"]
                return helper(config, key, float(default) if call == "number_or" else default)
            return helper(config, key)
        helper = getattr(sdk_time, call)
        if "count" in case:
            return helper(*([case["at"]] if "at" in case else []), count(case["count"]))
        return helper(case["from"], case["to"])

    passed, failures = 0, []
    for case in table["cases"]:
        try:
            got: Any = ("ok", as_json(run(case)))
        except sdk_fields.FieldError as error:
            place = case.get("within")
            got = ("error", str(error.within(place) if place else error))
        except Exception as error:  # a crash is a failed case, not the end of the run
            got = ("crash", repr(error))
        want = ("error", case["error"]) if "error" in case else ("ok", case["expect"])
        # 350 == 350.0 and True is not 1: compare values with their kinds.
        if got == want and isinstance(got[1], bool) == isinstance(want[1], bool):
            passed += 1
        else:
            failures.append(f"{json.dumps(case, ensure_ascii=False)}\n  got {got!r}")
    print("\n".join(failures))
    print(f"{passed} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
