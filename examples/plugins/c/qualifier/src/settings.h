// The org's config for the qualifier, read once per call with defaults.
// Same keys, defaults and refusals as plugins/bant-qualifier/src/settings.rs.
#ifndef C_QUALIFIER_SETTINGS_H
#define C_QUALIFIER_SETTINGS_H

#include "text.h"

/// A list of owned, trimmed, lower-cased strings.
typedef struct str_list {
    strbuf *items;
    size_t len;
} str_list;

/// Thresholds and lists the org can set (see ../README.md for each key).
typedef struct settings {
    double min_budget;             // `min-budget`, default 10000
    double max_timeline_days;      // `max-timeline-days`, default 90
    int32_t sales_ready_score;     // `sales-ready-score`, default 70
    size_t required_criteria;      // `required-criteria`, whole number 0-4, default 3
    str_list competitor_domains;   // `competitor-domains`, comma list, default none
    str_list discard_suffixes;     // `discard-domain-suffixes`, default ".edu,.ac.uk"
    double inactive_days;          // `inactive-days`, default 180
    double behaviour_window_days;  // `behaviour-window-days`, default 90
} settings;

/// Reads `config` into `out`. On an unusable value returns false with `err`
/// set to a message naming the key (owned by the caller); `out` then holds
/// nothing to free.
bool settings_from_config(const leadhost_plugin_types_list_field_t *config, settings *out,
                          lead_definition_string_t *err);

void settings_free(settings *s);

#endif
