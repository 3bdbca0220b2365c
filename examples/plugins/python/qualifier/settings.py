"""The org's config for the qualifier, read once per call with defaults.

Same keys, defaults and refusals as the Rust `bant-qualifier`
(`plugins/bant-qualifier/src/settings.rs`), so an org can swap one for the
other without touching its `org.toml`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import fields
from wit_world.imports.types import Field

# Applied when the org sets no `discard-domain-suffixes` at all.
DEFAULT_DISCARD_SUFFIXES = (".edu", ".ac.uk")


class ConfigError(ValueError):
    """A config value the plug-in cannot use; the message names the key."""


@dataclass(frozen=True)
class Settings:
    """Thresholds and lists the org can set."""

    min_budget: float
    """`min-budget`: a budget at least this large meets the budget criterion."""
    max_timeline_days: float
    """`max-timeline-days`: buying within this many days meets the timeline criterion."""
    sales_ready_score: int
    """`sales-ready-score`: the score a sales-ready lead needs."""
    required_criteria: int
    """`required-criteria`: how many of the four BANT criteria a sales-ready lead meets."""
    competitor_domains: list[str]
    """`competitor-domains`: domains (and their subdomains) that are discarded."""
    discard_domain_suffixes: list[str]
    """`discard-domain-suffixes`: domain endings that are discarded (students, academics)."""
    inactive_days: float
    """`inactive-days`: a lead with no activity for this long is discarded."""
    behaviour_window_days: float
    """`behaviour-window-days`: only activity this recent counts toward behaviour."""

    @classmethod
    def from_config(cls, config: list[Field]) -> Settings:
        """Reads the settings; raises ConfigError naming the first unusable key.

        Keys are read in the Rust plug-in's order, so that with several bad
        values both refuse with the same message.
        """
        min_budget = _non_negative(config, "min-budget", 10_000.0)
        max_timeline_days = _non_negative(config, "max-timeline-days", 90.0)
        sales_ready_score = fields.as_i32(_non_negative(config, "sales-ready-score", 70.0))
        count = _non_negative(config, "required-criteria", 3.0)
        if not (count <= 4.0 and count == math.trunc(count)):
            raise ConfigError(
                f"config `required-criteria` = {fields.rust_display(count)}: "
                "expected a whole number from 0 to 4"
            )
        competitor_domains = fields.text_list(config, "competitor-domains")
        # Present but empty (or not text) turns the student rule off.
        if fields.value(config, "discard-domain-suffixes") is not None:
            suffixes = fields.text_list(config, "discard-domain-suffixes")
        else:
            suffixes = list(DEFAULT_DISCARD_SUFFIXES)
        return cls(
            min_budget=min_budget,
            max_timeline_days=max_timeline_days,
            sales_ready_score=sales_ready_score,
            required_criteria=int(count),
            competitor_domains=competitor_domains,
            discard_domain_suffixes=suffixes,
            inactive_days=_non_negative(config, "inactive-days", 180.0),
            behaviour_window_days=_non_negative(config, "behaviour-window-days", 90.0),
        )


def _non_negative(config: list[Field], key: str, default: float) -> float:
    """The number named `key`, `default` if absent. Text that is not a number,
    a flag, a negative or a non-finite value is refused naming the key."""
    found = fields.value(config, key)
    if found is None:
        return default
    number = fields.number(config, key)
    if number is None:
        raise ConfigError(f"config `{key}` = {fields.rust_debug(found)}: expected a number")
    if math.isfinite(number) and number >= 0.0:
        return number
    raise ConfigError(
        f"config `{key}` = {fields.rust_display(number)}: expected a non-negative number"
    )
