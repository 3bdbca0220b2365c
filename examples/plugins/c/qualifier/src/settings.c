// The org's config for the qualifier; see settings.h.
#include "settings.h"

#include <math.h>
#include <stdlib.h>

#include "rustfmt.h"

// The value named `key`: the first field with that name, as the Rust SDK's
// `Fields::value` finds it.
static const leadhost_plugin_types_scalar_t *config_value(const leadhost_plugin_types_list_field_t *config,
                                                          const char *key) {
    str_view name = sv_lit(key);
    for (size_t i = 0; i < config->len; i++) {
        if (sv_eq(sv_of(&config->ptr[i].name), name)) return &config->ptr[i].value;
    }
    return NULL;
}

// `Fields::number`: a number, or text that parses as one once trimmed.
static bool scalar_number(const leadhost_plugin_types_scalar_t *value, double *out) {
    switch (value->tag) {
    case LEADHOST_PLUGIN_TYPES_SCALAR_NUMBER:
        *out = value->val.number;
        return true;
    case LEADHOST_PLUGIN_TYPES_SCALAR_TEXT:
        return rust_parse_f64(sv_trim(sv_of(&value->val.text)), out);
    default:
        return false;
    }
}

// Rust's `{:?}` of the WIT scalar, as the Rust plug-in's messages show it.
static void sb_debug_scalar(strbuf *b, const leadhost_plugin_types_scalar_t *value) {
    switch (value->tag) {
    case LEADHOST_PLUGIN_TYPES_SCALAR_TEXT:
        sb_str(b, "Scalar::Text(");
        sb_debug_str(b, sv_of(&value->val.text));
        break;
    case LEADHOST_PLUGIN_TYPES_SCALAR_NUMBER:
        sb_str(b, "Scalar::Number(");
        sb_f64(b, value->val.number);
        break;
    default:
        sb_str(b, "Scalar::Boolean(");
        sb_str(b, value->val.boolean ? "true" : "false");
        break;
    }
    sb_char(b, ')');
}

// The number named `key`, `fallback` if absent; text that is not a number, a
// flag, or a negative or non-finite value is refused naming the key.
static bool non_negative(const leadhost_plugin_types_list_field_t *config, const char *key, double fallback,
                         double *out, lead_definition_string_t *err) {
    const leadhost_plugin_types_scalar_t *value = config_value(config, key);
    if (!value) {
        *out = fallback;
        return true;
    }
    double number;
    bool numeric = scalar_number(value, &number);
    if (numeric && isfinite(number) && number >= 0.0) {
        *out = number;
        return true;
    }
    strbuf message = STRBUF_INIT;
    sb_str(&message, "config `");
    sb_str(&message, key);
    sb_str(&message, "` = ");
    if (numeric) {
        sb_f64(&message, number);
        sb_str(&message, ": expected a non-negative number");
    } else {
        sb_debug_scalar(&message, value);
        sb_str(&message, ": expected a number");
    }
    *err = sb_take(&message);
    return false;
}

// `Fields::list`: comma-separated text, items trimmed and lower-cased, empty
// items dropped; a value that is not text gives an empty list.
static str_list config_list(const leadhost_plugin_types_scalar_t *value) {
    str_list list = {NULL, 0};
    if (!value || value->tag != LEADHOST_PLUGIN_TYPES_SCALAR_TEXT) return list;
    str_view text = sv_of(&value->val.text);
    size_t items = 1;
    for (size_t i = 0; i < text.len; i++) items += text.ptr[i] == ',';
    list.items = xrealloc(NULL, xmul(items, sizeof *list.items));
    size_t start = 0;
    for (size_t i = 0; i <= text.len; i++) {
        if (i < text.len && text.ptr[i] != ',') continue;
        str_view item = sv_trim((str_view){text.ptr + start, i - start});
        if (item.len > 0) {
            list.items[list.len] = (strbuf)STRBUF_INIT;
            sb_lower(&list.items[list.len++], item);
        }
        start = i + 1;
    }
    return list;
}

static str_list default_suffixes(void) {
    static const char *const defaults[] = {".edu", ".ac.uk"};
    size_t n = sizeof defaults / sizeof defaults[0];
    str_list list = {xrealloc(NULL, xmul(n, sizeof(strbuf))), n};
    for (size_t i = 0; i < n; i++) {
        list.items[i] = (strbuf)STRBUF_INIT;
        sb_str(&list.items[i], defaults[i]);
    }
    return list;
}

static void str_list_free(str_list *list) {
    for (size_t i = 0; i < list->len; i++) sb_free(&list->items[i]);
    free(list->items);
    *list = (str_list){NULL, 0};
}

bool settings_from_config(const leadhost_plugin_types_list_field_t *config, settings *out,
                          lead_definition_string_t *err) {
    *out = (settings){0};
    double sales_ready, required;
    // Read in the Rust plug-in's order, so the first bad key is the one named.
    if (!non_negative(config, "min-budget", 10000.0, &out->min_budget, err) ||
        !non_negative(config, "max-timeline-days", 90.0, &out->max_timeline_days, err) ||
        !non_negative(config, "sales-ready-score", 70.0, &sales_ready, err) ||
        !non_negative(config, "required-criteria", 3.0, &required, err)) {
        return false;
    }
    // `as i32` in Rust: truncates, saturating at i32::MAX.
    out->sales_ready_score = sales_ready >= 2147483647.0 ? INT32_MAX : (int32_t)sales_ready;
    if (required > 4.0 || required != trunc(required)) {
        strbuf message = STRBUF_INIT;
        sb_str(&message, "config `required-criteria` = ");
        sb_f64(&message, required);
        sb_str(&message, ": expected a whole number from 0 to 4");
        *err = sb_take(&message);
        return false;
    }
    out->required_criteria = (size_t)required;
    if (!non_negative(config, "inactive-days", 180.0, &out->inactive_days, err) ||
        !non_negative(config, "behaviour-window-days", 90.0, &out->behaviour_window_days, err)) {
        return false;
    }
    out->competitor_domains = config_list(config_value(config, "competitor-domains"));
    const leadhost_plugin_types_scalar_t *suffixes = config_value(config, "discard-domain-suffixes");
    out->discard_suffixes = suffixes ? config_list(suffixes) : default_suffixes();
    return true;
}

void settings_free(settings *s) {
    str_list_free(&s->competitor_domains);
    str_list_free(&s->discard_suffixes);
}
