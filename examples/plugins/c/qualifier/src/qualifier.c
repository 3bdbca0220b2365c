// c-qualifier: a lead definition (`qualify`) in C. Scores budget, authority,
// need and timeline (BANT) plus behaviour from recent activity against the
// org's thresholds, discards on agreed criteria, and explains every verdict:
// the same rule, config and words as the Rust plug-in plugins/bant-qualifier.
//
// Ownership (wit-bindgen C): the exported function owns `input` and frees it;
// everything put in `ret` or `err` is heap memory the host frees after the
// call through the generated `cabi_post_qualify`.
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lead_definition.h"
#include "rustfmt.h"
#include "score.h"
#include "settings.h"
#include "text.h"

// The lead's domain (its `domain`, else its e-mail's), lower-cased, into `b`;
// returns it trimmed.
static str_view lead_domain(const leadhost_plugin_types_lead_t *lead, strbuf *b) {
    if (lead->domain.is_some) {
        sb_lower(b, sv_of(&lead->domain.val));
    } else {
        str_view email = sv_of(&lead->email);
        for (size_t i = email.len; i > 0; i--) {
            if (email.ptr[i - 1] == '@') {
                sb_lower(b, (str_view){email.ptr + i, email.len - i});
                break;
            }
        }
    }
    return sv_trim(sb_as_view(b));
}

// Appends the agreed reason to discard the lead to `why`; false if none applies.
static bool discard_reason(const leadhost_plugin_types_qualify_input_t *input, const settings *s, strbuf *why) {
    const leadhost_plugin_types_lead_t *lead = &input->lead;
    strbuf lowered = STRBUF_INIT;
    str_view domain = lead_domain(lead, &lowered);
    bool found = false;
    for (size_t i = 0; i < s->competitor_domains.len && !found; i++) {
        str_view competitor = sb_as_view(&s->competitor_domains.items[i]);
        bool subdomain = domain.len > competitor.len && sv_ends_with(domain, competitor) &&
                         domain.ptr[domain.len - competitor.len - 1] == '.';
        if (sv_eq(domain, competitor) || subdomain) {
            sb_str(why, "discard: ");
            sb_view(why, domain);
            sb_str(why, " belongs to competitor ");
            sb_view(why, competitor);
            found = true;
        }
    }
    for (size_t i = 0; i < s->discard_suffixes.len && !found; i++) {
        str_view suffix = sb_as_view(&s->discard_suffixes.items[i]);
        if (suffix.len > 0 && sv_ends_with(domain, suffix)) {
            sb_str(why, "discard: ");
            sb_view(why, domain);
            sb_str(why, " is an academic or student domain (");
            sb_view(why, suffix);
            sb_char(why, ')');
            found = true;
        }
    }
    sb_free(&lowered);
    if (found) return true;
    if (lead->need.is_some && lead->need.val == LEADHOST_PLUGIN_TYPES_NEED_NONE) {
        sb_str(why, "discard: the contact has no need");
        return true;
    }
    double idle = idle_days(lead, &input->activities, input->now);
    if (idle > s->inactive_days) {
        sb_str(why, "discard: no activity for ");
        sb_f64(why, floor(idle));
        sb_str(why, " days (limit ");
        sb_f64(why, s->inactive_days);
        sb_char(why, ')');
        return true;
    }
    return false;
}

static lead_definition_option_string_t some(const char *text) {
    lead_definition_option_string_t option = {true, cm_dup(sv_lit(text))};
    return option;
}

// Scores a lead that is not discarded: the verdict's stage, score, segment,
// track and its six reasons (verdict, four criteria, behaviour).
static void decide(const leadhost_plugin_types_qualify_input_t *input, const settings *s,
                   lead_definition_qualification_t *ret) {
    const leadhost_plugin_types_lead_t *lead = &input->lead;
    criterion criteria[4] = {
        score_budget(lead, s),
        score_authority(lead),
        score_need(lead),
        score_timeline(lead, s),
    };
    criterion behaviour = score_behaviour(&input->activities, input->now, s);
    const criterion *budget = &criteria[0], *authority = &criteria[1], *need = &criteria[2],
                    *timeline = &criteria[3];
    size_t met = 0;
    int32_t score = behaviour.points;
    for (size_t i = 0; i < 4; i++) {
        met += criteria[i].met;
        score += criteria[i].points;
    }
    if (score > 100) score = 100;

    strbuf verdict = STRBUF_INIT;
    ret->score = score;
    if (score >= s->sales_ready_score && met >= s->required_criteria) {
        ret->stage = LEADHOST_PLUGIN_TYPES_STAGE_SALES_READY;
        sb_str(&verdict, "sales-ready: score ");
        sb_i64(&verdict, score);
        sb_str(&verdict, " of ");
        sb_i64(&verdict, s->sales_ready_score);
        sb_str(&verdict, " needed, ");
    } else {
        const char *segment, *track, *why;
        if (budget->met && !timeline->met) {
            segment = "budget-no-timing", track = "trial-incentive", why = "has budget but not the timing";
        } else if (!authority->met && (need->met || behaviour.points >= 10)) {
            segment = "researching-no-authority", track = "find-decision-maker",
            why = "researching without buying authority";
        } else {
            segment = "early-interest", track = "education", why = "early interest";
        }
        ret->stage = LEADHOST_PLUGIN_TYPES_STAGE_NURTURE;
        ret->segment = some(segment);
        ret->track = some(track);
        sb_str(&verdict, "nurture: ");
        sb_str(&verdict, why);
        sb_str(&verdict, "; score ");
        sb_i64(&verdict, score);
        sb_str(&verdict, ", ");
    }
    sb_u64(&verdict, met);
    sb_str(&verdict, " of 4 BANT criteria met");

    enum { REASONS = 6 };
    ret->reasons.ptr = xrealloc(NULL, xmul(REASONS, sizeof *ret->reasons.ptr));
    ret->reasons.len = REASONS;
    ret->reasons.ptr[0] = sb_take(&verdict);
    for (size_t i = 0; i < 4; i++) ret->reasons.ptr[1 + i] = sb_take(&criteria[i].reason);
    ret->reasons.ptr[5] = sb_take(&behaviour.reason);
}

bool exports_lead_definition_qualify(lead_definition_qualify_input_t *input, lead_definition_qualification_t *ret,
                                     lead_definition_string_t *err) {
    memset(ret, 0, sizeof *ret);
    settings s;
    bool ok = settings_from_config(&input->config, &s, err);
    if (ok) {
        strbuf why = STRBUF_INIT;
        if (discard_reason(input, &s, &why)) {
            ret->stage = LEADHOST_PLUGIN_TYPES_STAGE_DISCARD;
            ret->score = 0;
            ret->reasons.ptr = xrealloc(NULL, sizeof *ret->reasons.ptr);
            ret->reasons.len = 1;
            ret->reasons.ptr[0] = sb_take(&why);
        } else {
            sb_free(&why);
            decide(input, &s, ret);
        }
        settings_free(&s);
    }
    // The input's strings and lists were allocated for this call: ours to free.
    lead_definition_qualify_input_free(input);
    return ok;
}
