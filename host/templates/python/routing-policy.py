"""`{{name}}`: a routing policy (`route`).

Gives the lead to the least-loaded rep who can take it (available and under
capacity), so work spreads evenly; ties go to the smaller id so the choice
is stable. When nobody can take it, the lead waits in the queue named by
`fallback-queue` (config, text; default `unassigned`) instead of being
forced on a full rep.

componentize-py exports the `route` method of the class named after the
world's module (`wit_world` -> `WitWorld`).
"""

from __future__ import annotations

from bugs import logged
from componentize_py_types import Err
from leadhost_sdk import fields
from wit_world import WitWorld as World
from wit_world.imports.types import (
    Assignment,
    Queued,
    RouteDecision,
    RouteDecision_Assign,
    RouteDecision_Queue,
    RouteInput,
)


class WitWorld(World):
    """The component's exports (the `routing-policy` world)."""

    @logged
    def route(self, input: RouteInput) -> RouteDecision:
        try:
            queue = fields.text_or(input.config, "fallback-queue", "unassigned")
        except fields.FieldError as error:
            raise Err(str(error.within("config"))) from None
        if queue == "":
            raise Err("config `fallback-queue` must name a queue")

        total = len(input.candidates)
        open_reps = [rep for rep in input.candidates if rep.available and rep.open_leads < rep.capacity]
        if not open_reps:
            return RouteDecision_Queue(Queued(queue, f"none of {total} candidates is available with room"))
        rep = min(open_reps, key=lambda rep: (rep.open_leads, rep.id))
        return RouteDecision_Assign(
            Assignment(
                rep.id,
                [
                    f"fewest open leads: {rep.open_leads} of {rep.capacity}",
                    f"{len(open_reps)} of {total} candidates available with room",
                ],
            )
        )
