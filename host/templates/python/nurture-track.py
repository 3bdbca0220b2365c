"""`{{name}}`: a nurture track (`next-step`).

Sends one touch per step on the lead's track, then sleeps `interval-days`
(config, a number > 0; default 7) so the lead is not flooded; after 3
touches the track is done with the lead. The step count lives in the track
state the host keeps between calls, so the plug-in stays a pure function of
its input (it has no clock: the time is `input.now`).

Config: `interval-days` (default 7), `channel` (text; default `email`).

componentize-py exports the `next_step` method of the class named after the
world's module (`wit_world` -> `WitWorld`).
"""

from __future__ import annotations

import math

from bugs import logged
from componentize_py_types import Err
from leadhost_sdk import fields, time
from leadhost_sdk.rust import display_float
from wit_world import WitWorld as World
from wit_world.imports.types import (
    NurtureAction_Finish,
    NurtureAction_SendTouch,
    NurtureInput,
    NurtureStep,
    Touch,
    TrackState,
)

TOUCHES = 3


class WitWorld(World):
    """The component's exports (the `nurture-track` world)."""

    @logged
    def next_step(self, input: NurtureInput) -> NurtureStep:
        # Missing: the default; set but of the wrong kind: a FieldError,
        # which becomes the call's refusal naming the key (the host records why).
        try:
            days = fields.number_or(input.config, "interval-days", 7.0)
            channel = fields.text_or(input.config, "channel", "email")
        except fields.FieldError as error:
            raise Err(str(error.within("config"))) from None
        if not math.isfinite(days) or days <= 0:
            raise Err(
                f"config `interval-days` = {display_float(days)}: expected a finite number above 0"
            )
        state = input.state

        if state.step >= TOUCHES:
            # No wake time: the host calls again only on new activity.
            return NurtureStep([NurtureAction_Finish(f"sent all {TOUCHES} touches")], state, None)
        step = state.step + 1
        # The content id names a template the org's sending tool knows.
        touch = Touch(channel, f"{state.track}-touch-{step}", None)
        return NurtureStep(
            [NurtureAction_SendTouch(touch)],
            TrackState(state.track, step, state.data),
            # Timestamps are milliseconds since the epoch; `time` does the units.
            time.add_days(input.now, days),
        )
