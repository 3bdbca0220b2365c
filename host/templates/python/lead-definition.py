"""`{{name}}`: a lead definition (`qualify`).

Two gates, each giving a reason so a rep can see why:
- budget: at least `min-budget` (config, a number, or text such as "350";
  default 10000). Known and below it: discard, since the org cannot serve
  that buyer.
- authority: the contact is a decision-maker.

Both pass: sales-ready. Otherwise the lead is kept warm on the `education`
nurture track until more is known.

componentize-py exports the `qualify` method of the class named after the
world's module (`wit_world` -> `WitWorld`). Config is read with the
leadhost SDK's helpers (`leadhost_sdk`, from the leadhost checkout; see
README.md), which read it as the Rust SDK does.
"""

from __future__ import annotations

from bugs import logged
from componentize_py_types import Err
from leadhost_sdk import fields
from wit_world import WitWorld as World
from wit_world.imports.types import Authority, Qualification, QualifyInput, Stage

DEFAULT_MIN_BUDGET = 10000.0


class WitWorld(World):
    """The component's exports (the `lead-definition` world)."""

    @logged
    def qualify(self, input: QualifyInput) -> Qualification:
        # Missing: the default. Set but not a number: a FieldError, which
        # becomes the call's refusal naming the key and the value found (the
        # host records why), rather than the default silently taking its place.
        try:
            min_budget = fields.number_or(input.config, "min-budget", DEFAULT_MIN_BUDGET)
        except fields.FieldError as error:
            raise Err(str(error.within("config"))) from None
        lead = input.lead

        budget_ok: bool | None = None  # None: unknown
        if lead.budget is None:
            budget_reason = "budget unknown"
        elif lead.budget >= min_budget:
            budget_ok = True
            budget_reason = f"budget {lead.budget:.0f} meets the minimum {min_budget:.0f}"
        else:
            budget_ok = False
            budget_reason = f"budget {lead.budget:.0f} is below the minimum {min_budget:.0f}"

        decides = lead.authority == Authority.DECISION_MAKER
        if lead.authority is None:
            authority_reason = "authority unknown"
        elif decides:
            authority_reason = "contact is a decision-maker"
        else:
            authority_reason = "contact is not a decision-maker"

        reasons = [budget_reason, authority_reason]
        if budget_ok is False:
            return Qualification(Stage.DISCARD, 10, None, None, reasons)
        if budget_ok and decides:
            return Qualification(Stage.SALES_READY, 80, None, None, reasons)
        # Unknown budget or no authority: worth nurturing, not calling.
        return Qualification(Stage.NURTURE, 40, None, "education", reasons)
