"""The BANT criteria and the behaviour score, each with the words that explain it.

Mirrors `plugins/bant-qualifier/src/score.rs`: same points, same thresholds
and the same reason texts (numbers printed the Rust way).
"""

from __future__ import annotations

from dataclasses import dataclass

from fields import as_i64, rust_display, wrapping_i64
from settings import Settings
from wit_world.imports.types import Activity, ActivityKind, Authority, Lead, Need

DAY_MS = 86_400_000.0

BEHAVIOUR_CAP = 30
"""The most behaviour adds to the score."""


@dataclass(frozen=True)
class Criterion:
    """One BANT criterion's verdict."""

    met: bool
    """Whether the criterion is met."""
    points: int
    """Points it adds to the score."""
    reason: str
    """Why, in words."""


def budget(lead: Lead, settings: Settings) -> Criterion:
    """Budget: met when at least `min-budget`; 25 points."""
    minimum = rust_display(settings.min_budget)
    if lead.budget is None:
        return Criterion(False, 0, "budget unknown")
    amount = rust_display(lead.budget)
    if lead.budget >= settings.min_budget:
        return Criterion(True, 25, f"budget {amount} meets the minimum {minimum}")
    return Criterion(False, 0, f"budget {amount} is below the minimum {minimum}")


# (met, points, how the reason words it) for each known value.
_AUTHORITY: dict[Authority, tuple[bool, int, str]] = {
    Authority.DECISION_MAKER: (True, 25, "a decision-maker"),
    Authority.INFLUENCER: (True, 15, "an influencer"),
    Authority.USER: (False, 5, "a user without buying authority"),
    Authority.NONE: (False, 0, "without a part in the purchase"),
}

_NEED: dict[Need, tuple[bool, int, str]] = {
    Need.HIGH: (True, 25, "high"),
    Need.MEDIUM: (True, 15, "medium"),
    Need.LOW: (False, 5, "low"),
    Need.NONE: (False, 0, "none"),
}


def authority(lead: Lead) -> Criterion:
    """Authority: met for a decision-maker (25 points) or influencer (15)."""
    if lead.authority is None:
        return Criterion(False, 0, "authority unknown")
    met, points, word = _AUTHORITY[lead.authority]
    return Criterion(met, points, f"contact is {word}")


def need(lead: Lead) -> Criterion:
    """Need: met when high (25 points) or medium (15)."""
    if lead.need is None:
        return Criterion(False, 0, "need unknown")
    met, points, word = _NEED[lead.need]
    return Criterion(met, points, f"need is {word}")


def timeline(lead: Lead, settings: Settings) -> Criterion:
    """Timeline: met when buying within `max-timeline-days`; 15 points."""
    if lead.timeline_days is None:
        return Criterion(False, 0, "timeline unknown")
    days = lead.timeline_days
    limit = rust_display(settings.max_timeline_days)
    if days <= settings.max_timeline_days:
        return Criterion(True, 15, f"buying in {days} days, within {limit}")
    return Criterion(False, 0, f"buying in {days} days, later than {limit}")


# Points for one activity: more for what takes more intent.
_ACTIVITY_POINTS: dict[ActivityKind, int] = {
    ActivityKind.PAGE_VISIT: 1,
    ActivityKind.EMAIL_OPEN: 1,
    ActivityKind.EMAIL_CLICK: 2,
    ActivityKind.DOWNLOAD: 5,
    ActivityKind.FORM: 5,
    ActivityKind.ANSWER: 5,
    ActivityKind.WEBINAR: 8,
    ActivityKind.EMAIL_REPLY: 8,
    ActivityKind.CALL: 10,
    ActivityKind.MEETING: 15,
    ActivityKind.OTHER: 0,
}


def behaviour(activities: list[Activity], now: int, settings: Settings) -> tuple[int, str]:
    """Behaviour: points for activity within `behaviour-window-days` of `now`, capped."""
    # `now - (days * DAY_MS) as i64` in the Rust plug-in: a saturating cast,
    # then i64 arithmetic; reproduced so huge windows behave the same.
    since = wrapping_i64(now - as_i64(settings.behaviour_window_days * DAY_MS))
    recent = [activity for activity in activities if since <= activity.at <= now]
    raw = sum(_ACTIVITY_POINTS[activity.kind] for activity in recent)
    points = min(raw, BEHAVIOUR_CAP)
    capped = f" (capped from {raw})" if raw > BEHAVIOUR_CAP else ""
    window = rust_display(settings.behaviour_window_days)
    reason = (
        f"behaviour {points} points from {len(recent)} activities in the last {window} days{capped}"
    )
    return points, reason


def idle_days(lead: Lead, activities: list[Activity], now: int) -> float:
    """Days since the lead last did anything (or was created, if it never did)."""
    last = max([lead.created_at, *(activity.at for activity in activities)])
    return float(wrapping_i64(now - last)) / DAY_MS
