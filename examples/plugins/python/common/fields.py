"""Reading config entries and custom fields the way the Rust SDK does.

The host hands a plug-in its config as a list of `field` records. The
first-party plug-ins read them through the Rust SDK's `Fields` trait, and a
Python plug-in that replaces one must accept and refuse exactly the same
values and word its messages the same way. The look-ups and Rust's way of
printing values are the SDK's helpers (`sdk/python/leadhost_sdk`, on the
build's Python path), held to the Rust SDK's answers by the shared cases in
`sdk/tests/helper-cases.json`; this module names them as these plug-ins use
them and adds the integer conversions their scores need.
"""

from __future__ import annotations

from leadhost_sdk.fields import list as text_list
from leadhost_sdk.fields import number, text, value
from leadhost_sdk.rust import RUST_WHITESPACE
from leadhost_sdk.rust import debug_scalar as rust_debug
from leadhost_sdk.rust import display_float as rust_display
from leadhost_sdk.time import I64_MIN, as_i64

__all__ = [
    "RUST_WHITESPACE",
    "as_i32",
    "as_i64",
    "number",
    "rust_debug",
    "rust_display",
    "text",
    "text_list",
    "value",
    "wrapping_i64",
]

def as_i32(x: float) -> int:
    """Rust's `x as i32`: truncates toward zero, saturates, NaN becomes 0."""
    return max(-(2**31), min(2**31 - 1, as_i64(x)))


def wrapping_i64(n: int) -> int:
    """An i64 result as a release-built Rust guest computes it (wrapping on overflow)."""
    return (n - I64_MIN) % 2**64 + I64_MIN
