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

from bugs import logged
from componentize_py_types import Err
from wit_world import WitWorld as World
from wit_world.imports.types import (
    NurtureAction_Finish,
    NurtureAction_SendTouch,
    NurtureInput,
    NurtureStep,
    Scalar_Number,
    Scalar_Text,
    Touch,
    TrackState,
)

TOUCHES = 3
DAY_MS = 86_400_000  # timestamps are milliseconds since the epoch


class WitWorld(World):
    """The component's exports (the `nurture-track` world)."""

    @logged
    def next_step(self, input: NurtureInput) -> NurtureStep:
        config = {field.name: field.value for field in input.config}
        days = config.get("interval-days", Scalar_Number(7.0))
        # A present but unusable value is refused (the host records why).
        if not isinstance(days, Scalar_Number) or days.value <= 0:
            raise Err("config `interval-days` must be a number above 0")
        channel = config.get("channel")
        channel_name = channel.value if isinstance(channel, Scalar_Text) else "email"
        state = input.state

        if state.step >= TOUCHES:
            # No wake time: the host calls again only on new activity.
            return NurtureStep([NurtureAction_Finish(f"sent all {TOUCHES} touches")], state, None)
        step = state.step + 1
        # The content id names a template the org's sending tool knows.
        touch = Touch(channel_name, f"{state.track}-touch-{step}", None)
        return NurtureStep(
            [NurtureAction_SendTouch(touch)],
            TrackState(state.track, step, state.data),
            input.now + int(days.value * DAY_MS),
        )
