// {{name}}: a lead definition (`qualify`).
//
// Two gates, each giving a reason so a rep can see why:
// - budget: at least `min-budget` (config, a number; default 10000). Known
//   and below it: discard, since the org cannot serve that buyer.
// - authority: the contact is a decision-maker.
// Both pass: sales-ready. Otherwise the lead is kept warm on the `education`
// nurture track until more is known.
//
// Ownership (wit-bindgen C): this function owns `input` and frees it;
// every string and list put in `ret` or `err` is heap memory the host frees
// after the call (so never a string literal: use text_take or string_dup).
#include <stdlib.h>
#include <string.h>

#include "lead_definition.h"
#include "text_buf.h"

#define DEFAULT_MIN_BUDGET 10000.0

// Finds the config entry `name`; NULL when absent.
static const leadhost_plugin_types_scalar_t *config_value(const leadhost_plugin_types_list_field_t *config,
                                                          const char *name) {
    for (size_t i = 0; i < config->len; i++) {
        const lead_definition_string_t *key = &config->ptr[i].name;
        if (key->len == strlen(name) && memcmp(key->ptr, name, key->len) == 0) return &config->ptr[i].value;
    }
    return NULL;
}

// "budget B meets the minimum M" / "budget B is below the minimum M".
static lead_definition_string_t budget_reason(double budget, const char *verdict, double min_budget) {
    text t = TEXT_INIT;
    text_str(&t, "budget ");
    text_whole(&t, budget);
    text_str(&t, verdict);
    text_whole(&t, min_budget);
    return text_take(&t);
}

bool exports_lead_definition_qualify(lead_definition_qualify_input_t *input, lead_definition_qualification_t *ret,
                                     lead_definition_string_t *err) {
    const leadhost_plugin_types_scalar_t *configured = config_value(&input->config, "min-budget");
    if (configured && configured->tag != LEADHOST_PLUGIN_TYPES_SCALAR_NUMBER) {
        // A present but unusable value is refused (the host records why).
        lead_definition_string_dup(err, "config `min-budget` must be a number");
        lead_definition_qualify_input_free(input);
        return false;
    }
    double min_budget = configured ? configured->val.number : DEFAULT_MIN_BUDGET;
    const leadhost_plugin_types_lead_t *lead = &input->lead;

    lead_definition_string_t *reasons = malloc(2 * sizeof *reasons);
    if (!reasons) __builtin_trap();
    int budget_ok = -1; // -1: unknown
    if (!lead->budget.is_some) {
        lead_definition_string_dup(&reasons[0], "budget unknown");
    } else {
        budget_ok = lead->budget.val >= min_budget;
        reasons[0] = budget_reason(lead->budget.val, budget_ok ? " meets the minimum " : " is below the minimum ",
                                   min_budget);
    }
    bool decides =
        lead->authority.is_some && lead->authority.val == LEADHOST_PLUGIN_TYPES_AUTHORITY_DECISION_MAKER;
    lead_definition_string_dup(&reasons[1], !lead->authority.is_some ? "authority unknown"
                                            : decides                ? "contact is a decision-maker"
                                                                     : "contact is not a decision-maker");

    memset(ret, 0, sizeof *ret); // segment and track: none
    ret->reasons = (lead_definition_list_string_t){reasons, 2};
    if (budget_ok == 0) {
        ret->stage = LEADHOST_PLUGIN_TYPES_STAGE_DISCARD;
        ret->score = 10;
    } else if (budget_ok == 1 && decides) {
        ret->stage = LEADHOST_PLUGIN_TYPES_STAGE_SALES_READY;
        ret->score = 80;
    } else { // unknown budget or no authority: worth nurturing, not calling
        ret->stage = LEADHOST_PLUGIN_TYPES_STAGE_NURTURE;
        ret->score = 40;
        ret->track.is_some = true;
        lead_definition_string_dup(&ret->track.val, "education");
    }
    lead_definition_qualify_input_free(input);
    return true;
}
