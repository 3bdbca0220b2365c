// {{name}}: a routing policy (`route`).
//
// Gives the lead to the least-loaded rep who can take it (available and
// under capacity), so work spreads evenly; ties go to the smaller id so the
// choice is stable. When nobody can take it, the lead waits in the queue
// named by `fallback-queue` (config, text; default `unassigned`) instead of
// being forced on a full rep.
//
// Ownership (wit-bindgen C): this function owns `input` and frees it;
// every string and list put in `ret` or `err` is heap memory the host frees
// after the call (so never a string literal: use text_take or string_dup).
#include <stdlib.h>
#include <string.h>

#include "routing_policy.h"
#include "text_buf.h"

// Finds the config entry `name`; NULL when absent.
static const leadhost_plugin_types_scalar_t *config_value(const leadhost_plugin_types_list_field_t *config,
                                                          const char *name) {
    for (size_t i = 0; i < config->len; i++) {
        const routing_policy_string_t *key = &config->ptr[i].name;
        if (key->len == strlen(name) && memcmp(key->ptr, name, key->len) == 0) return &config->ptr[i].value;
    }
    return NULL;
}

// Byte-wise order of two ids, as Rust orders strings.
static int compare_ids(const routing_policy_string_t *a, const routing_policy_string_t *b) {
    size_t shorter = a->len < b->len ? a->len : b->len;
    int order = shorter ? memcmp(a->ptr, b->ptr, shorter) : 0;
    return order ? order : (a->len > b->len) - (a->len < b->len);
}

bool exports_routing_policy_route(routing_policy_route_input_t *input, routing_policy_route_decision_t *ret,
                                  routing_policy_string_t *err) {
    const leadhost_plugin_types_scalar_t *queue = config_value(&input->config, "fallback-queue");
    bool queue_is_text = queue && queue->tag == LEADHOST_PLUGIN_TYPES_SCALAR_TEXT;
    if (queue_is_text && queue->val.text.len == 0) {
        // A present but unusable value is refused (the host records why).
        routing_policy_string_dup(err, "config `fallback-queue` must name a queue");
        routing_policy_route_input_free(input);
        return false;
    }

    const leadhost_plugin_types_list_rep_t *candidates = &input->candidates;
    const leadhost_plugin_types_rep_t *chosen = NULL;
    size_t open = 0;
    for (size_t i = 0; i < candidates->len; i++) {
        const leadhost_plugin_types_rep_t *rep = &candidates->ptr[i];
        if (!rep->available || rep->open_leads >= rep->capacity) continue;
        open++;
        if (!chosen || rep->open_leads < chosen->open_leads ||
            (rep->open_leads == chosen->open_leads && compare_ids(&rep->id, &chosen->id) < 0)) {
            chosen = rep;
        }
    }

    memset(ret, 0, sizeof *ret);
    if (!chosen) {
        ret->tag = LEADHOST_PLUGIN_TYPES_ROUTE_DECISION_QUEUE;
        if (queue_is_text) {
            routing_policy_string_dup_n(&ret->val.queue.name, (const char *)queue->val.text.ptr, queue->val.text.len);
        } else {
            routing_policy_string_dup(&ret->val.queue.name, "unassigned");
        }
        text why = TEXT_INIT;
        text_str(&why, "none of ");
        text_uint(&why, candidates->len);
        text_str(&why, " candidates is available with room");
        ret->val.queue.reason = text_take(&why);
    } else {
        ret->tag = LEADHOST_PLUGIN_TYPES_ROUTE_DECISION_ASSIGN;
        routing_policy_string_dup_n(&ret->val.assign.rep, (const char *)chosen->id.ptr, chosen->id.len);
        routing_policy_string_t *reasons = malloc(2 * sizeof *reasons);
        if (!reasons) __builtin_trap();
        text load = TEXT_INIT;
        text_str(&load, "fewest open leads: ");
        text_uint(&load, chosen->open_leads);
        text_str(&load, " of ");
        text_uint(&load, chosen->capacity);
        reasons[0] = text_take(&load);
        text room = TEXT_INIT;
        text_uint(&room, open);
        text_str(&room, " of ");
        text_uint(&room, candidates->len);
        text_str(&room, " candidates available with room");
        reasons[1] = text_take(&room);
        ret->val.assign.reasons = (routing_policy_list_string_t){reasons, 2};
    }
    routing_policy_route_input_free(input);
    return true;
}
