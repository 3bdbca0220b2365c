"""Arithmetic on WIT timestamps: milliseconds since the Unix epoch (UTC), as
the Rust SDK's `leadhost_sdk::time` does it (`sdk/src/time.rs`).

A plug-in has no clock: it reads the time of the call from `input.now` and
schedules with `wake_at`. These spare it the unit constants, and they
compute as Rust's i64/f64 code does, so a Python port schedules to the same
millisecond: spans are exact fractions, negative backwards; the `whole_`
spans and the conversions round toward zero (-47 hours is -1 whole day);
nothing leaves the i64 range (a huge interval saturates, meaning "never").
"""

from __future__ import annotations

import math

SECOND_MS = 1_000
MINUTE_MS = 60 * SECOND_MS
HOUR_MS = 60 * MINUTE_MS
DAY_MS = 24 * HOUR_MS  # timestamps are UTC: no daylight saving
WEEK_MS = 7 * DAY_MS

I64_MIN, I64_MAX = -(2**63), 2**63 - 1


def _saturate(n: int) -> int:
    return max(I64_MIN, min(I64_MAX, n))


def as_i64(x: float) -> int:
    """Rust's `x as i64`: toward zero, saturating, NaN is 0."""
    if math.isnan(x):
        return 0
    if x >= 2**63:
        return I64_MAX
    if x < -(2**63):
        return I64_MIN
    return int(x)


def _toward_zero(n: int, unit: int) -> int:
    """Rust's i64 `/`: rounds toward zero (Python's `//` rounds down)."""
    whole = abs(n) // unit
    return whole if n >= 0 else -whole


def days(count: float) -> int:
    """`count` days in milliseconds, toward zero, saturating."""
    return as_i64(count * float(DAY_MS))


def hours(count: float) -> int:
    """`count` hours in milliseconds, toward zero, saturating."""
    return as_i64(count * float(HOUR_MS))


def minutes(count: float) -> int:
    """`count` minutes in milliseconds, toward zero, saturating."""
    return as_i64(count * float(MINUTE_MS))


def millis_between(start: int, end: int) -> int:
    """Milliseconds from `start` to `end`, negative when `end` is earlier; saturating."""
    return _saturate(end - start)


def days_between(start: int, end: int) -> float:
    """Days from `start` to `end` with the fraction: 36 hours is 1.5."""
    # float() first, as Rust's `as f64`: int / int would round differently.
    return float(millis_between(start, end)) / float(DAY_MS)


def hours_between(start: int, end: int) -> float:
    """Hours from `start` to `end` with the fraction; negative when `end` is earlier."""
    return float(millis_between(start, end)) / float(HOUR_MS)


def whole_days_between(start: int, end: int) -> int:
    """Complete days from `start` to `end`, toward zero: 47 hours is 1, -47 hours is -1."""
    return _toward_zero(millis_between(start, end), DAY_MS)


def whole_hours_between(start: int, end: int) -> int:
    """Complete hours from `start` to `end`, toward zero."""
    return _toward_zero(millis_between(start, end), HOUR_MS)


def add_days(at: int, count: float) -> int:
    """`at` moved by `count` days (negative moves back), saturating."""
    return _saturate(at + days(count))


def add_hours(at: int, count: float) -> int:
    """`at` moved by `count` hours (negative moves back), saturating."""
    return _saturate(at + hours(count))
