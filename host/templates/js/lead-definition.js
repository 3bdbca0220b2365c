// {{name}}: a lead definition (`qualify`).
//
// Two gates, each giving a reason so a rep can see why:
// - budget: at least `min-budget` (config, a number; default 10000). Known
//   and below it: discard, since the org cannot serve that buyer.
// - authority: the contact is a decision-maker.
// Both pass: sales-ready. Otherwise the lead is kept warm on the `education`
// nurture track until more is known.
//
// componentize-qjs maps the WIT export `qualify` to this module's export of
// the same name: records are objects with camelCase keys, options are
// `null`, enums their case names, variants `{ tag, val }`; the `result`'s
// error is a thrown string.

const DEFAULT_MIN_BUDGET = 10000;

// The number named `name`, or `fallback` when absent. A present but unusable
// value is refused (the host records why) rather than ignored.
function configNumber(config, name, fallback) {
  const field = config.find((entry) => entry.name === name);
  if (!field) return fallback;
  if (field.value.tag !== 'number') throw `config \`${name}\` must be a number`;
  return field.value.val;
}

export function qualify({ lead, config }) {
  const minBudget = configNumber(config, 'min-budget', DEFAULT_MIN_BUDGET);

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
