"""`python-nurture`: a nurture track (`next-step`) written in Python.

An education drip of three touches (see `track.py`). componentize-py looks
in this module for a class named after the world's module (`wit_world` ->
`WitWorld`) and exports its `next_step` method.
"""

from __future__ import annotations

import track
from bugs import logged
from componentize_py_types import Err
from wit_world import WitWorld as World
from wit_world.imports.types import NurtureInput, NurtureStep


class WitWorld(World):
    """The component's exports (the `nurture-track` world)."""

    @logged
    def next_step(self, input: NurtureInput) -> NurtureStep:
        """Decides the next step for one lead. Raising `Err(message)` answers
        the WIT `result`'s error: the plug-in refuses (bad config, unknown
        track). Any other exception is a bug: logged, then the call traps."""
        try:
            return track.next_step(input)
        except track.ConfigError as error:
            raise Err(str(error)) from None
