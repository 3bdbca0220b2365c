"""Reading config entries and custom fields the way the Rust SDK does.

The host hands a plug-in its config as a list of `field` records. The
first-party plug-ins read them through the Rust SDK's `Fields` trait, and a
Python plug-in that replaces one must accept and refuse exactly the same
values and word its messages the same way. So this module copies that
trait's rules (numbers and flags may come quoted as text, lists are
comma-separated, trimmed and lower-cased) and the way Rust prints numbers
and values (`{}` and `{:?}`), which differ from Python's `str`/`repr`.
"""

from __future__ import annotations

import math
import re

from wit_world.imports.types import Field, Scalar, Scalar_Boolean, Scalar_Number, Scalar_Text

# The characters Rust's `str::trim` removes (Unicode White_Space). Python's
# `str.strip()` also removes U+001C..U+001F, which Rust keeps.
RUST_WHITESPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680"
    + "".join(chr(code) for code in range(0x2000, 0x200B))
    + "\u2028\u2029\u202f\u205f\u3000"
)

# What Rust's `f64::from_str` accepts. Python's `float()` accepts more
# (underscores, non-ASCII digits), which a Rust plug-in would refuse.
_RUST_FLOAT = re.compile(
    r"[+-]?(?:inf|infinity|nan|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:e[+-]?[0-9]+)?)",
    re.IGNORECASE,
)


def value(fields: list[Field], name: str) -> Scalar | None:
    """The value named `name` (the first one, if repeated), if present."""
    return next((field.value for field in fields if field.name == name), None)


def parse_number(text: str) -> float | None:
    """`text.trim().parse::<f64>()` in Rust: the number, or None."""
    text = text.strip(RUST_WHITESPACE)
    return float(text) if _RUST_FLOAT.fullmatch(text) else None


def number(fields: list[Field], name: str) -> float | None:
    """The number named `name`; numeric text (`"25000"`) counts, a flag does not."""
    found = value(fields, name)
    if isinstance(found, Scalar_Number):
        return found.value
    if isinstance(found, Scalar_Text):
        return parse_number(found.value)
    return None


def text(fields: list[Field], name: str) -> str | None:
    """The text named `name`, if present and textual."""
    found = value(fields, name)
    return found.value if isinstance(found, Scalar_Text) else None


def text_list(fields: list[Field], name: str) -> list[str]:
    """The comma-separated list named `name`, trimmed and lower-cased; empty if absent."""
    raw = text(fields, name)
    if raw is None:
        return []
    items = (item.strip(RUST_WHITESPACE).lower() for item in raw.split(","))
    return [item for item in items if item]


def rust_display(x: float) -> str:
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


def rust_debug_float(x: float) -> str:
    """`format!("{x:?}")` for an f64: Python's repr with Rust's exponent style
    (both switch to an exponent below 1e-4 and from 1e16 on)."""
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    mantissa, e, exponent = repr(x).partition("e")
    return mantissa + (e + str(int(exponent)) if e else "")


def rust_debug_str(s: str) -> str:
    """`format!("{s:?}")` for a str: quoted, with Rust's escapes."""
    out = []
    for char in s:
        if char in _SIMPLE_ESCAPES:
            out.append(_SIMPLE_ESCAPES[char])
        elif not char.isprintable() or _is_grapheme_extend(char):
            # Rust and Python share the definition of printable: none of the
            # categories Cc, Cf, Cs, Co, Cn, Zl, Zp, nor Zs but the ASCII space.
            out.append(f"\\u{{{ord(char):x}}}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


_SIMPLE_ESCAPES = {"\0": "\\0", "\t": "\\t", "\r": "\\r", "\n": "\\n", "\\": "\\\\", '"': '\\"'}


def _is_grapheme_extend(char: str) -> bool:
    """Combining marks, which Rust's Debug escapes so they stay visible."""
    if char.isascii():
        return False
    import unicodedata  # only needed for non-ASCII text

    return unicodedata.category(char) in ("Mn", "Me")


def rust_debug(scalar: Scalar) -> str:
    """`format!("{value:?}")` for the SDK's `Scalar`, e.g. `Scalar::Text("lots")`."""
    if isinstance(scalar, Scalar_Text):
        return f"Scalar::Text({rust_debug_str(scalar.value)})"
    if isinstance(scalar, Scalar_Number):
        return f"Scalar::Number({rust_debug_float(scalar.value)})"
    assert isinstance(scalar, Scalar_Boolean)
    return f"Scalar::Boolean({'true' if scalar.value else 'false'})"


I64_MIN, I64_MAX = -(2**63), 2**63 - 1


def as_i64(x: float) -> int:
    """Rust's `x as i64`: truncates toward zero, saturates, NaN becomes 0."""
    if math.isnan(x):
        return 0
    if x >= 2**63:
        return I64_MAX
    if x < -(2**63):
        return I64_MIN
    return int(x)


def as_i32(x: float) -> int:
    """Rust's `x as i32`: truncates toward zero, saturates, NaN becomes 0."""
    return max(-(2**31), min(2**31 - 1, as_i64(x)))


def wrapping_i64(n: int) -> int:
    """An i64 result as a release-built Rust guest computes it (wrapping on overflow)."""
    return (n - I64_MIN) % 2**64 + I64_MIN
