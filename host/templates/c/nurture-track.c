// {{name}}: a nurture track (`next-step`).
//
// Sends one touch per step on the lead's track, then sleeps `interval-days`
// (config, a number > 0; default 7) so the lead is not flooded; after 3
// touches the track is done with the lead. The step count lives in the
// track state the host keeps between calls, so the plug-in stays a pure
// function of its input (the time is `input->now`, in milliseconds).
//
// Config: `interval-days` (default 7), `channel` (text; default `email`).
//
// Ownership (wit-bindgen C): this function owns `input` and frees it;
// every string and list put in `ret` or `err` is heap memory the host frees
// after the call (so never a string literal: use text_take or string_dup).
#include <stdlib.h>
#include <string.h>

#include "nurture_track.h"
#include "text_buf.h"

#define TOUCHES 3
#define DAY_MS 86400000.0

// Finds the config entry `name`; NULL when absent.
static const leadhost_plugin_types_scalar_t *config_value(const leadhost_plugin_types_list_field_t *config,
                                                          const char *name) {
    for (size_t i = 0; i < config->len; i++) {
        const nurture_track_string_t *key = &config->ptr[i].name;
        if (key->len == strlen(name) && memcmp(key->ptr, name, key->len) == 0) return &config->ptr[i].value;
    }
    return NULL;
}

bool exports_nurture_track_next_step(nurture_track_nurture_input_t *input, nurture_track_nurture_step_t *ret,
                                     nurture_track_string_t *err) {
    const leadhost_plugin_types_scalar_t *days = config_value(&input->config, "interval-days");
    if (days && (days->tag != LEADHOST_PLUGIN_TYPES_SCALAR_NUMBER || !(days->val.number > 0))) {
        // A present but unusable value is refused (the host records why).
        nurture_track_string_dup(err, "config `interval-days` must be a number above 0");
        nurture_track_nurture_input_free(input);
        return false;
    }
    double interval_days = days ? days->val.number : 7;
    const leadhost_plugin_types_scalar_t *channel = config_value(&input->config, "channel");

    leadhost_plugin_types_nurture_action_t *action = malloc(sizeof *action);
    if (!action) __builtin_trap();
    memset(ret, 0, sizeof *ret); // wake_at: none
    ret->actions = (leadhost_plugin_types_list_nurture_action_t){action, 1};
    // The state goes back as it came (moved, not copied: `input` is freed below).
    ret->state = input->state;
    memset(&input->state, 0, sizeof input->state);

    if (ret->state.step >= TOUCHES) {
        // No wake time: the host calls again only on new activity.
        action->tag = LEADHOST_PLUGIN_TYPES_NURTURE_ACTION_FINISH;
        text why = TEXT_INIT;
        text_str(&why, "sent all ");
        text_uint(&why, TOUCHES);
        text_str(&why, " touches");
        action->val.finish = text_take(&why);
    } else {
        uint32_t step = ++ret->state.step;
        action->tag = LEADHOST_PLUGIN_TYPES_NURTURE_ACTION_SEND_TOUCH;
        leadhost_plugin_types_touch_t *touch = &action->val.send_touch;
        memset(touch, 0, sizeof *touch); // question: none
        if (channel && channel->tag == LEADHOST_PLUGIN_TYPES_SCALAR_TEXT) {
            nurture_track_string_dup_n(&touch->channel, (const char *)channel->val.text.ptr, channel->val.text.len);
        } else {
            nurture_track_string_dup(&touch->channel, "email");
        }
        // The content id names a template the org's sending tool knows.
        text content = TEXT_INIT;
        text_wit(&content, &ret->state.track);
        text_str(&content, "-touch-");
        text_uint(&content, step);
        touch->content = text_take(&content);
        ret->wake_at.is_some = true;
        ret->wake_at.val = input->now + (int64_t)(interval_days * DAY_MS);
    }
    nurture_track_nurture_input_free(input);
    return true;
}
