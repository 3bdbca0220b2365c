"""`python-qualifier`: the BANT lead definition, written in Python.

Scores budget, authority, need and timeline, plus behaviour from recent
activity, against thresholds the org sets; discards on agreed criteria
(competitor or academic domains, no need, long inactivity) and explains
every verdict. It decides exactly as the Rust first-party `bant-qualifier`
(`plugins/bant-qualifier`), with the same config keys, defaults, reasons
and refusals, so the two can replace each other in an org folder.

componentize-py looks in this module for a class named after the world's
module (`wit_world` -> `WitWorld`) and exports its `qualify` method.
"""

from __future__ import annotations

import math

import score
from bugs import logged
from componentize_py_types import Err
from fields import RUST_WHITESPACE, rust_display
from settings import ConfigError, Settings
from wit_world import WitWorld as World
from wit_world.imports.types import (
    Activity,
    Lead,
    Need,
    Qualification,
    QualifyInput,
    Stage,
)


class WitWorld(World):
    """The component's exports (the `lead-definition` world)."""

    @logged
    def qualify(self, input: QualifyInput) -> Qualification:
        """Qualifies one lead. Raising `Err(message)` answers the WIT
        `result`'s error: the plug-in refuses to decide (bad config). Any
        other exception is a bug: logged, then the call traps."""
        try:
            settings = Settings.from_config(input.config)
        except ConfigError as error:
            raise Err(str(error)) from None
        return qualify(input, settings)


def qualify(input: QualifyInput, settings: Settings) -> Qualification:
    """The verdict: discard on an agreed criterion, else sales-ready or nurture."""
    lead = input.lead
    reason = discard_reason(lead, input.activities, input.now, settings)
    if reason is not None:
        return Qualification(Stage.DISCARD, 0, None, None, [reason])

    budget = score.budget(lead, settings)
    authority = score.authority(lead)
    need = score.need(lead)
    timeline = score.timeline(lead, settings)
    behaviour, behaviour_reason = score.behaviour(input.activities, input.now, settings)
    criteria = [budget, authority, need, timeline]
    met = sum(criterion.met for criterion in criteria)
    total = min(sum(criterion.points for criterion in criteria) + behaviour, 100)

    if total >= settings.sales_ready_score and met >= settings.required_criteria:
        verdict = Qualification(
            Stage.SALES_READY,
            total,
            None,
            None,
            [
                f"sales-ready: score {total} of {settings.sales_ready_score} needed, "
                f"{met} of 4 BANT criteria met"
            ],
        )
    else:
        # The first matching rule picks the segment and the suggested track.
        if budget.met and not timeline.met:
            segment, track, why = (
                "budget-no-timing",
                "trial-incentive",
                "has budget but not the timing",
            )
        elif not authority.met and (need.met or behaviour >= 10):
            segment, track, why = (
                "researching-no-authority",
                "find-decision-maker",
                "researching without buying authority",
            )
        else:
            segment, track, why = ("early-interest", "education", "early interest")
        verdict = Qualification(
            Stage.NURTURE,
            total,
            segment,
            track,
            [f"nurture: {why}; score {total}, {met} of 4 BANT criteria met"],
        )
    # The decisive reason first, then one line per criterion and behaviour.
    verdict.reasons.extend(criterion.reason for criterion in criteria)
    verdict.reasons.append(behaviour_reason)
    return verdict


def discard_reason(
    lead: Lead, activities: list[Activity], now: int, settings: Settings
) -> str | None:
    """The agreed reason to discard the lead, if one applies (checked in this order)."""
    domain = _domain(lead)
    for competitor in settings.competitor_domains:
        if domain == competitor or domain.endswith(f".{competitor}"):
            return f"discard: {domain} belongs to competitor {competitor}"
    for suffix in settings.discard_domain_suffixes:
        if suffix and domain.endswith(suffix):
            return f"discard: {domain} is an academic or student domain ({suffix})"
    if lead.need == Need.NONE:
        return "discard: the contact has no need"
    idle = score.idle_days(lead, activities, now)
    if idle > settings.inactive_days:
        days = rust_display(float(math.floor(idle)))
        limit = rust_display(settings.inactive_days)
        return f"discard: no activity for {days} days (limit {limit})"
    return None


def _domain(lead: Lead) -> str:
    """The lead's `domain`, else its e-mail's, lower-cased and trimmed ("" if neither)."""
    if lead.domain is not None:
        domain = lead.domain.lower()
    else:
        _, at, after = lead.email.rpartition("@")
        domain = after.lower() if at else ""
    return domain.strip(RUST_WHITESPACE)
