"""The education drip: its steps, and how a lead moves along them.

Three touches spaced by `interval-days`; the second asks whether a demo
would help, and a "yes" to it is a buying signal that hands the lead to
sales at once, as does a re-qualification as sales-ready. After the last
touch the track finishes.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass

import fields
from wit_world.imports import log
from wit_world.imports.types import (
    Activity,
    ActivityKind,
    Field,
    NurtureAction,
    NurtureAction_Discard,
    NurtureAction_Finish,
    NurtureAction_HandToSales,
    NurtureAction_SendTouch,
    NurtureInput,
    NurtureStep,
    Question,
    Stage,
    Touch,
    TrackState,
)

DAY_MS = 86_400_000

DEFAULT_INTERVAL_DAYS = 7.0
DEFAULT_CHANNEL = "email"
DEFAULT_TRACKS = "education"

# The first word of an answer: "Yes!", "yes please", "Sure, next week" -> yes, yes, sure.
_FIRST_WORD = re.compile(r"[a-z]+")


@dataclass(frozen=True)
class Step:
    """One touch of the drip."""

    content: str
    """Template or content id the org's sending tool knows."""
    question: Question | None = None
    """What the touch asks, if anything; answers come back as `answer` activities."""
    buying_signals: frozenset[str] = frozenset()
    """First words of an answer to the question that mean 'ready to buy'."""


STEPS: tuple[Step, ...] = (
    Step(
        "education-why-lead-scoring",
        Question("pain", "What is the biggest problem with your leads today?"),
    ),
    Step(
        "education-case-study",
        Question("demo", "Would a short demo for your team be useful?"),
        buying_signals=frozenset({"yes", "yeah", "sure", "please", "ok", "okay"}),
    ),
    Step("education-buyers-guide"),
)


class ConfigError(ValueError):
    """A config value or state the plug-in cannot use; the message says which."""


def next_step(input: NurtureInput) -> NurtureStep:
    """Decides the next step; raises ConfigError to refuse."""
    state, qualification = input.state, input.qualification
    served = fields.text_list(input.config, "tracks") or [DEFAULT_TRACKS]
    if state.track not in served:
        raise ConfigError(
            f"unknown track `{state.track}`; this plug-in runs: {', '.join(served)} "
            "(config `tracks`)"
        )

    # The lead definition's latest word comes first: the host re-qualifies on
    # every activity, so a lead may have become sales-ready since the last step.
    if qualification.stage == Stage.SALES_READY:
        reason = f"re-qualified as sales-ready (score {qualification.score})"
        return _leave(state, NurtureAction_HandToSales(reason))
    if qualification.stage == Stage.DISCARD:
        reason = next(iter(qualification.reasons), "the lead definition discarded it")
        return _leave(state, NurtureAction_Discard(reason))

    asked = _asked(state)
    signal = _buying_signal(input.activities, asked)
    if signal is not None:
        return _leave(state, NurtureAction_HandToSales(f"answered `{signal}`: a buying signal"))

    if state.step >= len(STEPS):
        reason = f"finished the {state.track} track after {len(STEPS)} steps"
        return _leave(state, NurtureAction_Finish(reason))

    interval = _interval_days(input.config)
    channel = fields.text(input.config, "channel")
    channel = (DEFAULT_CHANNEL if channel is None else channel).strip(fields.RUST_WHITESPACE)
    if not channel:
        raise ConfigError("config `channel` is empty")
    step = STEPS[state.step]
    if step.question is not None and step.question.id not in asked:
        asked.append(step.question.id)
    touch = Touch(channel, step.content, step.question)
    data = json.dumps({"asked": asked}, separators=(",", ":"))
    return NurtureStep(
        actions=[NurtureAction_SendTouch(touch)],
        state=TrackState(state.track, state.step + 1, data),
        wake_at=input.now + round(interval * DAY_MS),
    )


def _leave(state: TrackState, action: NurtureAction) -> NurtureStep:
    """A step that ends the track for this lead: no wake-up, state kept as it was."""
    return NurtureStep(actions=[action], state=state, wake_at=None)


def _asked(state: TrackState) -> list[str]:
    """The question ids asked on this track so far, from `state.data`
    (`{"asked": [...]}`). Data this plug-in did not write, e.g. left by
    another nurture plug-in on a track of the same name, is logged and
    ignored rather than refused, so the lead keeps moving."""
    if not state.data:
        return []
    try:
        asked = json.loads(state.data)["asked"]
        if isinstance(asked, list) and all(isinstance(id, str) for id in asked):
            return asked
    except (ValueError, KeyError, TypeError):
        pass
    log.log(
        log.Level.WARN,
        f"ignoring track data not written by this plug-in: {state.data[:100]!r}",
    )
    return []


def _buying_signal(activities: list[Activity], asked: list[str]) -> str | None:
    """The first answer (`question-id: answer`) that signals buying, to a
    question this track asked; answers to other questions do not count."""
    signals = {step.question.id: step.buying_signals for step in STEPS if step.question}
    for activity in activities:
        if activity.kind != ActivityKind.ANSWER:
            continue
        question, colon, answer = activity.detail.partition(":")
        question = question.strip()
        first_word = _FIRST_WORD.match(answer.strip().lower())
        if (
            colon
            and question in asked
            and first_word is not None
            and first_word.group() in signals.get(question, frozenset())
        ):
            return activity.detail.strip()
    return None


def _interval_days(config: list[Field]) -> float:
    """Days between touches: `interval-days`, a positive number."""
    found = fields.value(config, "interval-days")
    if found is None:
        return DEFAULT_INTERVAL_DAYS
    days = fields.number(config, "interval-days")
    if days is None or not math.isfinite(days) or days <= 0:
        raise ConfigError(
            f"config `interval-days` = {fields.rust_debug(found)}: "
            "expected a positive number of days"
        )
    return days
