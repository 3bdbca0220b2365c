// {{name}}: a lead definition (`qualify`).
//
// Two gates, each giving a reason so a rep can see why:
// - budget: at least `min-budget` (config, a number, or text such as "350";
//   default 10000). Known and below it: discard, since the org cannot serve
//   that buyer.
// - authority: the contact is a decision-maker.
// Both pass: sales-ready. Otherwise the lead is kept warm on the `education`
// nurture track until more is known.
//
// componentize-qjs maps the WIT export `qualify` to this module's export of
// the same name: records are objects with camelCase keys, options are
// `null`, enums their case names, variants `{ tag, val }`; the `result`'s
// error is a thrown string or Error. Config is read with the leadhost SDK's
// helpers (the package `leadhost-sdk`; see README.md), as the Rust SDK reads it.

import { fields } from 'leadhost-sdk';

const DEFAULT_MIN_BUDGET = 10000;

export function qualify({ lead, config }) {
  // Missing: the default. Set but not a number: a FieldError, which refuses
  // the call naming the key and the value found (the host records why),
  // rather than the default silently taking its place.
  let minBudget;
  try {
    minBudget = fields.numberOr(config, 'min-budget', DEFAULT_MIN_BUDGET);
  } catch (error) {
    throw error instanceof fields.FieldError ? error.within('config') : error;
  }

  let budgetOk = null; // null: unknown
  let budgetReason = 'budget unknown';
  if (lead.budget != null) {
    budgetOk = lead.budget >= minBudget;
    budgetReason = budgetOk
      ? `budget ${lead.budget.toFixed(0)} meets the minimum ${minBudget.toFixed(0)}`
      : `budget ${lead.budget.toFixed(0)} is below the minimum ${minBudget.toFixed(0)}`;
  }
  const decides = lead.authority === 'decision-maker';
  const authorityReason = lead.authority == null
    ? 'authority unknown'
    : decides ? 'contact is a decision-maker' : 'contact is not a decision-maker';

  const reasons = [budgetReason, authorityReason];
  if (budgetOk === false) return verdict('discard', 10, null, reasons);
  if (budgetOk && decides) return verdict('sales-ready', 80, null, reasons);
  // Unknown budget or no authority: worth nurturing, not calling.
  return verdict('nurture', 40, 'education', reasons);
}

function verdict(stage, score, track, reasons) {
  return { stage, score, segment: null, track, reasons };
}
