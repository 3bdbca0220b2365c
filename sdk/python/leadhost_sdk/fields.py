"""Typed look-ups in a list of WIT `field`s: a plug-in's config or a lead's
custom fields, as the Rust SDK's `Fields` trait does them.

Same names, same rules, same messages as Rust (`sdk/src/fields.rs`); the
cases in `sdk/tests/helper-cases.json` hold all three languages to that:

- `number`, `text`, `flag`, `list`: the value if present and of the right
  kind, else None (an empty list); missing and wrong kind look the same.
- `number_or`, `text_or`, `flag_or`, `list_or`: the default when the key is
  missing; a `FieldError` naming the key when it is present but of the
  wrong kind (turn it into the call's refusal with `raise Err(str(error))`).
  What a plug-in usually wants for its config.
- `try_number`, `try_text`, `try_flag`, `try_list`: None when missing, so a
  caller can fall back through several keys; a `FieldError` as above.

Numbers and flags given as text (`"25000"`, `" true "`) are accepted, since
org config files and CSV imports often quote them: text is trimmed and read
as Rust reads an f64 (`1e3`, `inf` and `NaN` included: check the range
yourself) or a bool (`true`/`false` only). Lists are comma-separated text,
each item trimmed and lower-cased, empty items dropped.

`list` is named as in Rust, so inside this module the built-in is
`builtins.list`; callers write `fields.list(config, "domains")`.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any

from .rust import debug_scalar, parse_f64, trim

# What a look-up expected, worded as in the Rust SDK's `Expected`.
NUMBER = "a number"
TEXT = "text"
FLAG = "a flag (true or false)"
LIST = "a comma-separated list"

# A WIT `scalar` (`Scalar_Text`, `Scalar_Number` or `Scalar_Boolean`); the
# helpers tell them apart by their value's type, so they need no bindings.
Scalar = Any
Fields = Sequence[Any]


class FieldError(Exception):
    """A named value present but of the wrong kind, e.g. config `min-budget`
    given as the text `"lots"`; `str(error)` is worded as Rust's:
    `` `min-budget` = Scalar::Text("lots"): expected a number ``.

    A missing value is never an error: only a value the org did set, wrongly,
    is worth refusing the call for, so that the host records why instead of
    the plug-in silently using its default. Refuse with it at the export:

        except fields.FieldError as error:
            raise Err(str(error.within("config"))) from None

    It is not itself an `Err`: componentize-py 0.25 takes only `Err` itself,
    not a subclass, as an export's error answer, and traps on anything else.
    """

    def __init__(self, key: str, expected: str, found: Scalar, place: str | None = None):
        message = f"`{key}` = {debug_scalar(found)}: expected {expected}"
        super().__init__(message if place is None else f"{place} {message}")
        self.key = key
        self.expected = expected
        self.found = found
        self.place = place

    def within(self, place: str) -> FieldError:
        """The same error saying where the field was looked up (`config`)."""
        return FieldError(self.key, self.expected, self.found, place)


def value(fields: Fields, name: str) -> Scalar | None:
    """The value named `name` (the first, if repeated), if present."""
    return next((field.value for field in fields if field.name == name), None)


def _kind(found: Scalar) -> str:
    raw = found.value
    if isinstance(raw, bool):
        return "flag"
    return "text" if isinstance(raw, str) else "number"


def try_number(fields: Fields, key: str) -> float | None:
    """The number named `key`: None if missing; a FieldError if it is a flag
    or text that does not read as a number."""
    found = value(fields, key)
    if found is None:
        return None
    kind = _kind(found)
    if kind == "number":
        return float(found.value)
    number = parse_f64(trim(found.value)) if kind == "text" else None
    if number is None:
        raise FieldError(key, NUMBER, found)
    return number


def try_text(fields: Fields, key: str) -> str | None:
    """The text named `key`, as given (not trimmed): None if missing; a
    FieldError if it is a number or a flag."""
    found = value(fields, key)
    if found is None:
        return None
    if _kind(found) != "text":
        raise FieldError(key, TEXT, found)
    return str(found.value)


def try_flag(fields: Fields, key: str) -> bool | None:
    """The flag named `key`: None if missing; a FieldError if it is a number
    or text other than `true`/`false` (trimmed, lower case only)."""
    found = value(fields, key)
    if found is None:
        return None
    kind = _kind(found)
    if kind == "flag":
        return bool(found.value)
    if kind == "text" and trim(found.value) in ("true", "false"):
        return trim(found.value) == "true"
    raise FieldError(key, FLAG, found)


def try_list(fields: Fields, key: str) -> builtins.list[str] | None:
    """The comma-separated list named `key`, items trimmed, lower-cased, empty
    ones dropped: None if missing (empty text is an empty list); a
    FieldError if it is a number or a flag."""
    found = value(fields, key)
    if found is None:
        return None
    if _kind(found) != "text":
        raise FieldError(key, LIST, found)
    items = (trim(item).lower() for item in found.value.split(","))
    return [item for item in items if item]


def number(fields: Fields, name: str) -> float | None:
    """The number named `name`, if present and numeric (numeric text counts)."""
    try:
        return try_number(fields, name)
    except FieldError:
        return None


def text(fields: Fields, name: str) -> str | None:
    """The text named `name`, if present and textual."""
    try:
        return try_text(fields, name)
    except FieldError:
        return None


def flag(fields: Fields, name: str) -> bool | None:
    """The flag named `name`, if present and a yes/no value."""
    try:
        return try_flag(fields, name)
    except FieldError:
        return None


def list(fields: Fields, name: str) -> builtins.list[str]:
    """The comma-separated list named `name`, trimmed and lower-cased; empty if absent."""
    try:
        return try_list(fields, name) or []
    except FieldError:
        return []


def number_or(fields: Fields, key: str, default: float) -> float:
    """The number named `key`, `default` if missing; see `try_number`."""
    found = try_number(fields, key)
    return default if found is None else found


def text_or(fields: Fields, key: str, default: str) -> str:
    """The text named `key`, `default` if missing; see `try_text`."""
    found = try_text(fields, key)
    return default if found is None else found


def flag_or(fields: Fields, key: str, default: bool) -> bool:
    """The flag named `key`, `default` if missing; see `try_flag`."""
    found = try_flag(fields, key)
    return default if found is None else found


def list_or(fields: Fields, key: str, default: Sequence[str]) -> builtins.list[str]:
    """The list named `key`, `default` (as given) if missing; see `try_list`."""
    found = try_list(fields, key)
    return builtins.list(default) if found is None else found


def custom_field(lead: Any, name: str) -> Scalar | None:
    """The lead's custom field named `name`, if it has one (Rust: `lead.custom_field(name)`)."""
    return value(lead.custom, name)


def email_domain(lead: Any) -> str | None:
    """The part of the lead's e-mail address after the last `@`, lower-cased,
    not trimmed; None without an `@` (Rust: `lead.email_domain()`)."""
    _, at, domain = lead.email.rpartition("@")
    return domain.lower() if at else None
