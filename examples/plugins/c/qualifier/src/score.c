// The BANT criteria and the behaviour score; see score.h.
#include "score.h"

#include "rustfmt.h"

#define DAY_MS 86400000.0

int64_t wrapping_sub(int64_t a, int64_t b) { return (int64_t)((uint64_t)a - (uint64_t)b); }

static criterion make(bool met, int32_t points) {
    criterion c = {met, points, STRBUF_INIT};
    return c;
}

criterion score_budget(const leadhost_plugin_types_lead_t *lead, const settings *s) {
    if (!lead->budget.is_some) {
        criterion c = make(false, 0);
        sb_str(&c.reason, "budget unknown");
        return c;
    }
    double budget = lead->budget.val;
    bool met = budget >= s->min_budget;
    criterion c = make(met, met ? 25 : 0);
    sb_str(&c.reason, "budget ");
    sb_f64(&c.reason, budget);
    sb_str(&c.reason, met ? " meets the minimum " : " is below the minimum ");
    sb_f64(&c.reason, s->min_budget);
    return c;
}

criterion score_authority(const leadhost_plugin_types_lead_t *lead) {
    if (!lead->authority.is_some) {
        criterion c = make(false, 0);
        sb_str(&c.reason, "authority unknown");
        return c;
    }
    criterion c;
    const char *word;
    switch (lead->authority.val) {
    case LEADHOST_PLUGIN_TYPES_AUTHORITY_DECISION_MAKER:
        c = make(true, 25), word = "a decision-maker";
        break;
    case LEADHOST_PLUGIN_TYPES_AUTHORITY_INFLUENCER:
        c = make(true, 15), word = "an influencer";
        break;
    case LEADHOST_PLUGIN_TYPES_AUTHORITY_USER:
        c = make(false, 5), word = "a user without buying authority";
        break;
    default:
        c = make(false, 0), word = "without a part in the purchase";
        break;
    }
    sb_str(&c.reason, "contact is ");
    sb_str(&c.reason, word);
    return c;
}

criterion score_need(const leadhost_plugin_types_lead_t *lead) {
    if (!lead->need.is_some) {
        criterion c = make(false, 0);
        sb_str(&c.reason, "need unknown");
        return c;
    }
    criterion c;
    const char *word;
    switch (lead->need.val) {
    case LEADHOST_PLUGIN_TYPES_NEED_HIGH:
        c = make(true, 25), word = "high";
        break;
    case LEADHOST_PLUGIN_TYPES_NEED_MEDIUM:
        c = make(true, 15), word = "medium";
        break;
    case LEADHOST_PLUGIN_TYPES_NEED_LOW:
        c = make(false, 5), word = "low";
        break;
    default:
        c = make(false, 0), word = "none";
        break;
    }
    sb_str(&c.reason, "need is ");
    sb_str(&c.reason, word);
    return c;
}

criterion score_timeline(const leadhost_plugin_types_lead_t *lead, const settings *s) {
    if (!lead->timeline_days.is_some) {
        criterion c = make(false, 0);
        sb_str(&c.reason, "timeline unknown");
        return c;
    }
    uint32_t days = lead->timeline_days.val;
    bool met = (double)days <= s->max_timeline_days;
    criterion c = make(met, met ? 15 : 0);
    sb_str(&c.reason, "buying in ");
    sb_u64(&c.reason, days);
    sb_str(&c.reason, met ? " days, within " : " days, later than ");
    sb_f64(&c.reason, s->max_timeline_days);
    return c;
}

// Points for one activity: more for what takes more intent.
static int32_t activity_points(leadhost_plugin_types_activity_kind_t kind) {
    switch (kind) {
    case LEADHOST_PLUGIN_TYPES_ACTIVITY_KIND_PAGE_VISIT:
    case LEADHOST_PLUGIN_TYPES_ACTIVITY_KIND_EMAIL_OPEN:
        return 1;
    case LEADHOST_PLUGIN_TYPES_ACTIVITY_KIND_EMAIL_CLICK:
        return 2;
    case LEADHOST_PLUGIN_TYPES_ACTIVITY_KIND_DOWNLOAD:
    case LEADHOST_PLUGIN_TYPES_ACTIVITY_KIND_FORM:
    case LEADHOST_PLUGIN_TYPES_ACTIVITY_KIND_ANSWER:
        return 5;
    case LEADHOST_PLUGIN_TYPES_ACTIVITY_KIND_WEBINAR:
    case LEADHOST_PLUGIN_TYPES_ACTIVITY_KIND_EMAIL_REPLY:
        return 8;
    case LEADHOST_PLUGIN_TYPES_ACTIVITY_KIND_CALL:
        return 10;
    case LEADHOST_PLUGIN_TYPES_ACTIVITY_KIND_MEETING:
        return 15;
    default:
        return 0;
    }
}

// Rust's saturating `f64 as i64` (the argument is never NaN here).
static int64_t saturating_i64(double v) {
    if (v >= 9223372036854775808.0) return INT64_MAX;
    if (v < -9223372036854775808.0) return INT64_MIN;
    return (int64_t)v;
}

criterion score_behaviour(const leadhost_plugin_types_list_activity_t *activities, int64_t now, const settings *s) {
    int64_t since = wrapping_sub(now, saturating_i64(s->behaviour_window_days * DAY_MS));
    uint64_t recent = 0;
    uint32_t raw = 0; // summed with wrap-around, as Rust's release build does
    for (size_t i = 0; i < activities->len; i++) {
        const leadhost_plugin_types_activity_t *activity = &activities->ptr[i];
        if (activity->at >= since && activity->at <= now) {
            recent++;
            raw += (uint32_t)activity_points(activity->kind);
        }
    }
    int32_t raw_points = (int32_t)raw;
    int32_t points = raw_points < BEHAVIOUR_CAP ? raw_points : BEHAVIOUR_CAP;
    criterion c = make(false, points);
    sb_str(&c.reason, "behaviour ");
    sb_i64(&c.reason, points);
    sb_str(&c.reason, " points from ");
    sb_u64(&c.reason, recent);
    sb_str(&c.reason, " activities in the last ");
    sb_f64(&c.reason, s->behaviour_window_days);
    sb_str(&c.reason, " days");
    if (raw_points > BEHAVIOUR_CAP) {
        sb_str(&c.reason, " (capped from ");
        sb_i64(&c.reason, raw_points);
        sb_char(&c.reason, ')');
    }
    return c;
}

double idle_days(const leadhost_plugin_types_lead_t *lead, const leadhost_plugin_types_list_activity_t *activities,
                 int64_t now) {
    int64_t last = lead->created_at;
    for (size_t i = 0; i < activities->len; i++) {
        if (activities->ptr[i].at > last) last = activities->ptr[i].at;
    }
    return (double)wrapping_sub(now, last) / DAY_MS;
}
