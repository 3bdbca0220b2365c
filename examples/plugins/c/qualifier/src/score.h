// The BANT criteria and the behaviour score, each with the words that
// explain it; the same rules as plugins/bant-qualifier/src/score.rs.
#ifndef C_QUALIFIER_SCORE_H
#define C_QUALIFIER_SCORE_H

#include "settings.h"

/// One criterion's (or the behaviour's) verdict.
typedef struct criterion {
    bool met;       // whether the criterion is met
    int32_t points; // points it adds to the score
    strbuf reason;  // why, in words (owned)
} criterion;

/// Budget: met when at least `min-budget`; 25 points.
criterion score_budget(const leadhost_plugin_types_lead_t *lead, const settings *s);
/// Authority: met for a decision-maker (25 points) or influencer (15); user 5.
criterion score_authority(const leadhost_plugin_types_lead_t *lead);
/// Need: met when high (25 points) or medium (15); low 5.
criterion score_need(const leadhost_plugin_types_lead_t *lead);
/// Timeline: met when buying within `max-timeline-days`; 15 points.
criterion score_timeline(const leadhost_plugin_types_lead_t *lead, const settings *s);

/// The most behaviour adds to the score.
#define BEHAVIOUR_CAP 30

/// Behaviour: points for activity within `behaviour-window-days` of `now`,
/// capped at BEHAVIOUR_CAP (`met` is unused).
criterion score_behaviour(const leadhost_plugin_types_list_activity_t *activities, int64_t now, const settings *s);

/// Days since the lead last did anything (or was created, if it never did).
double idle_days(const leadhost_plugin_types_lead_t *lead, const leadhost_plugin_types_list_activity_t *activities,
                 int64_t now);

/// i64 subtraction that wraps, as the Rust plug-in's release build does.
int64_t wrapping_sub(int64_t a, int64_t b);

#endif
