"""How Rust reads and prints the values the helpers handle.

A Python plug-in that stands in for a Rust one must accept and refuse the
same config text and word its messages the same way, so these copy Rust's
rules exactly where Python's own differ: `str::trim` (Python's `strip()`
removes more), `f64::from_str` (Python's `float()` accepts more), and
`{:?}` for strings, numbers and the SDK's `Scalar` (Python's `repr` differs).
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any

# The characters Rust's `str::trim` removes (Unicode White_Space). Python's
# `str.strip()` also removes U+001C..U+001F, which Rust keeps.
RUST_WHITESPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680"
    + "".join(chr(code) for code in range(0x2000, 0x200B))
    + "\u2028\u2029\u202f\u205f\u3000"
)

# What Rust's `f64::from_str` accepts. Python's `float()` accepts more
# (underscores, non-ASCII digits, surrounding blanks), which Rust refuses.
# ASCII-only case folding: in Unicode mode `i` also matches the dotless `ı`,
# and `float("ınf")` then raised instead of answering "not a number".
_RUST_FLOAT = re.compile(
    r"[+-]?(?:inf|infinity|nan|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:e[+-]?[0-9]+)?)",
    re.IGNORECASE | re.ASCII,
)

_SIMPLE_ESCAPES = {"\0": "\\0", "\t": "\\t", "\r": "\\r", "\n": "\\n", "\\": "\\\\", '"': '\\"'}


def trim(text: str) -> str:
    """Rust's `text.trim()`."""
    return text.strip(RUST_WHITESPACE)


def parse_f64(text: str) -> float | None:
    """Rust's `text.parse::<f64>()` (no trimming): the number, or None."""
    return float(text) if _RUST_FLOAT.fullmatch(text) else None


def display_float(x: float) -> str:
    """`format!("{x}")` for an f64: shortest round-trip digits, never an
    exponent, no `.0` on whole numbers (`60000`, not Python's `60000.0`)."""
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    sign, digits_text = ("-", repr(-x)) if math.copysign(1.0, x) < 0 else ("", repr(x))
    # repr gives the same shortest digits as Rust, maybe with an exponent:
    # place the decimal point by hand instead.
    mantissa, _, exponent = digits_text.partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = whole + fraction
    point = len(whole) + int(exponent or 0)
    if point <= 0:
        plain = "0." + "0" * -point + digits
    elif point >= len(digits):
        plain = digits + "0" * (point - len(digits))
    else:
        plain = digits[:point] + "." + digits[point:]
    if "." in plain:
        plain = plain.rstrip("0").rstrip(".")
    plain = plain.lstrip("0")
    if plain == "" or plain.startswith("."):
        plain = "0" + plain
    return sign + plain


def debug_float(x: float) -> str:
    """`format!("{x:?}")` for an f64: `30.0`, `-0.5`, `1e16`, `1e-5`, `NaN`, `inf`.

    Python's repr has the same shortest digits and switches to an exponent
    at the same points (below 1e-4, from 1e16 on); only the spelling differs.
    """
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    mantissa, e, exponent = repr(x).partition("e")
    return mantissa + (e + str(int(exponent)) if e else "")


def debug_str(s: str) -> str:
    """`format!("{s:?}")` for a str: quoted, with Rust's escapes."""
    out = []
    for char in s:
        if char in _SIMPLE_ESCAPES:
            out.append(_SIMPLE_ESCAPES[char])
        elif not char.isprintable() or (
            not char.isascii() and unicodedata.category(char) in ("Mn", "Me")
        ):
            # Rust and Python agree on what is printable; Rust also escapes
            # combining marks, so that they stay visible.
            out.append(f"\\u{{{ord(char):x}}}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def debug_scalar(scalar: Any) -> str:
    """`format!("{value:?}")` for the SDK's `Scalar`, e.g. `Scalar::Text("lots")`."""
    found = scalar.value
    if isinstance(found, bool):
        return f"Scalar::Boolean({'true' if found else 'false'})"
    if isinstance(found, str):
        return f"Scalar::Text({debug_str(found)})"
    return f"Scalar::Number({debug_float(found)})"
